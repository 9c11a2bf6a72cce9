package org.esegen.cli.sweep;

import org.esegen.config.AcceleratorConfig;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;

/**
 * One point of a sweep grid.
 *
 * @param index   position in grid order (stable for a given spec; shards keep it)
 * @param id      folder name and key in the results, see {@link Grid}
 * @param pruning pruning method
 * @param cell    the model's cell
 * @param config  the point's resolved, validated configuration
 * @param density fraction of matrix weights the pruning keeps, in (0, 1]
 */
public record Point(int index, String id, PruningMethod pruning, CellKind cell, AcceleratorConfig config,
                    double density) {
}
