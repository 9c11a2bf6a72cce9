package org.esegen.synth;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a self-contained Vivado folder for a generated accelerator: its RTL, constraints, the
 * non-project TCL scripts and a README, for out-of-context synthesis ({@code synth_ooc.tcl}) and,
 * for the ADM-PCIE-KU3, a full board build ({@code build.tcl}).
 *
 * <p>Folder layout:
 * <pre>
 * README.md             commands, what each script writes, what was checked without Vivado
 * settings.tcl          top, part, clock, file names, board and host; the scripts read it
 * synth_ooc.tcl         out-of-context synthesis and reports (one sweep point)
 * build.tcl             board build: IP, synthesis, implementation, bitstream (KU3 only)
 * esegen_vivado.tcl     procedures both scripts share
 * config.json           the resolved accelerator configuration
 * params.json           the generator's parameter export, when the design folder has one
 * rtl/filelist.f        the accelerator's sources, relative to rtl/
 * rtl/...               the accelerator's sources; rtl/KU3Top.v, the board wrapper (KU3 only)
 * constraints/esegen_ooc.xdc            clock and I/O timing for out-of-context runs
 * constraints/adm-pcie-ku3.xdc          hand-kept board pins and clocks (KU3 only)
 * constraints/adm-pcie-ku3-pcie.xdc     hand-kept PCIe pins (KU3 with host xdma)
 * constraints/ku3_top.xdc               the wrapper's clock domains (KU3 only)
 * lint/ip_stubs.v       port-only IP stand-ins for linting KU3Top.v with Verilator (KU3 only)
 * lint/verilator-waivers.vlt  hdl-gen's waivers for what SpinalHDL emits, for that lint (KU3 only)
 * </pre>
 * The static scripts and board constraints are copied from the repository's
 * {@code scripts/vivado/} and {@code constraints/}.
 */
public final class VivadoProject {
    /** The default and the board's part. */
    public static final String DEFAULT_PART = Device.XCKU060_PART;

    private static final String RESOURCES = "/org/esegen/synth/";
    private static final String OOC_XDC = "constraints/esegen_ooc.xdc";
    private static final String BOARD_XDC = "constraints/adm-pcie-ku3.xdc";
    private static final String BOARD_PCIE_XDC = "constraints/adm-pcie-ku3-pcie.xdc";
    private static final String WRAPPER_XDC = "constraints/ku3_top.xdc";
    private static final String WRAPPER_FILE = "rtl/" + Ku3Top.MODULE + ".v";

    /**
     * What to build.
     *
     * @param board the board, or {@link Board#NONE} for out-of-context runs only
     * @param host  the host bridge of a board build (ignored without a board)
     * @param part  the Vivado part
     */
    public record Options(Board board, HostBridge host, String part) {
        public Options {
            if (!part.matches("x[a-z0-9]+(-[a-z0-9]+)+")) {
                throw new EsegenException("--part " + part + " is not a Xilinx part name (e.g. " + DEFAULT_PART + ")");
            }
            if (board == Board.ADM_PCIE_KU3 && !part.startsWith("xcku060-ffva1156")) {
                throw new EsegenException("--part " + part + " does not fit --board adm-pcie-ku3, which carries an "
                        + DEFAULT_PART);
            }
        }
    }

    private VivadoProject() {
    }

    /**
     * Writes the folder into {@code out} (the caller commits it).
     *
     * @param design  the generated accelerator; its top must follow {@link AcceleratorPorts} for a
     *                board build and have an input {@code clk} in any case
     * @param config  the configuration it was generated from
     * @param options board, host bridge and part
     * @param out     the output folder being written
     * @throws EsegenException when the design or configuration does not fit the options
     */
    public static void write(GeneratedDesign design, AcceleratorConfig config, Options options, OutputFolder out) {
        List<VerilogPort> ports = design.topPorts();
        if (ports.stream().noneMatch(p -> p.name().equals("clk") && p.direction() == VerilogPort.Direction.INPUT
                && p.width() == 1)) {
            throw new EsegenException("top " + design.top() + " has no 1-bit input clk, which the clock constraint names");
        }
        Ku3Top wrapper = null;
        if (options.board() == Board.ADM_PCIE_KU3) {
            AcceleratorPorts.check(ports, config);
            wrapper = Ku3Top.of(config, options.host());
        }

        List<Path> primitiveModels = design.simulationModels();
        List<String> filelist = new ArrayList<>();
        for (Path source : design.sources()) {
            Path relative = design.folder().toAbsolutePath().normalize().relativize(source.toAbsolutePath().normalize());
            if (relative.startsWith("..")) {
                throw new EsegenException("source " + source + " lies outside the design folder " + design.folder());
            }
            String name = relative.toString().replace('\\', '/');
            out.write("rtl/" + name, read(source));
            filelist.add(name);
        }
        out.write("rtl/" + GeneratedDesign.FILELIST, text("# Sources of " + design.top() + ", relative to this folder.\n"
                + String.join("\n", filelist) + "\n"));
        design.params().ifPresent(params -> out.write(GeneratedDesign.PARAMS, read(params)));
        out.write("config.json", json(config.toFieldMap()));
        out.write(OOC_XDC, text(oocConstraints(design.top(), config.clockMhz())));
        for (String script : List.of("synth_ooc.tcl", "esegen_vivado.tcl")) {
            out.write(script, resource("vivado/" + script));
        }
        if (wrapper != null) {
            out.write("build.tcl", resource("vivado/build.tcl"));
            out.write(WRAPPER_FILE, text(wrapper.verilog()));
            out.write(WRAPPER_XDC, text(wrapper.constraints()));
            out.write("lint/ip_stubs.v", text(wrapper.ipStubs()));
            out.write(LINT_WAIVERS, verilatorWaivers());
            for (Path model : primitiveModels) {
                out.write("lint/" + model.getFileName(), read(model));
            }
            out.write(BOARD_XDC, resource("constraints/adm-pcie-ku3/adm-pcie-ku3.xdc"));
            if (wrapper.host() == HostBridge.XDMA) {
                out.write(BOARD_PCIE_XDC, resource("constraints/adm-pcie-ku3/adm-pcie-ku3-pcie.xdc"));
            }
        }
        out.write("settings.tcl", text(settings(design.top(), config, options, wrapper)));
        out.write("README.md", text(readme(design.top(), config, options, wrapper, primitiveModels.stream()
                .map(model -> "lint/" + model.getFileName()).toList())));
    }

    /** The out-of-context constraints: one clock, ports timed as if registered outside. */
    static String oocConstraints(String top, int clockMhz) {
        return "# Out-of-context constraints for " + top + ", written by `esegen vivado` (clockMhz = " + clockMhz + ").\n"
                + "# One clock, clk: every register of the accelerator samples on its rising edge, so there is no\n"
                + "# clock-domain crossing to constrain.\n"
                + "create_clock -name clk -period " + period(clockMhz) + " [get_ports clk]\n\n"
                + "# reset is synchronous and active high: sampled by clk like data, it is timed like data (no false\n"
                + "# path, no ASYNC_REG). Out of context, every input is taken as launched by a register on clk at the\n"
                + "# port and every output as captured by one, so port paths, reset fan-out included, get the full\n"
                + "# period.\n"
                + "set_input_delay -clock clk 0.000 [get_ports -filter {DIRECTION == IN && NAME != clk}]\n"
                + "set_output_delay -clock clk 0.000 [get_ports -filter {DIRECTION == OUT}]\n";
    }

    private static String period(int clockMhz) {
        return String.format(Locale.ROOT, "%.3f", 1000.0 / clockMhz);
    }

    private static String settings(String top, AcceleratorConfig config, Options options, Ku3Top wrapper) {
        StringBuilder s = new StringBuilder("# Settings of this Vivado folder, written by `esegen vivado`. synth_ooc.tcl and build.tcl\n"
                + "# source it; the part can also be overridden per run: vivado ... -tclargs part=<part>\n")
                .append("set esegen(top)        {").append(top).append("}\n")
                .append("set esegen(part)       {").append(options.part()).append("}\n")
                .append("set esegen(clock_mhz)  ").append(config.clockMhz()).append('\n')
                .append("set esegen(filelist)   {rtl/").append(GeneratedDesign.FILELIST).append("}\n")
                .append("set esegen(ooc_xdc)    [list {").append(OOC_XDC).append("}]\n")
                .append("set esegen(board)      {").append(options.board().cliName()).append("}\n");
        if (wrapper != null) {
            s.append("set esegen(host)       {").append(wrapper.host().cliName()).append("}\n")
                    .append("set esegen(board_top)  {").append(Ku3Top.MODULE).append("}\n")
                    .append("# AXI data width of the accelerator's port, the DDR crossbar and the host path: 512 (one bank\n")
                    .append("# at a time) or 1024 (both banks side by side behind the AxiBankSplitter in KU3Top.v).\n")
                    .append("set esegen(ddr_port_bits) ").append(wrapper.portBits()).append('\n')
                    .append("set esegen(board_top_file) {").append(WRAPPER_FILE).append("}\n")
                    .append("set esegen(board_xdc)  [list {").append(BOARD_XDC).append('}')
                    .append(wrapper.host() == HostBridge.XDMA ? " {" + BOARD_PCIE_XDC + "}" : "")
                    .append(" {").append(WRAPPER_XDC).append("}]\n")
                    .append("# The IP modules ").append(WRAPPER_FILE).append(" instantiates; build.tcl checks it created exactly these.\n")
                    .append("set esegen(ip_modules) [list ").append(String.join(" ", wrapper.ipModules())).append("]\n");
        }
        return s.toString();
    }

    private static String readme(String top, AcceleratorConfig config, Options options, Ku3Top wrapper,
                                 List<String> lintModels) {
        StringBuilder r = new StringBuilder();
        r.append("# Vivado folder for ").append(top).append("\n\n")
                .append("Written by `esegen vivado` for part `").append(options.part()).append("`, board `")
                .append(options.board().cliName()).append('`')
                .append(wrapper != null ? ", host bridge `" + wrapper.host().cliName() + "`" : "")
                .append(", clock ").append(config.clockMhz()).append(" MHz (").append(period(config.clockMhz()))
                .append(" ns). The accelerator's configuration is in `config.json`. Everything runs in Vivado's\n")
                .append("non-project batch mode from this folder; no Vivado project file is involved.\n\n");

        r.append("## Commands\n\n```\n")
                .append("vivado -mode batch -source synth_ooc.tcl                 # out-of-context synthesis (a sweep point)\n")
                .append("vivado -mode batch -source synth_ooc.tcl -tclargs impl=1 # ... then place and route out of context\n")
                .append("vivado -mode batch -source synth_ooc.tcl -tclargs part=xcku060-ffva1156-1-c   # another part\n");
        if (wrapper != null) {
            r.append("vivado -mode batch -source build.tcl                     # board build: IP, implementation, bitstream\n");
        }
        r.append("```\n\nExit codes: 0 when setup and hold slack are non-negative and no DRC error is left; 1 on\n")
                .append("negative slack, DRC errors or any Vivado error; 2 on a bad `-tclargs` argument. The reason is\n")
                .append("printed on stderr and stored in the results JSON (`passed`, `failures`).\n\n");

        r.append("## What each script writes\n\n")
                .append("| script | writes |\n|---|---|\n")
                .append("| `synth_ooc.tcl` | `checkpoints/ooc_synth.dcp`; `reports/ooc/`: `utilization.rpt`, `utilization_hier.rpt`, ")
                .append("`timing_summary.rpt`, `logic_levels.rpt` (`report_design_analysis -logic_level_distribution`), `drc.rpt`, ")
                .append("`results.json`; with `impl=1` the same after routing in `reports/ooc_routed/` and `checkpoints/ooc_routed.dcp` |\n");
        if (wrapper != null) {
            r.append("| `build.tcl` | `ip/` (the generated IP), `checkpoints/board_synth.dcp`, `board_routed.dcp`; ")
                    .append("`reports/board/`: the reports above plus `clock_interaction.rpt` and `cdc.rpt`, `results.json`; ")
                    .append("`KU3Top.bit` only when timing and DRC pass")
                    .append(wrapper.host() == HostBridge.JTAG ? ", and `KU3Top.ltx` for the hardware manager" : "")
                    .append(" |\n");
        }
        r.append("\n`results.json` holds the stage, part, top, worst setup and hold slack (`wns_ns`, `whs_ns`), DRC\n")
                .append("errors, primitive cell counts (LUT, LUT RAM, SRL, FF, DSP48E2, RAMB36E2, RAMB18E2; the\n")
                .append("utilization reports, which count packed sites, are authoritative), and the logic levels, start\n")
                .append("and end of the worst setup path and of the deepest of the 1000 worst paths.\n")
                .append("Out of context, the DRC checks for unplaced I/O (NSTD-1, UCIO-1) are not counted: there are no\n")
                .append("I/O pins. Unconstrained paths are left out of the slack (`-no_report_unconstrained`); a slack\n")
                .append("that is not a finite number counts as no timed path and fails the run. Post-synthesis slack is an\n")
                .append("estimate (no placement); even `impl=1`, routed out of context, is an estimate of the accelerator\n")
                .append("alone, not the routed slack of the board build. DRC violations of severity Error or Fatal fail.\n\n");

        r.append("## Constraints\n\n")
                .append("- `constraints/esegen_ooc.xdc` (generated): `create_clock` of ").append(period(config.clockMhz()))
                .append(" ns on `clk`. `reset` is synchronous and active high, so it is timed like data: no false path\n")
                .append("  and no ASYNC_REG. Out of context every other input and output gets a zero input/output delay on\n")
                .append("  `clk`, i.e. it is treated as registered just outside the block and its paths get the full period.\n")
                .append("- The accelerator is a single-clock design: there is no clock-domain crossing inside it, hence\n")
                .append("  no CDC constraints for it.\n");
        if (wrapper != null) {
            r.append("- `constraints/adm-pcie-ku3.xdc`")
                    .append(wrapper.host() == HostBridge.XDMA ? " and `constraints/adm-pcie-ku3-pcie.xdc`" : "")
                    .append(" (hand-kept, from the repository's `constraints/`): pins, I/O standards, reference\n")
                    .append("  clocks and configuration settings of the ADM-PCIE-KU3. Their headers say where the facts come from\n")
                    .append("  and which ones you must check (the TODO(user) lines).\n")
                    .append("- `constraints/ku3_top.xdc` (generated with `KU3Top.v`): the wrapper's clock domains are asynchronous\n")
                    .append("  groups; data crosses them only inside Xilinx clock-converter IP (own constraints)")
                    .append(wrapper.host() == HostBridge.XDMA ? " and through the\n  two-flip-flop interrupt synchronizer `accel_irq_sync` (ASYNC_REG)" : "")
                    .append("; PERST# and the LEDs are asynchronous.\n");
        }
        r.append('\n');

        if (wrapper != null) {
            ku3Section(r, config, wrapper);
        }

        r.append("## What was checked without Vivado, and what only Vivado can check\n\n")
                .append("Checked by esegen's tests (Vivado is not installable where esegen is built):\n\n")
                .append("- the TCL scripts run under `tclsh` 8.6 with stub Vivado commands that record every call: every\n")
                .append("  file they read exists, `synth_design` gets the right part and top, ")
                .append(wrapper != null ? "the IP `build.tcl` creates are the\n  modules `KU3Top.v` instantiates, " : "")
                .append("reports and `results.json` are written, and the scripts\n")
                .append("  exit non-zero when the stub reports negative setup or hold slack or a DRC error;\n")
                .append("- every port, clock and cell the XDC files name exists in the top they constrain (parsed from the\n")
                .append("  Verilog) or is created by `create_clock` in them;\n");
        if (wrapper != null) {
            String models = lintModels.stream().map(model -> " " + model).collect(java.util.stream.Collectors.joining());
            r.append("- `KU3Top.v` lints clean with `verilator --lint-only -Wall` against the accelerator's RTL and the\n")
                    .append("  port-only IP stand-ins in `lint/ip_stubs.v`")
                    .append(models.isEmpty() ? "" : " (and the behavioral models of the device primitives the RTL\n"
                            + "  instantiates, for the lint only: Vivado takes the primitives themselves)")
                    .append(" (to repeat: `verilator --lint-only -Wall -Wno-DECLFILENAME\n")
                    .append("  --top-module KU3Top " + LINT_WAIVERS + " rtl/KU3Top.v lint/ip_stubs.v" + models
                            + "` plus the files in `rtl/filelist.f`; the waivers are hdl-gen's, for what SpinalHDL emits);\n");
        }
        r.append("- resources and logic depth are estimated by Yosys (`esegen synth`).\n\n")
                .append("Only a Vivado run can confirm:\n\n");
        List<String> vivadoOnly = new ArrayList<>(List.of(
                "timing closure at " + config.clockMhz() + " MHz, real utilization and logic levels on this part",
                "that the Vivado commands and options the scripts use behave as the stubs assume (e.g. the\n"
                        + "  properties read for `results.json`, `report_design_analysis` options)"));
        if (wrapper != null) {
            vivadoOnly.addAll(List.of(
                    "every `create_ip` CONFIG property in `build.tcl` (names and values differ between IP versions;\n"
                            + "  an unknown property fails `set_property`), and the IP port names `KU3Top.v` connects (an unknown\n"
                            + "  port fails `synth_design`)",
                    "the memory-controller settings against the SODIMMs actually fitted, DDR3 calibration, the PCIe\n"
                            + "  block and GT quad placement, pin assignments and I/O standards, and DRC on the placed design",
                    "the bitstream on the board"));
        }
        r.append("- ").append(String.join(";\n- ", vivadoOnly)).append(".\n");
        r.append('\n');
        return r.toString();
    }

    private static void ku3Section(StringBuilder r, AcceleratorConfig config, Ku3Top wrapper) {
        boolean bothBanks = config.memory().axiAddrBits() > Ku3Top.BANK_ADDRESS_BITS;
        r.append("## ADM-PCIE-KU3 build\n\n")
                .append("`rtl/KU3Top.v` instantiates the accelerator, one DDR3 memory controller per SODIMM bank and the\n")
                .append("host bridge. Clocks: the accelerator, the AXI crossbar and bank 0's AXI port run on bank 0's UI\n")
                .append("clock (200 MHz: DDR3-1600 at the 4:1 PHY ratio); bank 1 on its own UI clock")
                .append(wrapper.host() == HostBridge.XDMA ? "; the XDMA on the PCIe user clock (250 MHz)" : "")
                .append(". The accelerator's reset is bank 0's UI reset or bank 0 not calibrated yet.\n\n");
        r.append("Address map of the DDR crossbar (both the accelerator and the host DMA master reach it):\n\n")
                .append("| range | target |\n|---|---|\n");
        if (wrapper.portBits() > Ku3Top.DDR_DATA_BITS) {
            r.append("| `0x0_0000_0000`-`0x3_FFFF_FFFF` | banks 0 and 1 side by side (16 GB), through `AxiBankSplitter` |\n\n")
                    .append("Each 128-byte word at A is split: bytes 0-63 go to bank 0 and bytes 64-127 to bank 1 (through a\n")
                    .append("clock converter), both at A / 2 (`AxiBankSplitter`, appended to `rtl/KU3Top.v`). The accelerator's port is 1024 bits wide, so every beat reads or writes both banks at once: the\n")
                    .append("bandwidth of both, as the co-simulation's DDR model assumes. The host writes the image through the\n")
                    .append("same crossbar and splitter, so the layout in DDR is the one the accelerator reads. The accelerator has ")
                    .append(config.memory().axiAddrBits()).append(" address bits, so it reaches ")
                    .append(bothBanks ? "all 16 GB" : "the first 8 GB (4 GB of each bank)").append(".\n\n");
        } else {
            r.append("| `0x0_0000_0000`-`0x1_FFFF_FFFF` | bank 0 (8 GB) |\n")
                    .append("| `0x2_0000_0000`-`0x3_FFFF_FFFF` | bank 1 (8 GB), through a clock converter |\n\n")
                    .append("The accelerator has ").append(config.memory().axiAddrBits()).append(" address bits, so it ")
                    .append(bothBanks ? "reaches both banks" : "reaches bank 0 only: put its image there; bank 1 serves the host (or a\n"
                            + "configuration with `--set axiAddrBits=34`)")
                    .append(".\n\n");
        }
        if (wrapper.host() == HostBridge.XDMA) {
            r.append("Host bridge xdma: XDMA (PCIe Gen3 x8, AXI memory-mapped). Its AXI-Lite master BAR (4 KB) maps the\n")
                    .append("accelerator's registers (offset = register offset); its DMA channels write the DDR image and read\n")
                    .append("the outputs at the addresses above (e.g. with Xilinx's XDMA driver: `/dev/xdma0_user` for registers,\n")
                    .append("`/dev/xdma0_h2c_0` and `/dev/xdma0_c2h_0` for DDR). The interrupt is XDMA user interrupt 0.\n")
                    .append("LEDs: 0 both banks calibrated, 1 accelerator interrupt, 2 PCIe link up.\n\n");
        } else {
            r.append("Host bridge jtag (bring-up without a PCIe driver): two JTAG-to-AXI masters in the hardware manager,\n")
                    .append("`esegen_jtag_ddr` (AXI4, 32-bit data) writes and reads DDR at the addresses above, `esegen_jtag_regs`\n")
                    .append("(AXI4-Lite) the accelerator's registers. Vivado lists them as `hw_axi_1` and `hw_axi_2`; tell them apart\n")
                    .append("with `report_property [get_hw_axis hw_axi_1]` before writing, e.g.\n\n")
                    .append("```\ncreate_hw_axi_txn wr [get_hw_axis hw_axi_2] -type write -address 00000000 -data 00000001\n")
                    .append("run_hw_axi [get_hw_axi_txns wr]\n```\n\n")
                    .append("LEDs: 0 both banks calibrated, 1 accelerator interrupt, 2 heartbeat of bank 0's UI clock.\n\n");
        }
        r.append("What you must check against Alpha Data's board files (no KU3 board part is installable here):\n\n")
                .append("- `build.tcl`, memory controllers (marked CHECK): `C0.DDR3_MemoryPart` MT18KSF1G72HZ-1G6 (8 GB,\n")
                .append("  72-bit ECC SODIMM), `C0.DDR3_TimePeriod` 1250 ps (DDR3-1600), `C0.DDR3_InputClockPeriod` 2500 ps\n")
                .append("  (400 MHz reference), `C0.DDR3_MemoryVoltage` 1.5V, CAS latencies 11/8, ECC on, no data mask (so\n")
                .append("  `KU3Top.v` drives `ddr0_dm`/`ddr1_dm` to 0), `Internal_Vref` false. They follow SLAC's open-source\n")
                .append("  KU3 design (axi-pcie-core) and Alpha Data's DDR3 pin files as shipped in open-power/snap, not Alpha\n")
                .append("  Data's user manual. Every IP gets `GENERATE_SYNTH_CHECKPOINT` true before `synth_ip`.\n")
                .append("- `build.tcl`, crossbar and controllers: the controllers take 5-bit AXI IDs because the crossbar adds\n")
                .append("  one bit to tell its two masters apart.\n");
        if (wrapper.host() == HostBridge.XDMA) {
            r.append("- `build.tcl`, XDMA: `pcie_blk_locn` X0Y0 and `select_quad` GTH_Quad_225, as both public KU3 designs\n")
                    .append("  set them, for the lanes in `constraints/adm-pcie-ku3-pcie.xdc`. The width converter's\n")
                    .append("  asynchronous mode (`ACLK_ASYNC`, `FIFO_MODE`) carries the DMA master from the PCIe clock.\n");
        }
        r.append("- `constraints/adm-pcie-ku3*.xdc`: every pin and I/O standard, LED polarity, and which PERST# pin your\n")
                .append("  slot drives (TODO(user) lines).\n\n");
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        return Json.pretty(value);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EsegenException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** hdl-gen's Verilator waivers for SpinalHDL output, as the board folder carries them. */
    static final String LINT_WAIVERS = "lint/verilator-waivers.vlt";

    private static byte[] verilatorWaivers() {
        try (InputStream in = org.esegen.hdl.spinal.VerilogEmitter.class.getResourceAsStream("/verilator-waivers.vlt")) {
            if (in == null) {
                throw new IllegalStateException("hdl-gen's /verilator-waivers.vlt is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read hdl-gen's /verilator-waivers.vlt", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = VivadoProject.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + RESOURCES + name, e);
        }
    }
}
