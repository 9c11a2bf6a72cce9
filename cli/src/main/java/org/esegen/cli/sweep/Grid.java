package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The axes of a sweep and the deterministic order of its points.
 * Numeric axes are sorted ascending; pruning methods keep the order of {@link PruningMethod}.
 * Points are enumerated with PEs outermost, then weight bits, activation bits, index bits,
 * channels, pruning, and the cell innermost; a point's index is its position in that order, and its
 * id is {@code p<index>-pes<N>-w<bits>-a<bits>-i<bits>-c<channels>-<pruning>}, e.g.
 * {@code p0007-pes16-w12-a16-i4-c1-ese}, followed by {@code -<cell>} unless every point is an
 * {@code lstmp}. A point of a {@code gru} gets {@code gruElementwise = 1}, the others 0.
 *
 * <p>Sweeping activation width keeps the base configuration's integer bits: a point with
 * {@code actBits = a} gets {@code actFracBits = a - (base.actBits - base.actFracBits)}, so the
 * range stays and only the resolution changes.
 *
 * @param pes        PEs per channel
 * @param weightBits stored weight widths
 * @param actBits    activation widths
 * @param indexBits  relative index widths
 * @param channels   channel counts
 * @param pruning    pruning methods
 * @param cells      cells (the model's own for a model file)
 * @param stores     weight stores ({@code weightStore} values: 0 ddr, 1 onchip); named in point ids ({@code
 *                   -ddr}, {@code -onchip}) when the axis holds {@code onchip}
 * @param blockSizes the circulant engine's block sizes ({@code circulantBlock}); innermost, and named in point ids
 *                   ({@code -b<size>}) when the base config is the circulant engine's
 */
public record Grid(List<Integer> pes, List<Integer> weightBits, List<Integer> actBits, List<Integer> indexBits,
                   List<Integer> channels, List<PruningMethod> pruning, List<CellKind> cells, List<Integer> stores,
                   List<Integer> blockSizes) {

    /** A grid of the preset's block size (for the sparse engine, whose configs ignore it: the default, 8). */
    public Grid(List<Integer> pes, List<Integer> weightBits, List<Integer> actBits, List<Integer> indexBits,
                List<Integer> channels, List<PruningMethod> pruning, List<CellKind> cells, List<Integer> stores) {
        this(pes, weightBits, actBits, indexBits, channels, pruning, cells, stores, List.of(DEFAULT_BLOCK));
    }

    /** The block size of a grid that does not sweep it. */
    public static final int DEFAULT_BLOCK = 8;

    /** A grid of one-layer-kind models: the cell axis holds only {@code lstmp}. */
    public Grid(List<Integer> pes, List<Integer> weightBits, List<Integer> actBits, List<Integer> indexBits,
                List<Integer> channels, List<PruningMethod> pruning) {
        this(pes, weightBits, actBits, indexBits, channels, pruning, List.of(CellKind.LSTMP));
    }

    /** A grid of the DDR weight store only. */
    public Grid(List<Integer> pes, List<Integer> weightBits, List<Integer> actBits, List<Integer> indexBits,
                List<Integer> channels, List<PruningMethod> pruning, List<CellKind> cells) {
        this(pes, weightBits, actBits, indexBits, channels, pruning, cells, List.of(AcceleratorConfig.DDR_STORE));
    }

    /** The names of the weight stores, by {@code weightStore} value. */
    public static final List<String> STORE_NAMES = List.of("ddr", "onchip");
    /** The config field the store axis sets. */
    public static final String STORE_FIELD = "weightStore";

    /**
     * Parse a comma-separated list of weight stores ({@code ddr}, {@code onchip}).
     *
     * @throws EsegenException on an empty list, an unknown store or a repeated one
     */
    public static List<Integer> parseStores(String text) {
        Set<Integer> stores = new LinkedHashSet<>();
        for (String item : splitList("--stores", text)) {
            int v = STORE_NAMES.indexOf(item.toLowerCase(java.util.Locale.ROOT));
            if (v < 0) {
                throw new EsegenException("--stores '" + text + "': '" + item + "' is not a weight store; allowed are "
                        + String.join(", ", STORE_NAMES));
            }
            if (!stores.add(v)) {
                throw new EsegenException("--stores '" + text + "': " + item + " is listed twice");
            }
        }
        return List.copyOf(stores);
    }

    /** A numeric axis: its option, the config field it sets, and its letter in point ids. */
    public enum Axis {
        PES("--pes", "pesPerChannel", "pes"),
        WEIGHT_BITS("--weight-bits", "weightBits", "w"),
        ACT_BITS("--act-bits", "actBits", "a"),
        INDEX_BITS("--index-bits", "indexBits", "i"),
        CHANNELS("--channels", "channels", "c"),
        BLOCK_SIZES("--block-sizes", "circulantBlock", "b");

        final String option;
        final String field;
        final String tag;

        Axis(String option, String field, String tag) {
            this.option = option;
            this.field = field;
            this.tag = tag;
        }

        /** The option that lists this axis's values. */
        public String option() {
            return option;
        }

        /** The config field this axis sets. */
        public String field() {
            return field;
        }
    }

    /** Sorts every axis (so the order values are given in does not change the grid) and checks none is empty. */
    public Grid {
        pes = sorted(pes, "--pes");
        weightBits = sorted(weightBits, "--weight-bits");
        actBits = sorted(actBits, "--act-bits");
        indexBits = sorted(indexBits, "--index-bits");
        channels = sorted(channels, "--channels");
        pruning = sorted(pruning, "--pruning");
        cells = sorted(cells, "--cells");
        stores = sorted(stores, "--stores");
        blockSizes = sorted(blockSizes, "--block-sizes");
    }

    private static <T extends Comparable<T>> List<T> sorted(List<T> values, String option) {
        if (values.isEmpty()) {
            throw new EsegenException(option + ": the list is empty; give at least one value");
        }
        return values.stream().sorted().toList();
    }

    /**
     * Parse a comma-separated list of whole numbers for an axis.
     *
     * @param text the option's value, or null when the option was not given
     * @param base the value to use when {@code text} is null
     * @throws EsegenException on an empty list, an empty item, a non-number or a repeated value
     */
    public static List<Integer> parseNumbers(Axis axis, String text, int base) {
        if (text == null) {
            return List.of(base);
        }
        Set<Integer> values = new LinkedHashSet<>();
        for (String item : splitList(axis.option, text)) {
            int v;
            try {
                v = Integer.parseInt(item);
            } catch (NumberFormatException e) {
                throw new EsegenException(axis.option + " '" + text + "': '" + item
                        + "' is not a whole number; expected a comma-separated list such as 4,8,16");
            }
            if (!values.add(v)) {
                throw new EsegenException(axis.option + " '" + text + "': " + v + " is listed twice");
            }
        }
        return List.copyOf(values);
    }

    /**
     * Parse a comma-separated list of pruning methods.
     *
     * @throws EsegenException on an empty list, an unknown method or a repeated one
     */
    public static List<PruningMethod> parsePruning(String text) {
        Set<PruningMethod> methods = new LinkedHashSet<>();
        for (String item : splitList("--pruning", text)) {
            PruningMethod m = PruningMethod.parse(item);
            if (!methods.add(m)) {
                throw new EsegenException("--pruning '" + text + "': " + m.cliName() + " is listed twice");
            }
        }
        return List.copyOf(methods);
    }

    /**
     * Parse a comma-separated list of cells.
     *
     * @throws EsegenException on an empty list, an unknown cell or a repeated one
     */
    public static List<CellKind> parseCells(String text) {
        Set<CellKind> cells = new LinkedHashSet<>();
        for (String item : splitList("--cells", text)) {
            CellKind c = CellKind.parse(item, "--cells");
            if (!cells.add(c)) {
                throw new EsegenException("--cells '" + text + "': " + c.cliName() + " is listed twice");
            }
        }
        return List.copyOf(cells);
    }

    private static List<String> splitList(String option, String text) {
        if (text.isBlank()) {
            throw new EsegenException(option + ": the list is empty; give at least one value");
        }
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            if (item.isBlank()) {
                throw new EsegenException(option + " '" + text + "': empty item; expected a comma-separated list "
                        + "without blanks, e.g. 4,8,16");
            }
            items.add(item.trim());
        }
        return items;
    }

    /** Values of a numeric axis. */
    public List<Integer> values(Axis axis) {
        return switch (axis) {
            case PES -> pes;
            case WEIGHT_BITS -> weightBits;
            case ACT_BITS -> actBits;
            case INDEX_BITS -> indexBits;
            case CHANNELS -> channels;
            case BLOCK_SIZES -> blockSizes;
        };
    }

    /** Number of points. */
    public int size() {
        return pes.size() * weightBits.size() * actBits.size() * indexBits.size() * channels.size() * pruning.size()
                * cells.size() * stores.size() * blockSizes.size();
    }

    /**
     * The axes as a map for {@code sweep.json}: option name without dashes to values (the block sizes only when
     * they are not the default's single 8).
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Axis a : Axis.values()) {
            if (a != Axis.BLOCK_SIZES || !blockSizes.equals(List.of(DEFAULT_BLOCK))) {
                m.put(a.option.substring(2), values(a));
            }
        }
        m.put("pruning", pruning.stream().map(PruningMethod::cliName).toList());
        m.put("cells", cells.stream().map(CellKind::cliName).toList());
        if (namesStores()) {
            m.put("stores", stores.stream().map(STORE_NAMES::get).toList());
        }
        return m;
    }

    /**
     * Every point in grid order, each with its validated configuration.
     *
     * @param base    the resolved preset and {@code --set} overrides
     * @param density the fraction of matrix weights every point keeps
     * @throws EsegenException when a value or a combination is not a legal configuration; the
     *                         message names the option or the point and the config field
     */
    public List<Point> points(AcceleratorConfig base, double density) {
        for (Axis a : Axis.values()) {
            for (int v : values(a)) {
                try {
                    base.with(changes(base, Map.of(a, v)));
                } catch (EsegenException e) {
                    String note = a == Axis.ACT_BITS ? " (activation widths keep the base's "
                            + (base.formats().actBits() - base.formats().actFracBits()) + " integer bits: actFracBits = "
                            + "actBits - " + (base.formats().actBits() - base.formats().actFracBits()) + ")" : "";
                    throw new EsegenException(a.option + " " + v + ": " + e.getMessage() + note, e);
                }
            }
        }
        int digits = Math.max(4, Integer.toString(size() - 1).length());
        boolean namesCells = !cells.equals(List.of(CellKind.LSTMP));
        List<Point> points = new ArrayList<>(size());
        for (int p : pes) {
            for (int w : weightBits) {
                for (int a : actBits) {
                    for (int i : indexBits) {
                        for (int c : channels) {
                            for (PruningMethod m : pruning) {
                                for (CellKind cell : cells) {
                                    for (int store : stores) {
                                        for (int b : blockSizes) {
                                            int index = points.size();
                                            String id = String.format("p%0" + digits + "d-pes%d-w%d-a%d-i%d-c%d-%s",
                                                    index, p, w, a, i, c, m.cliName())
                                                    + (namesCells ? "-" + cell.cliName() : "")
                                                    + (namesStores() ? "-" + STORE_NAMES.get(store) : "")
                                                    + (base.circulantEngine() ? "-b" + b : "");
                                            Map<Axis, Integer> values = Map.of(Axis.PES, p, Axis.WEIGHT_BITS, w,
                                                    Axis.ACT_BITS, a, Axis.INDEX_BITS, i, Axis.CHANNELS, c,
                                                    Axis.BLOCK_SIZES, b);
                                            Map<String, Integer> changes = changes(base, values);
                                            changes.put(GRU_FIELD, cell == CellKind.GRU ? 1 : 0);
                                            changes.put(STORE_FIELD, store);
                                            AcceleratorConfig cfg;
                                            try {
                                                cfg = base.with(changes);
                                            } catch (EsegenException e) {
                                                throw new EsegenException("sweep point " + id + ": " + e.getMessage(),
                                                        e);
                                            }
                                            points.add(new Point(index, id, m, cell, cfg, density));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return points;
    }

    /** Whether point ids name the store: when the store axis holds {@code onchip}. */
    private boolean namesStores() {
        return stores.contains(AcceleratorConfig.ONCHIP_STORE);
    }

    /** The config field the cell axis sets: the element-wise variant the cell needs. */
    public static final String GRU_FIELD = "gruElementwise";

    private static Map<String, Integer> changes(AcceleratorConfig base, Map<Axis, Integer> values) {
        Map<String, Integer> c = new LinkedHashMap<>();
        for (Map.Entry<Axis, Integer> e : values.entrySet()) {
            c.put(e.getKey().field, e.getValue());
        }
        Integer act = values.get(Axis.ACT_BITS);
        if (act != null) {
            AcceleratorConfig.Formats f = base.formats();
            c.put("actFracBits", act - (f.actBits() - f.actFracBits()));
        }
        return c;
    }
}
