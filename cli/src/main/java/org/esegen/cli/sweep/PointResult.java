package org.esegen.cli.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one sweep point produced: one row of {@code results.csv}, one object of {@code results.json},
 * and the content of the point's {@code result.json} (whose existence marks the point finished).
 * A figure is null when the stage that measures it did not run; {@code stages_skipped} then says why.
 * Figures measured by co-simulation ({@code bit_exact}, {@code cycles_per_frame}, {@code latency_us},
 * the GOPS and {@code pe_utilization}) have {@code ideal_} twins computed from the compiler's
 * stall-free bound; the two are never mixed.
 *
 * @param index               position in grid order
 * @param id                  point id (folder name)
 * @param pes                 PEs per channel
 * @param weightBits          stored weight width
 * @param actBits             activation width
 * @param indexBits           relative index width
 * @param channels            channels
 * @param pruning             pruning method
 * @param cell                the model's cell
 * @param clockMhz            clock the latencies are computed at
 * @param frames              input frames per channel
 * @param status              {@code ok}, or {@code failed} when a stage threw
 * @param error               the failure, or null
 * @param stagesRun           stages that ran, in order
 * @param stagesSkipped       stage to the reason it did not run
 * @param bitExact            co-simulation output equals the golden model bit for bit (a point whose
 *                            co-simulation is not bit-exact is {@code failed}, so this is true or null)
 * @param cyclesPerFrame      co-simulated cycles per frame
 * @param latencyUs           cyclesPerFrame at the clock, microseconds
 * @param gopsSparse          2 x useful MACs (real nonzeros) per frame x channels / co-simulated latency, GOP/s
 * @param gopsDenseEquiv      2 x dense matrix weights x channels / co-simulated latency, GOP/s
 * @param peUtilization       co-simulated: useful MACs / (PEs x cycles)
 * @param ddrStallCyclesPerFrame   co-simulated DDR_STALL_CYCLES / frames
 * @param queueStallCyclesPerFrame co-simulated QUEUE_STALL_CYCLES / frames
 * @param idealCyclesPerFrame the compiler's bound: both SpMVs' busiest PE, padding folded as the PE does
 * @param idealLatencyUs      idealCyclesPerFrame at the clock
 * @param idealGopsSparse     gopsSparse at the ideal latency
 * @param idealGopsDenseEquiv gopsDenseEquiv at the ideal latency
 * @param idealPeUtilization  useful MACs / (PEs x ideal cycles)
 * @param snrDb               golden model against the float reference of the pruned model, dB
 * @param maxAbsError         largest |golden - float| against the pruned model
 * @param snrDbVsDense        golden model against the float reference of the unpruned model, dB
 * @param density             real nonzeros / dense matrix weights
 * @param compressionRatio    dense fp32 bits / stored bits (entries and pointers)
 * @param paddingFraction     padding entries / stored entries
 * @param lut                 Yosys estimate: LUTs
 * @param ff                  Yosys estimate: flip-flops
 * @param dsp                 Yosys estimate: DSP48E2
 * @param bram36              Yosys estimate: RAMB36E2 + RAMB18E2 / 2
 * @param lutPct              lut as percent of the KU060
 * @param ffPct               ff as percent of the KU060
 * @param dspPct              dsp as percent of the KU060
 * @param bramPct             bram36 as percent of the KU060
 * @param logicDepth          deepest register-to-register path in LUT levels
 * @param fitsKu060           every resource within the KU060; null when the estimate did not run
 */
public record PointResult(
        @JsonProperty("index") int index,
        @JsonProperty("id") String id,
        @JsonProperty("pes") int pes,
        @JsonProperty("weight_bits") int weightBits,
        @JsonProperty("act_bits") int actBits,
        @JsonProperty("index_bits") int indexBits,
        @JsonProperty("channels") int channels,
        @JsonProperty("pruning") String pruning,
        @JsonProperty("cell") String cell,
        @JsonProperty("clock_mhz") int clockMhz,
        @JsonProperty("frames") int frames,
        @JsonProperty("status") String status,
        @JsonProperty("error") String error,
        @JsonProperty("stages_run") List<String> stagesRun,
        @JsonProperty("stages_skipped") Map<String, String> stagesSkipped,
        @JsonProperty("bit_exact") Boolean bitExact,
        @JsonProperty("cycles_per_frame") Double cyclesPerFrame,
        @JsonProperty("latency_us") Double latencyUs,
        @JsonProperty("gops_sparse") Double gopsSparse,
        @JsonProperty("gops_dense_equiv") Double gopsDenseEquiv,
        @JsonProperty("pe_utilization") Double peUtilization,
        @JsonProperty("ddr_stall_cycles_per_frame") Double ddrStallCyclesPerFrame,
        @JsonProperty("queue_stall_cycles_per_frame") Double queueStallCyclesPerFrame,
        @JsonProperty("ideal_cycles_per_frame") Long idealCyclesPerFrame,
        @JsonProperty("ideal_latency_us") Double idealLatencyUs,
        @JsonProperty("ideal_gops_sparse") Double idealGopsSparse,
        @JsonProperty("ideal_gops_dense_equiv") Double idealGopsDenseEquiv,
        @JsonProperty("ideal_pe_utilization") Double idealPeUtilization,
        @JsonProperty("snr_db") Double snrDb,
        @JsonProperty("max_abs_error") Double maxAbsError,
        @JsonProperty("snr_db_vs_dense") Double snrDbVsDense,
        @JsonProperty("density") Double density,
        @JsonProperty("compression_ratio") Double compressionRatio,
        @JsonProperty("padding_fraction") Double paddingFraction,
        @JsonProperty("lut") Long lut,
        @JsonProperty("ff") Long ff,
        @JsonProperty("dsp") Long dsp,
        @JsonProperty("bram36") Double bram36,
        @JsonProperty("lut_pct") Double lutPct,
        @JsonProperty("ff_pct") Double ffPct,
        @JsonProperty("dsp_pct") Double dspPct,
        @JsonProperty("bram_pct") Double bramPct,
        @JsonProperty("logic_depth") Integer logicDepth,
        @JsonProperty("fits_ku060") Boolean fitsKu060) {

    /** Status of a point whose stages all ran without error. */
    public static final String OK = "ok";
    /** Status of a point a stage failed on. */
    public static final String FAILED = "failed";

    public PointResult {
        stagesRun = List.copyOf(stagesRun);
        stagesSkipped = Collections.unmodifiableMap(new LinkedHashMap<>(stagesSkipped));
    }

    /**
     * Figures of the compile and golden-model stage.
     *
     * @param frames              frames per channel run
     * @param nonzeros            real nonzeros of both matrices: useful MACs per frame and channel
     * @param denseWeights        weights of both dense matrices: MACs per frame and channel without pruning
     * @param idealCyclesPerFrame the compiler's bound
     * @param density             real nonzeros / dense weights
     * @param compressionRatio    dense fp32 bits / stored bits
     * @param paddingFraction     padding entries / stored entries
     * @param snrDb               vs the pruned float model
     * @param maxAbsError         vs the pruned float model
     * @param snrDbVsDense        vs the unpruned float model
     */
    public record CompileFigures(int frames, long nonzeros, long denseWeights, long idealCyclesPerFrame,
                                 double density, double compressionRatio, double paddingFraction, double snrDb,
                                 double maxAbsError, double snrDbVsDense) {
    }

    /**
     * Figures of the co-simulation stage (of a bit-exact run).
     *
     * @param cyclesPerFrame           cycles from start to done / frames
     * @param peUtilization            useful MACs / (PEs x cycles)
     * @param ddrStallCyclesPerFrame   DDR_STALL_CYCLES / frames
     * @param queueStallCyclesPerFrame QUEUE_STALL_CYCLES / frames
     */
    public record CosimFigures(double cyclesPerFrame, double peUtilization, double ddrStallCyclesPerFrame,
                               double queueStallCyclesPerFrame) {
    }

    /**
     * Figures of the Yosys stage.
     *
     * @param lut        CLB LUTs (logic and memory)
     * @param ff         flip-flops
     * @param dsp        DSP48E2
     * @param bram36     RAMB36E2 + RAMB18E2 / 2
     * @param lutPct     percent of the KU060's LUTs
     * @param ffPct      percent of its flip-flops
     * @param dspPct     percent of its DSP48E2
     * @param bramPct    percent of its BRAM36
     * @param logicDepth LUT levels on the deepest path (0 when the design has no logic)
     */
    public record SynthFigures(long lut, long ff, long dsp, double bram36, double lutPct, double ffPct, double dspPct,
                               double bramPct, int logicDepth) {
        /** Every resource within the device. */
        boolean fits() {
            return lutPct <= 100 && ffPct <= 100 && dspPct <= 100 && bramPct <= 100;
        }
    }

    /**
     * A point whose stages ran. Figures of stages that did not run are null.
     *
     * @param compile       figures of the compile and golden-model stage
     * @param cosim         figures of a bit-exact co-simulation, or null when it did not run
     * @param synth         figures of the Yosys stage, or null when it did not run
     * @param stagesRun     stages that ran
     * @param stagesSkipped stages that did not, with the reason
     */
    public static PointResult ok(Point p, CompileFigures compile, CosimFigures cosim, SynthFigures synth,
                                 List<String> stagesRun, Map<String, String> stagesSkipped) {
        boolean y = synth != null;
        boolean c = cosim != null;
        Double latency = c ? cosim.cyclesPerFrame() / p.config().clockMhz() : null;
        int channels = p.config().channels();
        int pes = p.config().pes();
        double idealLatency = compile.idealCyclesPerFrame() / (double) p.config().clockMhz();
        return new PointResult(p.index(), p.id(), pes, p.config().formats().weightBits(),
                p.config().formats().actBits(), p.config().formats().indexBits(), channels, p.pruning().cliName(),
                p.cell().cliName(), p.config().clockMhz(), compile.frames(), OK, null, stagesRun, stagesSkipped,
                c ? Boolean.TRUE : null, c ? cosim.cyclesPerFrame() : null, latency,
                c ? gops(compile.nonzeros(), channels, latency) : null,
                c ? gops(compile.denseWeights(), channels, latency) : null,
                c ? cosim.peUtilization() : null, c ? cosim.ddrStallCyclesPerFrame() : null,
                c ? cosim.queueStallCyclesPerFrame() : null,
                compile.idealCyclesPerFrame(), idealLatency, gops(compile.nonzeros(), channels, idealLatency),
                gops(compile.denseWeights(), channels, idealLatency),
                compile.idealCyclesPerFrame() == 0 ? null
                        : compile.nonzeros() / ((double) pes * compile.idealCyclesPerFrame()),
                compile.snrDb(), compile.maxAbsError(), compile.snrDbVsDense(), compile.density(),
                compile.compressionRatio(), compile.paddingFraction(),
                y ? synth.lut() : null, y ? synth.ff() : null, y ? synth.dsp() : null, y ? synth.bram36() : null,
                y ? synth.lutPct() : null, y ? synth.ffPct() : null, y ? synth.dspPct() : null,
                y ? synth.bramPct() : null, y ? synth.logicDepth() : null, y ? synth.fits() : null);
    }

    /**
     * A point a stage failed on; every figure is null.
     *
     * @param error     what failed
     * @param stagesRun stages that completed before the failure
     */
    public static PointResult failed(Point p, String error, List<String> stagesRun, Map<String, String> stagesSkipped,
                                     int frames) {
        return new PointResult(p.index(), p.id(), p.config().pes(), p.config().formats().weightBits(),
                p.config().formats().actBits(), p.config().formats().indexBits(), p.config().channels(),
                p.pruning().cliName(), p.cell().cliName(), p.config().clockMhz(), frames, FAILED, error, stagesRun, stagesSkipped,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** GOP/s of {@code macs} multiply-accumulates per frame in every channel at {@code latencyUs}. */
    private static Double gops(long macs, int channels, double latencyUs) {
        return latencyUs == 0 ? null : 2.0 * macs * channels / latencyUs / 1000.0;
    }

    /** Whether the point finished without failure. */
    public boolean succeeded() {
        return OK.equals(status);
    }

    /** Latency: co-simulated when available, else the ideal bound; null when neither. */
    public Double bestLatencyUs() {
        return latencyUs != null ? latencyUs : idealLatencyUs;
    }
}
