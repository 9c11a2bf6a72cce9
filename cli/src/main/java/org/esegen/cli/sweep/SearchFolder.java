package org.esegen.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.esegen.EsegenException;
import org.esegen.io.AtomicFiles;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A search folder:
 * <pre>
 * DIR/search.json           the search (written first; --resume must find the same)
 * DIR/measured/             the shortlist's measurements, a sweep folder (see {@link SweepFolder})
 * DIR/candidates.json|csv   every candidate, DIR/best.json the pick, DIR/report.html (written last)
 * </pre>
 * Without {@code --resume} the folder must be missing or empty; with it, it must hold the same search,
 * and finished measurements are kept.
 */
public final class SearchFolder {
    /** The search's description. */
    static final String SPEC = "search.json";
    /** The shortlist's sweep folder. */
    static final String MEASURED = "measured";

    private final Path dir;

    private SearchFolder(Path dir) {
        this.dir = dir;
    }

    /**
     * Open (or create) the folder for {@code spec}.
     *
     * @param dir the checked, absolute folder ({@link OutputFolder#checkTarget})
     * @throws EsegenException when it holds something else, or cannot be written
     */
    public static SearchFolder open(Path dir, DesignSearch.Spec spec, boolean resume) {
        byte[] wanted = Json.pretty(spec.describe());
        try {
            boolean empty = !Files.exists(dir) || SweepFolder.isEmpty(dir);
            if (!empty && !resume) {
                throw new EsegenException("--out " + dir + ": the folder is not empty; pass --resume to continue the "
                        + "search in it, or choose a new folder");
            }
            if (!empty) {
                Path file = dir.resolve(SPEC);
                if (!Files.isRegularFile(file)) {
                    throw new EsegenException("--resume --out " + dir + ": the folder holds no " + SPEC
                            + ", so it is not a search folder");
                }
                List<String> differing = SweepFolder.differing(Json.mapper().readTree(wanted),
                        Json.mapper().readTree(file.toFile()));
                if (!differing.isEmpty()) {
                    throw new EsegenException("--resume --out " + dir + ": the folder holds a different search ("
                            + differing + " differ from " + file + "); rerun with the same options, or choose a new "
                            + "--out");
                }
            } else {
                Files.createDirectories(dir);
                AtomicFiles.write(dir.resolve(OutputFolder.MARKER), "esegen search\n".getBytes(StandardCharsets.UTF_8));
                AtomicFiles.write(dir.resolve(SPEC), wanted);
            }
            return new SearchFolder(dir);
        } catch (IOException e) {
            throw new EsegenException("--out " + dir + ": cannot write there (" + OutputFolder.describe(e) + ")", e);
        }
    }

    /** Where the shortlist is measured. */
    public Path measuredDir() {
        return dir.resolve(MEASURED);
    }

    /** Write the candidates, the pick and the report. */
    public void writeResults(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        SearchReport.write(dir, spec, outcome);
    }

    /** The content of {@code best.json}. */
    public static Map<String, Object> best(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        return SearchReport.best(spec, outcome);
    }

    /**
     * The finished measurements of a merged sweep folder, after checking that they were made for this
     * search.
     *
     * @throws EsegenException when the folder is not a sweep folder or belongs to another search
     */
    public static Map<String, PointResult> readMeasured(Path measured, DesignSearch.Spec spec) {
        Path abs = measured.toAbsolutePath().normalize();
        JsonNode file = SweepFolder.readSpec(abs);
        JsonNode theirs = file.path("spec").deepCopy();
        if (theirs instanceof ObjectNode o) {
            o.remove("shortlist");
        }
        try {
            List<String> differing = SweepFolder.differing(Json.mapper().readTree(Json.pretty(spec.describe())),
                    theirs);
            if (!differing.isEmpty()) {
                throw new EsegenException("--measured " + measured + ": holds the measurements of a different search ("
                        + differing + " differ); give the merged measured folder of this search's --shard runs");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return SweepFolder.readFinished(abs);
    }
}
