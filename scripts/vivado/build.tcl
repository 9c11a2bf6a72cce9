# Full build for the Alpha Data ADM-PCIE-KU3: memory controllers, host bridge, the accelerator,
# implementation and bitstream.
#
#   vivado -mode batch -source build.tcl [-tclargs part=<part>]
#
# Non-project mode with an in-memory project (IP needs one). Creates and synthesizes the IP that
# rtl/KU3Top.v instantiates (module names must match it):
#   ddr3_bank0, ddr3_bank1   DDR3 memory controllers, one per SODIMM bank, AXI4 slave 512 bits
#   esegen_ddr_xbar          AXI crossbar: accelerator and host DMA -> bank 0 (0x0_0000_0000, 8 GB)
#                            and bank 1 (0x2_0000_0000, 8 GB); with a 1024-bit accelerator port
#                            (esegen(ddr_port_bits) 1024) one 16 GB slave, KU3Top.v's AxiBankSplitter,
#                            which puts each word's halves into the two banks
#   esegen_bank1_cdc         AXI clock converter: bank 0's UI clock -> bank 1's UI clock
#   esegen_host_upsizer      AXI width converter: host DMA master -> esegen(ddr_port_bits) bits
#   host xdma:  esegen_xdma (PCIe Gen3 x8 DMA, AXI-Lite master BAR), esegen_regs_cdc (AXI-Lite
#               clock converter: PCIe user clock -> accelerator clock)
#   host jtag:  esegen_jtag_ddr (JTAG-to-AXI, AXI4, for loading DDR), esegen_jtag_regs (JTAG-to-AXI,
#               AXI4-Lite, for the accelerator's registers)
# then synthesizes KU3Top, runs opt/place/phys_opt/route, writes reports/board/*.rpt,
# reports/board/results.json and, only when timing and DRC pass, KU3Top.bit.
# Exit code: 0 on success, 1 on negative setup or hold slack, DRC errors or any Vivado error,
# 2 for a bad -tclargs argument or settings that do not describe a board build.
#
# The CONFIG values below marked CHECK come from public designs for this board, not from Alpha
# Data's board files (no board part for the KU3 is installable here); compare them with Alpha
# Data's ADM-PCIE-KU3 documentation before trusting a bitstream. README.md lists them.

set here [file dirname [file normalize [info script]]]
cd $here
source [file join $here esegen_vivado.tcl]
source [file join $here settings.tcl]
esegen::apply_overrides $::argv {part}

if {$esegen(board) ne "adm-pcie-ku3"} {
    puts stderr "esegen: settings.tcl describes board '$esegen(board)'; build.tcl builds only adm-pcie-ku3"
    exit 2
}
if {[lsearch -exact {xdma jtag} $esegen(host)] < 0} {
    puts stderr "esegen: host '$esegen(host)' in settings.tcl is neither xdma nor jtag"
    exit 2
}
if {[lsearch -exact {512 1024} $esegen(ddr_port_bits)] < 0} {
    puts stderr "esegen: ddr_port_bits '$esegen(ddr_port_bits)' in settings.tcl is neither 512 nor 1024"
    exit 2
}

create_project -in_memory -part $esegen(part)
set_property target_language Verilog [current_project]
file mkdir ip

# ---- DDR3 memory controllers (one per bank) ------------------------------------------------------
# CHECK: memory part, ECC, data width, timing and I/O voltage follow the KU3's 8 GB ECC SODIMMs as
# public designs configure them (MT18KSF1G72HZ-1G6: 72 bits with ECC, DDR3-1600, 400 MHz reference
# clock, 4:1 PHY ratio so the UI clock is 200 MHz).
foreach bank {0 1} {
    create_ip -name ddr3 -vendor xilinx.com -library ip -module_name ddr3_bank$bank -dir ip
    set_property -dict [list \
        CONFIG.C0.DDR3_MemoryType         {SODIMMs} \
        CONFIG.C0.DDR3_MemoryPart         {MT18KSF1G72HZ-1G6} \
        CONFIG.C0.DDR3_MemoryVoltage      {1.5V} \
        CONFIG.C0.DDR3_DataWidth          {72} \
        CONFIG.C0.DDR3_Ecc                {true} \
        CONFIG.C0.DDR3_DataMask           {false} \
        CONFIG.C0.DDR3_TimePeriod         {1250} \
        CONFIG.C0.DDR3_InputClockPeriod   {2500} \
        CONFIG.C0.DDR3_PhyClockRatio      {4:1} \
        CONFIG.C0.DDR3_CasLatency         {11} \
        CONFIG.C0.DDR3_CasWriteLatency    {8} \
        CONFIG.C0.DDR3_OnDieTermination   {RZQ/6} \
        CONFIG.System_Clock               {Differential} \
        CONFIG.C0.DDR3_AxiSelection       {true} \
        CONFIG.C0.DDR3_AxiDataWidth       {512} \
        CONFIG.C0.DDR3_AxiAddressWidth    {33} \
        CONFIG.C0.DDR3_AxiIDWidth         {5} \
        CONFIG.C0.DDR3_AxiArbitrationScheme {RD_PRI_REG} \
        CONFIG.Internal_Vref              {false} \
    ] [get_ips ddr3_bank$bank]
}

# ---- AXI interconnect: two masters, two banks (or one 16 GB splitter) --------------------------------
# The crossbar adds one ID bit to tell its two masters apart, so the controllers take 5-bit IDs.
if {$esegen(ddr_port_bits) == 1024} {
    set xbar_slaves [list \
        CONFIG.NUM_MI              {1} \
        CONFIG.M00_A00_BASE_ADDR   {0x0000000000000000} \
        CONFIG.M00_A00_ADDR_WIDTH  {34} \
    ]
} else {
    set xbar_slaves [list \
        CONFIG.NUM_MI              {2} \
        CONFIG.M00_A00_BASE_ADDR   {0x0000000000000000} \
        CONFIG.M00_A00_ADDR_WIDTH  {33} \
        CONFIG.M01_A00_BASE_ADDR   {0x0000000200000000} \
        CONFIG.M01_A00_ADDR_WIDTH  {33} \
    ]
}
create_ip -name axi_crossbar -vendor xilinx.com -library ip -module_name esegen_ddr_xbar -dir ip
set_property -dict [concat [list \
    CONFIG.NUM_SI              {2} \
    CONFIG.PROTOCOL            {AXI4} \
    CONFIG.ADDR_WIDTH          {34} \
    CONFIG.DATA_WIDTH          $esegen(ddr_port_bits) \
    CONFIG.ID_WIDTH            {5} \
    CONFIG.S00_THREAD_ID_WIDTH {4} \
    CONFIG.S01_THREAD_ID_WIDTH {4} \
    CONFIG.S00_BASE_ID         {0x00000000} \
    CONFIG.S01_BASE_ID         {0x00000010} \
] $xbar_slaves] [get_ips esegen_ddr_xbar]

create_ip -name axi_clock_converter -vendor xilinx.com -library ip -module_name esegen_bank1_cdc -dir ip
set_property -dict [list \
    CONFIG.PROTOCOL   {AXI4} \
    CONFIG.ADDR_WIDTH {34} \
    CONFIG.DATA_WIDTH {512} \
    CONFIG.ID_WIDTH   {5} \
    CONFIG.ACLK_ASYNC {1} \
] [get_ips esegen_bank1_cdc]

# ---- host bridge ---------------------------------------------------------------------------------
if {$esegen(host) eq "xdma"} {
    # PCIe block X0Y0 with GT quad 225, as both public KU3 designs set them: the x8 lanes of
    # constraints/adm-pcie-ku3-pcie.xdc. The AXI-Lite master BAR (4 KB) reaches the accelerator's
    # registers; the DMA channels reach both DDR banks.
    create_ip -name xdma -vendor xilinx.com -library ip -module_name esegen_xdma -dir ip
    set_property -dict [list \
        CONFIG.mode_selection             {Advanced} \
        CONFIG.pcie_blk_locn              {X0Y0} \
        CONFIG.select_quad                {GTH_Quad_225} \
        CONFIG.pl_link_cap_max_link_width {X8} \
        CONFIG.pl_link_cap_max_link_speed {8.0_GT/s} \
        CONFIG.ref_clk_freq               {100_MHz} \
        CONFIG.axi_data_width             {256_bit} \
        CONFIG.axisten_freq               {250} \
        CONFIG.axi_addr_width             {64} \
        CONFIG.xdma_axi_intf_mm           {AXI_Memory_Mapped} \
        CONFIG.axilite_master_en          {true} \
        CONFIG.axilite_master_size        {4} \
        CONFIG.axilite_master_scale       {Kilobytes} \
        CONFIG.xdma_num_usr_irq           {1} \
        CONFIG.xdma_rnum_chnl             {1} \
        CONFIG.xdma_wnum_chnl             {1} \
    ] [get_ips esegen_xdma]

    create_ip -name axi_dwidth_converter -vendor xilinx.com -library ip -module_name esegen_host_upsizer -dir ip
    set_property -dict [list \
        CONFIG.PROTOCOL      {AXI4} \
        CONFIG.ADDR_WIDTH    {34} \
        CONFIG.SI_DATA_WIDTH {256} \
        CONFIG.MI_DATA_WIDTH $esegen(ddr_port_bits) \
        CONFIG.SI_ID_WIDTH   {4} \
        CONFIG.ACLK_ASYNC    {1} \
        CONFIG.FIFO_MODE     {2} \
    ] [get_ips esegen_host_upsizer]

    create_ip -name axi_clock_converter -vendor xilinx.com -library ip -module_name esegen_regs_cdc -dir ip
    set_property -dict [list \
        CONFIG.PROTOCOL   {AXI4LITE} \
        CONFIG.ADDR_WIDTH {12} \
        CONFIG.DATA_WIDTH {32} \
        CONFIG.ACLK_ASYNC {1} \
    ] [get_ips esegen_regs_cdc]
} else {
    create_ip -name jtag_axi -vendor xilinx.com -library ip -module_name esegen_jtag_ddr -dir ip
    set_property -dict [list \
        CONFIG.PROTOCOL         {0} \
        CONFIG.M_AXI_DATA_WIDTH {32} \
        CONFIG.M_AXI_ADDR_WIDTH {64} \
        CONFIG.M_AXI_ID_WIDTH   {1} \
    ] [get_ips esegen_jtag_ddr]

    create_ip -name jtag_axi -vendor xilinx.com -library ip -module_name esegen_jtag_regs -dir ip
    set_property -dict [list \
        CONFIG.PROTOCOL         {2} \
        CONFIG.M_AXI_DATA_WIDTH {32} \
        CONFIG.M_AXI_ADDR_WIDTH {32} \
    ] [get_ips esegen_jtag_regs]

    create_ip -name axi_dwidth_converter -vendor xilinx.com -library ip -module_name esegen_host_upsizer -dir ip
    set_property -dict [list \
        CONFIG.PROTOCOL      {AXI4} \
        CONFIG.ADDR_WIDTH    {34} \
        CONFIG.SI_DATA_WIDTH {32} \
        CONFIG.MI_DATA_WIDTH $esegen(ddr_port_bits) \
        CONFIG.SI_ID_WIDTH   {1} \
        CONFIG.ACLK_ASYNC    {0} \
    ] [get_ips esegen_host_upsizer]
}

# The wrapper (rtl/KU3Top.v) and this script must agree on the IP module names.
set created [lsort [get_ips]]
if {$created ne [lsort $esegen(ip_modules)]} {
    puts stderr "esegen: build.tcl created IP {$created} but KU3Top.v instantiates {[lsort $esegen(ip_modules)]}"
    exit 1
}

# Out-of-context synthesis checkpoint per IP (UG896), set explicitly rather than left to the default.
foreach ip [get_ips] {
    set_property GENERATE_SYNTH_CHECKPOINT true [get_files [get_property IP_FILE [get_ips $ip]]]
}
generate_target all [get_ips]
synth_ip [get_ips]

# ---- the design ----------------------------------------------------------------------------------
foreach source_file [esegen::filelist $esegen(filelist)] {
    esegen::read_hdl $source_file
}
esegen::read_hdl $esegen(board_top_file)
foreach xdc $esegen(board_xdc) {
    read_xdc $xdc
}

synth_design -top $esegen(board_top) -part $esegen(part)
file mkdir checkpoints reports/board
write_checkpoint -force checkpoints/board_synth.dcp
opt_design
if {$esegen(host) eq "jtag"} {
    # Non-project mode: the probes file right after opt_design (UG908).
    write_debug_probes -force $esegen(board_top).ltx
}
place_design
phys_opt_design
route_design
write_checkpoint -force checkpoints/board_routed.dcp

report_utilization -file reports/board/utilization.rpt
report_utilization -hierarchical -file reports/board/utilization_hier.rpt
report_timing_summary -max_paths 10 -report_unconstrained -file reports/board/timing_summary.rpt
report_design_analysis -logic_level_distribution -logic_level_dist_paths 1000 -file reports/board/logic_levels.rpt
report_clock_interaction -file reports/board/clock_interaction.rpt
report_cdc -file reports/board/cdc.rpt
report_drc -file reports/board/drc.rpt

esegen::finish reports/board/results.json board_routed [esegen::worst_slack setup] [esegen::worst_slack hold] \
    [esegen::drc_errors {}] [list host [esegen::json_string $esegen(host)] \
        accelerator_clock_mhz [esegen::json_number $esegen(clock_mhz)]]

write_bitstream -force $esegen(board_top).bit
puts "esegen: wrote $here/$esegen(board_top).bit"
exit 0
