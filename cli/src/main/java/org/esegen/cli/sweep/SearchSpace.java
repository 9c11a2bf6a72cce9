package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.prune.PruningMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The designs a search considers: every combination of PEs per channel, channels, weight and
 * activation widths, pruning method, density and weight store, on the base configuration (its other
 * fields, its index width, and the sparse-column engine, the only engine built so far). Candidates are
 * numbered with PEs outermost, then channels, weight bits, activation bits, pruning, density and the
 * store innermost; lists are sorted, so their order on the command line does not matter.
 *
 * @param pes        PEs per channel
 * @param channels   channel counts
 * @param weightBits weight widths
 * @param actBits    activation widths (each keeps the base's integer bits, as in a sweep)
 * @param pruning    pruning methods; {@code none} keeps the model's own zeros and takes density 1 only
 * @param densities  fractions of matrix weights kept, each in (0, 1]
 * @param stores     weight stores ({@code weightStore} values)
 */
public record SearchSpace(List<Integer> pes, List<Integer> channels, List<Integer> weightBits, List<Integer> actBits,
                          List<PruningMethod> pruning, List<Double> densities, List<Integer> stores) {

    /** Default PE counts searched. */
    public static final String DEFAULT_PES = "8,16,32,64,128";
    /** Default channel counts searched. */
    public static final String DEFAULT_CHANNELS = "1,2,4,8,16,32";
    /** Default weight widths searched. */
    public static final String DEFAULT_WEIGHT_BITS = "8,12,16";
    /** Default pruning methods searched. */
    public static final String DEFAULT_PRUNING = "ese,cbtd,global";
    /** Default densities searched. */
    public static final String DEFAULT_DENSITIES = "0.05,0.08,0.112,0.15,0.2,0.3";
    /** Default weight stores searched. */
    public static final String DEFAULT_STORES = "ddr,onchip";

    public SearchSpace {
        pes = pes.stream().sorted().toList();
        channels = channels.stream().sorted().toList();
        weightBits = weightBits.stream().sorted().toList();
        actBits = actBits.stream().sorted().toList();
        pruning = pruning.stream().sorted().toList();
        densities = densities.stream().sorted().toList();
        stores = stores.stream().sorted().toList();
        if (pruning.contains(PruningMethod.NONE) && !densities.equals(List.of(1.0))) {
            throw new EsegenException("--pruning none keeps the model's own zeros, so the only density is the model's: "
                    + "give --densities 1 with it, or search ese, cbtd or global");
        }
    }

    /**
     * Parse the options; a null option takes its default ({@code actBits} defaults to the base's).
     *
     * @throws EsegenException on an empty list, a bad or repeated value, or a density outside (0, 1]
     */
    public static SearchSpace parse(String pes, String channels, String weightBits, String actBits, String pruning,
                                    String densities, String stores, AcceleratorConfig base) {
        return new SearchSpace(Grid.parseNumbers(Grid.Axis.PES, pes == null ? DEFAULT_PES : pes, 0),
                Grid.parseNumbers(Grid.Axis.CHANNELS, channels == null ? DEFAULT_CHANNELS : channels, 0),
                Grid.parseNumbers(Grid.Axis.WEIGHT_BITS, weightBits == null ? DEFAULT_WEIGHT_BITS : weightBits, 0),
                Grid.parseNumbers(Grid.Axis.ACT_BITS, actBits, base.formats().actBits()),
                Grid.parsePruning(pruning == null ? DEFAULT_PRUNING : pruning),
                parseDensities(densities == null ? DEFAULT_DENSITIES : densities),
                Grid.parseStores(stores == null ? DEFAULT_STORES : stores));
    }

    /**
     * Parse a comma-separated list of densities.
     *
     * @throws EsegenException on an empty or repeated item, a non-number, or a value outside (0, 1]
     */
    static List<Double> parseDensities(String text) {
        Set<Double> values = new LinkedHashSet<>();
        for (String item : text.split(",", -1)) {
            double d;
            try {
                d = Double.parseDouble(item.strip());
            } catch (NumberFormatException e) {
                throw new EsegenException("--densities '" + text + "': '" + item + "' is not a number; expected a "
                        + "comma-separated list of fractions in (0, 1], e.g. 0.05,0.112,0.2");
            }
            if (!(d > 0 && d <= 1)) {
                throw new EsegenException("--densities '" + text + "': " + item.strip() + " is outside (0, 1]");
            }
            if (!values.add(d)) {
                throw new EsegenException("--densities '" + text + "': " + item.strip() + " is listed twice");
            }
        }
        return List.copyOf(values);
    }

    /** Number of candidates. */
    public int size() {
        return pes.size() * channels.size() * weightBits.size() * actBits.size() * pruning.size() * densities.size()
                * stores.size();
    }

    /** The space for {@code search.json}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pes", pes);
        m.put("channels", channels);
        m.put("weight_bits", weightBits);
        m.put("act_bits", actBits);
        m.put("pruning", pruning.stream().map(PruningMethod::cliName).toList());
        m.put("densities", densities);
        m.put("weight_store", stores.stream().map(Grid.STORE_NAMES::get).toList());
        m.put("engine", List.of("sparse-columns"));
        return m;
    }

    /**
     * A design the search considers.
     *
     * @param index   position in the space's order
     * @param id      name: {@code c<index>-pes<N>-c<channels>-w<bits>-a<bits>-<pruning>-d<density>-<store>}
     * @param pruning pruning method
     * @param density fraction of matrix weights kept
     * @param config  its configuration, or null when the combination is not a legal one
     * @param illegal why the combination is not legal, or null
     */
    public record Candidate(int index, String id, PruningMethod pruning, double density, AcceleratorConfig config,
                            String illegal) {
        /** What the accuracy of this candidate depends on: everything but the channel count. */
        String variantKey() {
            if (config == null) {
                return id;
            }
            return config.with("channels", 1).toFieldMap() + "/" + pruning.cliName() + "/" + density;
        }
    }

    /** Every candidate in order, legal or not. */
    public List<Candidate> candidates(AcceleratorConfig base) {
        int digits = Math.max(4, Integer.toString(size() - 1).length());
        int intBits = base.formats().actBits() - base.formats().actFracBits();
        List<Candidate> out = new ArrayList<>(size());
        for (int p : pes) {
            for (int c : channels) {
                for (int w : weightBits) {
                    for (int a : actBits) {
                        for (PruningMethod m : pruning) {
                            for (double d : densities) {
                                for (int store : stores) {
                                    int index = out.size();
                                    String id = String.format(Locale.ROOT, "c%0" + digits
                                            + "d-pes%d-c%d-w%d-a%d-%s-d%s-%s", index, p, c, w, a, m.cliName(),
                                            densityTag(d), Grid.STORE_NAMES.get(store));
                                    Map<String, Integer> changes = new LinkedHashMap<>();
                                    changes.put("pesPerChannel", p);
                                    changes.put("channels", c);
                                    changes.put("weightBits", w);
                                    changes.put("actBits", a);
                                    changes.put("actFracBits", a - intBits);
                                    changes.put(Grid.STORE_FIELD, store);
                                    AcceleratorConfig cfg = null;
                                    String illegal = null;
                                    try {
                                        cfg = base.with(changes);
                                    } catch (EsegenException e) {
                                        illegal = e.getMessage();
                                    }
                                    out.add(new Candidate(index, id, m, d, cfg, illegal));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** A density in a point id: digits only, e.g. 0.112 -> 0.112, 1 -> 1. */
    static String densityTag(double d) {
        String s = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return s;
    }
}
