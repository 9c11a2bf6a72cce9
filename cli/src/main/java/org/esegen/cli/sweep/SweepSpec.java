package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides a sweep's points and their figures (not how it is run: jobs, resume and
 * the report's accuracy floor are not part of it). Shards of one sweep have equal specs.
 *
 * @param model  the model and its target density
 * @param preset base preset name
 * @param sets   {@code --set field=value} overrides applied to the preset, in order
 * @param grid   the swept axes
 * @param frames synthetic input frames per channel
 * @param cosim  whether points run the co-simulation ({@code --no-cosim} turns it off)
 * @param synth  whether points run the Yosys estimate ({@code --no-synth} turns it off)
 */
public record SweepSpec(ModelSource model, String preset, List<String> sets, Grid grid, int frames, boolean cosim,
                        boolean synth) {

    public SweepSpec {
        sets = List.copyOf(sets);
        if (frames < 1) {
            throw new EsegenException("--frames " + frames + " must be at least 1");
        }
    }

    /** The preset with the overrides: what every point starts from before the axes are applied. */
    public AcceleratorConfig base() {
        return Presets.resolve(preset, sets);
    }

    /**
     * Every point of the grid, validated.
     *
     * @throws EsegenException on an illegal configuration (see {@link Grid#points})
     */
    public List<Point> points() {
        return grid.points(base(), model.density());
    }

    /** The spec as written into {@code sweep.json}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.identity());
        m.put("preset", preset);
        m.put("set", sets);
        m.put("axes", grid.describe());
        m.put("frames", frames);
        m.put("cosim", cosim);
        m.put("synth", synth);
        return m;
    }
}
