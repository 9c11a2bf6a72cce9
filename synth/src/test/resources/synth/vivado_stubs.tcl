# Stub Vivado commands for running esegen's Vivado scripts under plain tclsh in tests.
#
#   tclsh vivado_stubs.tcl <script.tcl> [tclargs...]
#
# Every stub appends one line to $env(ESEGEN_STUB_LOG): the command and its arguments, separated
# by tabs. Commands that read a file fail, as Vivado would, when the file does not exist, and log
# "READ<tab><absolute path>". Commands that write a file (-file, checkpoints, bitstreams) create it.
# The test scripts timing and DRC through the environment:
#   ESEGEN_STUB_WNS, ESEGEN_STUB_WHS   worst setup and hold slack in ns (empty: no timed path)
#   ESEGEN_STUB_DRC                    DRC violations as CHECK:SEVERITY,... (e.g. UCIO-1:Error)
#   ESEGEN_STUB_UNCONSTRAINED          1: the design also has an unconstrained path (slack "inf"),
#                                      which get_timing_paths returns unless -no_report_unconstrained
# A command the stubs do not define fails with Tcl's "invalid command name", so a script using a
# new Vivado command fails here until the stub exists.

set stub_log [open $env(ESEGEN_STUB_LOG) w]
set stub_top ""
set stub_ips {}

proc stub_env {name default} {
    if {[info exists ::env($name)]} {
        return $::env($name)
    }
    return $default
}

proc stub_record {command arguments} {
    puts $::stub_log [join [concat [list $command] $arguments] "\t"]
    flush $::stub_log
}

proc stub_read {command path} {
    if {![file isfile $path]} {
        error "$command: file '$path' does not exist"
    }
    puts $::stub_log "READ\t[file normalize $path]"
    flush $::stub_log
}

# Creates the file named after -file (or the last argument when last is set).
proc stub_write {arguments {last 0}} {
    set index [lsearch -exact $arguments -file]
    if {$index >= 0} {
        set path [lindex $arguments [expr {$index + 1}]]
    } elseif {$last} {
        set path [lindex $arguments end]
    } else {
        return
    }
    file mkdir [file dirname $path]
    set channel [open $path w]
    puts $channel "stub output of esegen's Vivado stubs"
    close $channel
}

proc stub_option {arguments name} {
    set index [lsearch -exact $arguments $name]
    if {$index < 0} {
        return ""
    }
    return [lindex $arguments [expr {$index + 1}]]
}

proc read_verilog {args} { stub_record read_verilog $args; stub_read read_verilog [lindex $args end] }
proc read_xdc {args} { stub_record read_xdc $args; stub_read read_xdc [lindex $args end] }
proc synth_design {args} {
    stub_record synth_design $args
    set ::stub_top [stub_option $args -top]
    if {$::stub_top eq "" || [stub_option $args -part] eq ""} {
        error "synth_design: -top and -part are required"
    }
}
proc opt_design {args} { stub_record opt_design $args }
proc place_design {args} { stub_record place_design $args }
proc phys_opt_design {args} { stub_record phys_opt_design $args }
proc route_design {args} { stub_record route_design $args }
proc write_checkpoint {args} { stub_record write_checkpoint $args; stub_write $args 1 }
proc write_bitstream {args} { stub_record write_bitstream $args; stub_write $args 1 }
proc write_debug_probes {args} { stub_record write_debug_probes $args; stub_write $args 1 }
foreach report {report_utilization report_timing_summary report_design_analysis report_drc
                report_clock_interaction report_cdc} {
    proc $report {args} "stub_record $report \$args; stub_write \$args"
}

proc create_project {args} { stub_record create_project $args }
proc current_project {args} { stub_record current_project $args; return stub_project }
proc current_design {args} { return stub_design }
proc create_ip {args} {
    stub_record create_ip $args
    lappend ::stub_ips [stub_option $args -module_name]
}
proc get_ips {args} {
    if {[llength $args] == 0} {
        return $::stub_ips
    }
    set name [lindex $args end]
    if {[lsearch -exact $::stub_ips $name] < 0} {
        error "get_ips: no IP named $name"
    }
    return $name
}
proc set_property {args} { stub_record set_property $args }
proc get_files {args} { stub_record get_files $args; return [lindex $args end] }
proc generate_target {args} { stub_record generate_target $args }
proc synth_ip {args} { stub_record synth_ip $args }

proc get_cells {args} { return {cell_a cell_b cell_c} }
proc get_timing_paths {args} {
    if {[stub_env ESEGEN_STUB_UNCONSTRAINED 0] && [lsearch -exact $args -no_report_unconstrained] < 0} {
        return {path_unconstrained_0}
    }
    if {[lsearch -exact $args -hold] >= 0} {
        set slack [stub_env ESEGEN_STUB_WHS 0.05]
        set kind hold
    } else {
        set slack [stub_env ESEGEN_STUB_WNS 0.25]
        set kind setup
    }
    if {$slack eq ""} {
        return {}
    }
    set count [expr {[stub_option $args -max_paths] eq "1" ? 1 : 3}]
    set paths {}
    for {set i 0} {$i < $count} {incr i} {
        lappend paths "path_${kind}_$i"
    }
    return $paths
}
proc get_drc_violations {args} {
    set violations {}
    foreach entry [split [stub_env ESEGEN_STUB_DRC ""] ,] {
        if {$entry ne ""} {
            lappend violations "drc_$entry"
        }
    }
    return $violations
}
proc get_property {name object} {
    if {$object eq "path_unconstrained_0"} {
        switch $name {
            SLACK { return inf }
            LOGIC_LEVELS { return 0 }
            STARTPOINT_PIN { return "input_port" }
            ENDPOINT_PIN { return "unclocked_reg/D" }
        }
    }
    if {[string match path_* $object]} {
        regexp {^path_(setup|hold)_(\d+)$} $object -> kind index
        switch $name {
            SLACK { return [expr {($kind eq "hold" ? [stub_env ESEGEN_STUB_WHS 0.05] : [stub_env ESEGEN_STUB_WNS 0.25]) + $index}] }
            LOGIC_LEVELS { return [expr {5 + 2 * $index}] }
            STARTPOINT_PIN { return "start_reg_$index/C" }
            ENDPOINT_PIN { return "end_reg_$index/D" }
        }
    }
    if {[string match drc_* $object]} {
        regexp {^drc_([^:]+):(.+)$} $object -> check severity
        switch $name {
            CHECK { return $check }
            NAME { return "$check#1" }
            SEVERITY { return $severity }
        }
    }
    if {$name eq "IP_FILE" && [lsearch -exact $::stub_ips $object] >= 0} {
        return "ip/$object/$object.xci"
    }
    if {$object eq "stub_design" && $name eq "TOP"} {
        return $::stub_top
    }
    error "get_property: the stubs do not know property $name of $object"
}

set script [lindex $argv 0]
set argv [lrange $argv 1 end]
set argc [llength $argv]
source $script
