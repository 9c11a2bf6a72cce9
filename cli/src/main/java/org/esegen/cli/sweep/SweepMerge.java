package org.esegen.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Merges the folders of shards of one sweep into one folder that looks exactly like the folder of
 * the whole sweep run at once (shard 1/1): every finished point's folder, {@code sweep.json},
 * {@code results.json}, {@code results.csv} and {@code report.html}. The output is written to a
 * temporary sibling and moved into place when complete.
 */
public final class SweepMerge {
    private static final ObjectMapper MAPPER = Json.mapper();

    private SweepMerge() {
    }

    /**
     * What a merge did.
     *
     * @param dir        the merged folder
     * @param gridPoints points in the grid
     * @param merged     finished points merged
     * @param failed     of those, points that failed
     * @param missing    grid points no shard has finished
     */
    public record Summary(Path dir, int gridPoints, int merged, int failed, List<String> missing) {
    }

    /**
     * Merge shard folders.
     *
     * @param request  how {@code out} is written (its option, --force); the shards are its inputs
     * @param partial  allow grid points that no shard has finished (they are listed); otherwise that is an error
     * @param snrFloor the report's accuracy floor, dB
     * @throws EsegenException when a folder is not a sweep folder, the shards come from different
     *                         sweeps, two shards hold the same point, or points are missing without
     *                         {@code partial}
     */
    public static Summary merge(Path out, OutputFolder.Request request, List<Path> shards, boolean partial,
                                double snrFloor) {
        Path target = OutputFolder.checkTarget(out, request);
        JsonNode first = null;
        Path firstDir = null;
        Map<String, Path> found = new LinkedHashMap<>();
        Map<String, PointResult> results = new LinkedHashMap<>();
        for (Path shard : shards) {
            Path dir = shard.toAbsolutePath().normalize();
            if (target.startsWith(dir) || dir.startsWith(target)) {
                throw new EsegenException("sweep-merge --out " + out + ": must not be, contain or lie inside the "
                        + "shard folder " + shard);
            }
            JsonNode spec = SweepFolder.readSpec(dir);
            requireShardSpec(dir.resolve(SweepFolder.SPEC), spec);
            if (first == null) {
                first = spec;
                firstDir = dir;
            } else {
                for (String key : List.of("spec", "grid")) {
                    if (!first.path(key).equals(spec.path(key))) {
                        throw new EsegenException("sweep-merge: " + shard + " is a shard of a different sweep than "
                                + firstDir + " (their sweep.json '" + key + "' differ)");
                    }
                }
            }
            Set<String> grid = gridIds(spec);
            for (Map.Entry<String, PointResult> e : SweepFolder.readFinished(dir).entrySet()) {
                if (!grid.contains(e.getKey())) {
                    throw new EsegenException("sweep-merge: " + dir.resolve(SweepFolder.POINTS).resolve(e.getKey())
                            + " is not a point of the sweep's grid");
                }
                Path earlier = found.putIfAbsent(e.getKey(), dir);
                if (earlier != null) {
                    throw new EsegenException("sweep-merge: point " + e.getKey() + " is in both " + earlier + " and "
                            + dir + "; give each shard once");
                }
                results.put(e.getKey(), e.getValue());
            }
        }
        List<String> grid = new ArrayList<>(gridIds(first));
        List<String> missing = grid.stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty() && !partial) {
            throw new EsegenException("sweep-merge: " + missing.size() + " of " + grid.size() + " points are not "
                    + "finished in the shards given (" + String.join(", ", missing.subList(0, Math.min(5,
                    missing.size()))) + (missing.size() > 5 ? ", ..." : "") + "); finish the shards with "
                    + "sweep --resume, or pass --partial to merge what there is");
        }
        Map<String, Object> specFile = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = MAPPER.convertValue(first.get("spec"), LinkedHashMap.class);
        specFile.put("spec", spec);
        specFile.put("shard", Shard.ALL.toString());
        specFile.put("grid", grid);

        try (OutputFolder folder = OutputFolder.create(out, request)) {
            for (Map.Entry<String, Path> e : found.entrySet()) {
                copyTree(e.getValue().resolve(SweepFolder.POINTS).resolve(e.getKey()),
                        folder.resolve(SweepFolder.POINTS).resolve(e.getKey()));
            }
            folder.write(SweepFolder.SPEC, Json.pretty(specFile));
            folder.write(SweepFolder.LOG, ("merged from " + shards.stream().map(s -> s.toAbsolutePath().normalize()
                    .toString()).collect(java.util.stream.Collectors.joining(", ")) + "\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            Path staging = folder.resolve(""); // the folder being written
            SweepFolder.writeResults(staging, results.values());
            Report.write(staging.resolve(SweepFolder.REPORT), spec, grid.size(), Shard.ALL,
                    List.copyOf(results.values()), snrFloor);
            folder.commit();
        }
        int failed = (int) results.values().stream().filter(r -> !r.succeeded()).count();
        return new Summary(target, grid.size(), results.size(), failed, missing);
    }

    /** A shard's {@code sweep.json} has the fields a merge reads, of the right types. */
    private static void requireShardSpec(Path file, JsonNode spec) {
        if (!spec.path("spec").isObject()) {
            throw new EsegenException("sweep-merge: " + file + ": field 'spec' must be an object (the sweep's options), "
                    + "found " + describe(spec.path("spec")));
        }
        JsonNode grid = spec.path("grid");
        if (!grid.isArray() || grid.isEmpty()) {
            throw new EsegenException("sweep-merge: " + file + ": field 'grid' must be a non-empty array of point ids, "
                    + "found " + describe(grid));
        }
        for (JsonNode id : grid) {
            if (!id.isTextual() || !id.asText().matches("[A-Za-z0-9._-]+")) {
                throw new EsegenException("sweep-merge: " + file + ": field 'grid' holds " + describe(id) + "; point ids "
                        + "are strings of letters, digits, '.', '_' and '-'");
            }
        }
    }

    private static String describe(JsonNode node) {
        return node.isMissingNode() ? "nothing" : node.getNodeType().toString().toLowerCase() + " " + node;
    }

    private static Set<String> gridIds(JsonNode spec) {
        Set<String> ids = new LinkedHashSet<>();
        spec.path("grid").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                if (Files.isSymbolicLink(p)) {
                    throw new EsegenException("sweep-merge: " + p + " is a symbolic link; a sweep folder holds only "
                            + "files and folders esegen wrote, and a merge never follows a link out of a shard: "
                            + "remove the link (or copy what it points to in its place) and merge again");
                }
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        } catch (IOException e) {
            throw new EsegenException("sweep-merge: cannot copy " + from + " to " + to + " ("
                    + OutputFolder.describe(e) + ")", e);
        }
    }
}
