package org.esegen.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.io.AtomicFiles;
import org.esegen.io.OutputFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The layout of a sweep folder and the rules that make it safe to interrupt:
 * <pre>
 * DIR/sweep.json            the spec, the shard, and every grid point's id (written first)
 * DIR/points/ID/            one folder per point: config.json, image.bin, layout.json, metrics.json,
 *                           log.txt, and result.json (written last, atomically)
 * DIR/results.json|csv      every finished point in grid order, rebuilt atomically after each point
 * DIR/report.html           written when the sweep (or a merge) ends
 * </pre>
 * A point is finished iff {@code points/ID/result.json} exists. Every file a reader might open is
 * replaced atomically, so a kill at any moment leaves finished points intact and at worst a
 * partial point folder, which {@code --resume} deletes and runs again. A lock file keeps two sweeps
 * out of the same folder (the OS drops the lock when a process dies, even by kill -9).
 */
final class SweepFolder implements AutoCloseable {
    static final String SPEC = "sweep.json";
    static final String POINTS = "points";
    static final String RESULT = "result.json";
    static final String LOG = "log.txt";
    static final String RESULTS_JSON = "results.json";
    static final String RESULTS_CSV = "results.csv";
    static final String REPORT = "report.html";
    private static final String LOCK = ".lock";
    private static final ObjectMapper MAPPER = Json.mapper();

    private final Path dir;
    private final FileChannel lockChannel;

    private SweepFolder(Path dir, FileChannel lockChannel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
    }

    /**
     * Open {@code dir} for a sweep described by {@code specFile} (the content of {@code sweep.json}).
     * Without {@code resume} the folder must be missing or empty. With it, a folder that already has
     * a {@code sweep.json} must have been made by the same spec and shard. Stray temporary files of
     * interrupted atomic writes are removed.
     *
     * @throws EsegenException when the folder holds something else, another sweep holds its lock,
     *                         or it cannot be written
     */
    static SweepFolder open(Path dir, Map<String, Object> specFile, boolean resume) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw new EsegenException("--out " + dir + ": exists and is not a folder");
            }
            if (Files.isDirectory(abs) && !isEmpty(abs)) {
                if (!resume) {
                    throw new EsegenException("--out " + dir + ": the folder is not empty; pass --resume to continue "
                            + "the sweep in it, or choose a new folder");
                }
                if (!Files.exists(abs.resolve(SPEC))) {
                    throw new EsegenException("--resume --out " + dir + ": the folder is not empty and holds no " + SPEC
                            + ", so it is not a sweep folder");
                }
            }
            Files.createDirectories(abs.resolve(POINTS));
            FileChannel channel = FileChannel.open(abs.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new EsegenException("--out " + dir + ": another sweep is running in this folder");
            }
            SweepFolder folder = new SweepFolder(abs, channel);
            try {
                folder.checkOrWriteSpec(specFile, dir);
                if (!Files.exists(abs.resolve(OutputFolder.MARKER))) {
                    AtomicFiles.write(abs.resolve(OutputFolder.MARKER), "esegen sweep\n".getBytes(StandardCharsets.UTF_8));
                }
                folder.removeStrayTemporaries();
                return folder;
            } catch (IOException | RuntimeException e) {
                folder.close();
                throw e;
            }
        } catch (IOException e) {
            throw new EsegenException("--out " + dir + ": cannot write there (" + OutputFolder.describe(e) + ")", e);
        }
    }

    private void checkOrWriteSpec(Map<String, Object> specFile, Path shown) throws IOException {
        Path file = dir.resolve(SPEC);
        JsonNode wanted = MAPPER.readTree(Json.pretty(specFile));
        if (Files.exists(file)) {
            List<String> differing = differing(wanted, readSpecFile(file));
            if (!differing.isEmpty()) {
                throw new EsegenException("--resume " + shown + ": the folder holds a different sweep (" + differing
                        + " differ from " + file + "); rerun with the same options, or choose a new --out");
            }
        } else {
            AtomicFiles.write(file, Json.pretty(specFile));
        }
    }

    private void removeStrayTemporaries() throws IOException {
        List<Path> folders = new ArrayList<>(List.of(dir));
        try (DirectoryStream<Path> points = Files.newDirectoryStream(dir.resolve(POINTS), Files::isDirectory)) {
            points.forEach(folders::add);
        }
        for (Path folder : folders) {
            try (DirectoryStream<Path> tmp = Files.newDirectoryStream(folder, "{.*.tmp-*," + AtomicFiles.TEMPORARY_PREFIX + "*}")) {
                for (Path t : tmp) {
                    if (Files.isDirectory(t)) {
                        OutputFolder.deleteTree(t);
                    } else {
                        Files.deleteIfExists(t);
                    }
                }
            }
        }
    }

    /** The top-level fields of {@code wanted} whose values {@code existing} does not have. */
    static List<String> differing(JsonNode wanted, JsonNode existing) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = wanted.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!wanted.get(k).equals(existing.get(k))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Whether a folder has no entries. */
    static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** The sweep folder. */
    Path dir() {
        return dir;
    }

    /** The folder of a point. */
    Path pointDir(Point p) {
        return dir.resolve(POINTS).resolve(p.id());
    }

    /** A point's result when it is finished, else null. */
    PointResult finished(Point p) {
        Path file = pointDir(p).resolve(RESULT);
        return Files.exists(file) ? readResult(file) : null;
    }

    /** Whether the point has a folder but no result: an interrupted run left it half-written. */
    boolean partial(Point p) {
        return Files.exists(pointDir(p)) && !Files.exists(pointDir(p).resolve(RESULT));
    }

    /** Delete a partial point's folder so it can run again from scratch. */
    void clear(Point p) {
        OutputFolder.deleteTree(pointDir(p));
    }

    /** Rewrite {@code results.json} and {@code results.csv} atomically with these results in grid order. */
    void writeResults(Collection<PointResult> results) {
        writeResults(dir, results);
    }

    /** Rewrite {@code results.json} and {@code results.csv} in {@code folder} atomically, in grid order. */
    static void writeResults(Path folder, Collection<PointResult> results) {
        List<PointResult> ordered = results.stream().sorted(Comparator.comparingInt(PointResult::index)).toList();
        AtomicFiles.write(folder.resolve(RESULTS_JSON), Json.pretty(ordered));
        AtomicFiles.write(folder.resolve(RESULTS_CSV), ResultsCsv.format(ordered).getBytes(StandardCharsets.UTF_8));
    }

    /** Read one point's result file. */
    static PointResult readResult(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), PointResult.class);
        } catch (IOException e) {
            throw new EsegenException(file + ": not a sweep point result (" + e.getMessage() + ")", e);
        }
    }

    /** Read a folder's {@code sweep.json}. */
    static JsonNode readSpec(Path sweepDir) {
        Path file = sweepDir.resolve(SPEC);
        if (!Files.exists(file)) {
            throw new EsegenException(sweepDir + ": not a sweep folder (no " + SPEC + ")");
        }
        return readSpecFile(file);
    }

    /** A {@code sweep.json} as a JSON object, or an error naming the file and what is wrong with it. */
    private static JsonNode readSpecFile(Path file) {
        JsonNode node;
        try {
            node = MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EsegenException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + "); it is the sweep's spec, written first: delete the folder and "
                    + "run the sweep again", e);
        } catch (IOException e) {
            throw new EsegenException(file + ": cannot read (" + OutputFolder.describe(e) + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new EsegenException(file + ": expected a JSON object (the sweep's spec), found "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return node;
    }

    /** Every finished point's result in a sweep folder, by id. */
    static Map<String, PointResult> readFinished(Path sweepDir) {
        Map<String, PointResult> found = new LinkedHashMap<>();
        Path points = sweepDir.resolve(POINTS);
        if (!Files.isDirectory(points)) {
            return found;
        }
        try (Stream<Path> s = Files.list(points)) {
            for (Path p : s.sorted().toList()) {
                Path file = p.resolve(RESULT);
                if (Files.exists(file)) {
                    found.put(p.getFileName().toString(), readResult(file));
                }
            }
        } catch (IOException e) {
            throw new EsegenException(points + ": cannot read (" + OutputFolder.describe(e) + ")", e);
        }
        return found;
    }

    @Override
    public void close() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
