package org.esegen.speech;

import org.esegen.EsegenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Labelled recordings: a folder in FSDD layout ({@code {label}_{speaker}_{index}.wav}, index 0-4 of
 * every label and speaker the test split, the rest training, as FSDD's README prescribes), or a
 * manifest CSV with a header naming the columns {@code path,label} and optionally {@code split}
 * (train or test) and {@code speaker}; paths are relative to the CSV's folder and must stay inside
 * it. Without a split column, a path whose file name follows FSDD's naming gets FSDD's split.
 * Utterances are sorted by path, so every consumer sees them in one order.
 *
 * @param source      the folder or manifest
 * @param utterances  every recording, sorted by path
 */
public record Dataset(Path source, List<Utterance> utterances) {
    /** FSDD's naming: label, speaker and index separated by underscores. */
    public static final Pattern FSDD_NAME = Pattern.compile("([^_/]+)_([^_/]+)_(\\d+)\\.wav");
    /** Index below which an FSDD recording is in the test split. */
    public static final int FSDD_TEST_INDEX = 5;

    /** The two splits. */
    public enum Split {
        TRAIN, TEST;

        /** As written in manifests and on the command line. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses train or test. */
        public static Split parse(String text, String where) {
            for (Split s : values()) {
                if (s.cliName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new EsegenException(where + ": split '" + text + "' is neither train nor test");
        }
    }

    /**
     * One recording.
     *
     * @param path    the WAV file
     * @param id      a name unique in the dataset: the path relative to the source folder, without .wav
     * @param label   its class
     * @param speaker who spoke it ("" when unknown)
     * @param split   train or test
     */
    public record Utterance(Path path, String id, String label, String speaker, Split split) {
    }

    /**
     * Loads {@code data}: a folder in FSDD layout or a manifest {@code .csv}.
     *
     * @throws EsegenException naming the file and what is wrong: a missing path, an empty folder, no WAV
     *                         file, a name that does not follow FSDD's naming, a manifest without the
     *                         path or label column, a row naming a missing file or one outside the
     *                         manifest's folder, a bad split
     */
    public static Dataset load(Path data) {
        if (!Files.exists(data)) {
            throw new EsegenException("--data " + data + ": does not exist");
        }
        if (Files.isDirectory(data)) {
            return folder(data);
        }
        if (data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") && Files.isRegularFile(data)) {
            return manifest(data);
        }
        throw new EsegenException("--data " + data + ": is neither a folder of WAV files in FSDD layout nor a "
                + "manifest .csv (columns path,label[,split][,speaker])");
    }

    private static Dataset folder(Path dir) {
        List<Path> wavs;
        try (Stream<Path> s = Files.list(dir)) {
            wavs = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")).sorted().toList();
        } catch (IOException e) {
            throw new EsegenException("--data " + dir + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (wavs.isEmpty()) {
            throw new EsegenException("--data " + dir + ": holds no .wav file; expected FSDD layout "
                    + "{label}_{speaker}_{index}.wav, or give a manifest .csv");
        }
        List<Utterance> utterances = new ArrayList<>();
        for (Path wav : wavs) {
            Matcher m = FSDD_NAME.matcher(wav.getFileName().toString());
            if (!m.matches()) {
                throw new EsegenException(wav + ": the name does not follow FSDD's {label}_{speaker}_{index}.wav "
                        + "(label and speaker without '_', index a number); rename it or list the files in a "
                        + "manifest .csv with columns path,label");
            }
            utterances.add(new Utterance(wav, stem(wav.getFileName().toString()), m.group(1), m.group(2),
                    fsddSplit(m)));
        }
        return new Dataset(dir, List.copyOf(utterances));
    }

    private static Split fsddSplit(Matcher m) {
        return Long.parseLong(m.group(3)) < FSDD_TEST_INDEX ? Split.TEST : Split.TRAIN;
    }

    private static Dataset manifest(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EsegenException(csv + ": cannot read (" + e.getMessage() + ")", e);
        }
        lines = lines.stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new EsegenException(csv + ": is empty; expected a header path,label[,split][,speaker] and a row per file");
        }
        List<String> header = Csv.split(lines.get(0), csv + " line 1");
        int path = header.indexOf("path");
        int label = header.indexOf("label");
        int split = header.indexOf("split");
        int speaker = header.indexOf("speaker");
        if (path < 0 || label < 0) {
            throw new EsegenException(csv + " line 1: the header " + header + " lacks " + (path < 0 ? "path" : "label")
                    + "; expected columns path,label and optionally split, speaker");
        }
        Path folder = csv.toAbsolutePath().normalize().getParent();
        Map<Path, Utterance> byPath = new TreeMap<>(Comparator.naturalOrder());
        for (int i = 1; i < lines.size(); i++) {
            String where = csv + " line " + (i + 1);
            List<String> cells = Csv.split(lines.get(i), where);
            if (cells.size() != header.size()) {
                throw new EsegenException(where + ": " + cells.size() + " fields, the header has " + header.size());
            }
            String relative = cells.get(path).strip();
            Path file = folder.resolve(relative).normalize();
            if (relative.isEmpty() || Path.of(relative).isAbsolute() || !file.startsWith(folder)) {
                throw new EsegenException(where + ": path '" + relative + "' is not inside the manifest's folder "
                        + folder + "; paths are relative to it and may not leave it");
            }
            if (!Files.isRegularFile(file)) {
                throw new EsegenException(where + ": " + file + " does not exist or is not a regular file");
            }
            String lab = cells.get(label).strip();
            if (lab.isEmpty()) {
                throw new EsegenException(where + ": the label is empty");
            }
            Matcher fsdd = FSDD_NAME.matcher(file.getFileName().toString());
            Split s;
            if (split >= 0) {
                s = Split.parse(cells.get(split), where);
            } else if (fsdd.matches()) {
                s = fsddSplit(fsdd);
            } else {
                throw new EsegenException(where + ": no split column, and " + file.getFileName() + " does not follow "
                        + "FSDD's naming, whose index decides the split; add a split column (train or test)");
            }
            String who = speaker >= 0 ? cells.get(speaker).strip() : fsdd.matches() ? fsdd.group(2) : "";
            String id = stem(folder.relativize(file).toString());
            if (byPath.put(file, new Utterance(file, id, lab, who, s)) != null) {
                throw new EsegenException(where + ": " + relative + " is listed twice");
            }
        }
        if (byPath.isEmpty()) {
            throw new EsegenException(csv + ": lists no file");
        }
        return new Dataset(csv, List.copyOf(byPath.values()));
    }

    private static String stem(String name) {
        return name.replaceAll("(?i)\\.wav$", "");
    }

    /** The distinct labels, sorted: digits in numeric order, other labels after them alphabetically. */
    public List<String> labels() {
        return utterances.stream().map(Utterance::label).distinct().sorted(Comparator
                .comparing((String l) -> !l.matches("\\d+")).thenComparing(l -> l.matches("\\d+") ? String.format(
                        "%20s", l) : l)).toList();
    }

    /** The utterances of one split, in dataset order. */
    public List<Utterance> split(Split split) {
        return utterances.stream().filter(u -> u.split() == split).toList();
    }

    /** Minimal CSV: comma-separated fields, optionally in double quotes ("" inside quotes is a quote). */
    static final class Csv {
        private Csv() {
        }

        static List<String> split(String line, String where) {
            List<String> out = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            if (quoted) {
                throw new EsegenException(where + ": a quote is not closed");
            }
            out.add(cell.toString());
            return out.stream().map(String::strip).toList();
        }
    }
}
