# Procedures shared by synth_ooc.tcl and build.tcl (esegen Vivado flow, non-project batch mode).
# Nothing here runs on its own; the scripts source it first. Plain Tcl 8.6 plus Vivado commands.

namespace eval esegen {}

# Applies key=value overrides from the command line (vivado ... -tclargs part=... impl=1) to the
# settings array; an unknown key or a malformed argument stops with exit code 2.
proc esegen::apply_overrides {arguments allowed} {
    global esegen
    foreach argument $arguments {
        if {![regexp {^([a-z_]+)=(.*)$} $argument -> key value]} {
            puts stderr "esegen: argument '$argument' is not key=value (allowed keys: $allowed)"
            exit 2
        }
        if {[lsearch -exact $allowed $key] < 0} {
            puts stderr "esegen: unknown key '$key' (allowed keys: $allowed)"
            exit 2
        }
        set esegen($key) $value
    }
}

# The Verilog files a filelist names: one path per line, relative to the filelist's folder unless
# absolute; blank lines and lines starting with # or // are skipped.
proc esegen::filelist {path} {
    set folder [file dirname $path]
    set channel [open $path r]
    set files {}
    foreach line [split [read $channel] "\n"] {
        set line [string trim $line]
        if {$line eq "" || [string match "#*" $line] || [string match "//*" $line]} {
            continue
        }
        lappend files [file join $folder $line]
    }
    close $channel
    return $files
}

# Reads one HDL file: SystemVerilog for .sv, Verilog otherwise.
proc esegen::read_hdl {path} {
    if {[file extension $path] eq ".sv"} {
        read_verilog -sv $path
    } else {
        read_verilog $path
    }
}

# ---- JSON, written by hand (Vivado's Tcl has no JSON package) ---------------------------------

proc esegen::json_string {text} {
    return "\"[string map {\\ \\\\ \" \\\" \n \\n \r \\r \t \\t} $text]\""
}

# A number, or null when the value is empty (no path, no property) or not finite ("inf" is no
# JSON number).
proc esegen::json_number {value} {
    if {$value eq ""} {
        return null
    }
    if {![string is double -strict $value]} {
        error "esegen: '$value' is not a number"
    }
    if {![esegen::is_finite $value]} {
        return null
    }
    return $value
}

proc esegen::json_bool {value} {
    return [expr {$value ? "true" : "false"}]
}

# An object from a flat list of key and already-encoded value pairs.
proc esegen::json_object {pairs} {
    set members {}
    foreach {key value} $pairs {
        lappend members "[esegen::json_string $key]: $value"
    }
    return "\{[join $members {, }]\}"
}

proc esegen::write_file {path text} {
    file mkdir [file dirname $path]
    set channel [open $path w]
    puts $channel $text
    close $channel
}

# ---- figures of the design in memory ------------------------------------------------------------

proc esegen::count_cells {filter} {
    return [llength [get_cells -hierarchical -quiet -filter $filter]]
}

# Primitive counts. report_utilization's tables are authoritative (they count packed sites, e.g. two
# small LUTs in one LUT6 site); these are cell counts, for scripts.
proc esegen::cell_counts {} {
    return [esegen::json_object [list \
        lut    [esegen::count_cells {REF_NAME =~ LUT*}] \
        lutram [esegen::count_cells {REF_NAME =~ RAM* && REF_NAME !~ RAMB*}] \
        srl    [esegen::count_cells {REF_NAME =~ SRL*}] \
        ff     [esegen::count_cells {REF_NAME =~ FD*}] \
        dsp    [esegen::count_cells {REF_NAME == DSP48E2}] \
        ramb36 [esegen::count_cells {REF_NAME == RAMB36E2}] \
        ramb18 [esegen::count_cells {REF_NAME == RAMB18E2}]]]
}

# Worst slack over all clocks (setup or hold); empty when nothing is timed. Unconstrained paths
# are left out (-no_report_unconstrained), and a slack that is not a finite number (Vivado reports
# "inf" for a path with no requirement) counts as no timed path, so it never passes the gate nor
# reaches results.json.
proc esegen::worst_slack {kind} {
    set path [get_timing_paths -quiet -$kind -max_paths 1 -nworst 1 -no_report_unconstrained]
    if {[llength $path] == 0} {
        return ""
    }
    set slack [get_property SLACK $path]
    if {![esegen::is_finite $slack]} {
        return ""
    }
    return $slack
}

# True when value is a finite number ("inf", "NaN" and text are not).
proc esegen::is_finite {value} {
    if {![string is double -strict $value]} {
        return 0
    }
    if {[catch {expr {abs(double($value)) < 1e300}} finite]} {
        return 0
    }
    return $finite
}

# The worst setup path and the deepest of the 1000 worst: logic levels, start and end.
proc esegen::logic_levels {} {
    set paths [get_timing_paths -quiet -setup -max_paths 1000 -nworst 1 -no_report_unconstrained]
    if {[llength $paths] == 0} {
        return null
    }
    set worst [lindex $paths 0]
    set deepest $worst
    foreach path $paths {
        if {[get_property LOGIC_LEVELS $path] > [get_property LOGIC_LEVELS $deepest]} {
            set deepest $path
        }
    }
    set describe {{path} {
        return [esegen::json_object [list \
            logic_levels [esegen::json_number [get_property LOGIC_LEVELS $path]] \
            slack_ns     [esegen::json_number [get_property SLACK $path]] \
            start        [esegen::json_string [get_property STARTPOINT_PIN $path]] \
            end          [esegen::json_string [get_property ENDPOINT_PIN $path]]]]
    }}
    return [esegen::json_object [list worst_slack_path [apply $describe $worst] \
        deepest_of_1000_worst [apply $describe $deepest]]]
}

# DRC errors (severity Error or Fatal, UG912) after report_drc, leaving out the checks named in
# ignored (e.g. I/O checks that do not apply out of context).
proc esegen::drc_errors {ignored} {
    set errors {}
    foreach violation [get_drc_violations -quiet] {
        if {[lsearch -exact {Error Fatal} [get_property SEVERITY $violation]] < 0} {
            continue
        }
        if {[lsearch -exact $ignored [get_property CHECK $violation]] >= 0} {
            continue
        }
        lappend errors [get_property NAME $violation]
    }
    return $errors
}

# Writes the run's results as JSON, prints a summary and exits: 0 when the setup and hold slack
# are non-negative and there is no DRC error, 1 otherwise.
proc esegen::finish {json_path stage wns whs drc_errors extra} {
    global esegen
    set failures {}
    if {$wns eq ""} {
        lappend failures "no timed path: the clock constraint did not apply"
    } elseif {$wns < 0} {
        lappend failures "setup slack $wns ns is negative"
    }
    if {$whs ne "" && $whs < 0} {
        lappend failures "hold slack $whs ns is negative"
    }
    if {[llength $drc_errors] > 0} {
        lappend failures "[llength $drc_errors] DRC error(s): [join $drc_errors {, }]"
    }
    set errors_json {}
    foreach name $drc_errors {
        lappend errors_json [esegen::json_string $name]
    }
    set failures_json {}
    foreach failure $failures {
        lappend failures_json [esegen::json_string $failure]
    }
    esegen::write_file $json_path [esegen::json_object [concat [list \
        stage        [esegen::json_string $stage] \
        part         [esegen::json_string $esegen(part)] \
        top          [esegen::json_string [get_property TOP [current_design]]] \
        wns_ns       [esegen::json_number $wns] \
        whs_ns       [esegen::json_number $whs] \
        drc_errors   "\[[join $errors_json {, }]\]" \
        passed       [esegen::json_bool [expr {[llength $failures] == 0}]] \
        failures     "\[[join $failures_json {, }]\]" \
        cells        [esegen::cell_counts] \
        paths        [esegen::logic_levels]] $extra]]
    puts "esegen: $stage on $esegen(part): WNS [expr {$wns eq {} ? {none} : $wns}] ns,\
          WHS [expr {$whs eq {} ? {none} : $whs}] ns, [llength $drc_errors] DRC error(s); results in $json_path"
    if {[llength $failures] > 0} {
        foreach failure $failures {
            puts stderr "esegen: FAILED: $failure"
        }
        exit 1
    }
}
