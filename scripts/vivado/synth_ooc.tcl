# Out-of-context synthesis of the esegen accelerator: what one sweep point runs.
#
#   vivado -mode batch -source synth_ooc.tcl [-tclargs part=<part> impl=1]
#
# Non-project mode: reads the RTL named in rtl/filelist.f and the generated clock constraints,
# synthesizes the accelerator top out of context (no I/O buffers, ports stay ports) for the part
# in settings.tcl (xcku060-ffva1156-2-e unless overridden), then writes
#   reports/ooc/utilization.rpt, utilization_hier.rpt, timing_summary.rpt, logic_levels.rpt, drc.rpt
#   reports/ooc/results.json   (slack, DRC errors, cell counts, logic levels of the worst paths)
#   checkpoints/ooc_synth.dcp
# With impl=1 it also places and routes out of context and reports again under reports/ooc_routed.
# Exit code: 0 when setup and hold slack are non-negative and no DRC error is left, 1 otherwise
# (Vivado errors also exit 1), 2 for a bad -tclargs argument.

set here [file dirname [file normalize [info script]]]
cd $here
source [file join $here esegen_vivado.tcl]
source [file join $here settings.tcl]
set esegen(impl) 0
esegen::apply_overrides $::argv {part impl}

# Out of context there are no I/O pins, so the unplaced-I/O checks do not apply.
set ooc_ignored_drc {NSTD-1 UCIO-1}

foreach source_file [esegen::filelist $esegen(filelist)] {
    esegen::read_hdl $source_file
}
foreach xdc $esegen(ooc_xdc) {
    read_xdc $xdc
}

synth_design -mode out_of_context -part $esegen(part) -top $esegen(top) -flatten_hierarchy rebuilt
file mkdir checkpoints reports/ooc
write_checkpoint -force checkpoints/ooc_synth.dcp

proc report_stage {folder} {
    report_utilization -file $folder/utilization.rpt
    report_utilization -hierarchical -file $folder/utilization_hier.rpt
    report_timing_summary -max_paths 10 -report_unconstrained -file $folder/timing_summary.rpt
    report_design_analysis -logic_level_distribution -logic_level_dist_paths 1000 -file $folder/logic_levels.rpt
    report_drc -file $folder/drc.rpt
}

report_stage reports/ooc
if {!$esegen(impl)} {
    esegen::finish reports/ooc/results.json ooc_synth [esegen::worst_slack setup] [esegen::worst_slack hold] \
        [esegen::drc_errors $ooc_ignored_drc] [list clock_mhz [esegen::json_number $esegen(clock_mhz)]]
    exit 0
}

opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force checkpoints/ooc_routed.dcp
file mkdir reports/ooc_routed
report_stage reports/ooc_routed
esegen::finish reports/ooc_routed/results.json ooc_routed [esegen::worst_slack setup] [esegen::worst_slack hold] \
    [esegen::drc_errors $ooc_ignored_drc] [list clock_mhz [esegen::json_number $esegen(clock_mhz)]]
exit 0
