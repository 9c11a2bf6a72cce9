package org.esegen.hdl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.esegen.fixed.FixedFormat;
import org.esegen.quant.Quantizer;
import org.esegen.speech.Features;
import org.esegen.speech.Normalization;
import org.esegen.speech.Wav;

/** FSDD recordings from {@code ../shared/datasets/fsdd} as the delta tests feed them to the hardware. */
final class FsddFrames {
    private static final Path RECORDINGS = Path.of("..", "..", "shared", "datasets", "fsdd", "recordings");

    private FsddFrames() {
    }

    /** The recording's file; an error naming the expected folder when it is missing. */
    static Path recording(String name) {
        Path file = RECORDINGS.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the FSDD recording " + file.toAbsolutePath()
                    + " is missing: this test needs ../shared/datasets/fsdd beside the repository");
        }
        return file;
    }

    /** A recording's features, normalized over the utterance and quantized to {@code act}: T x 120 raw values. */
    static long[][] normalizedOverTheUtterance(String name, FixedFormat act) throws Exception {
        double[][] features = Features.of(Wav.read(recording(name)));
        return Quantizer.quantize(Normalization.of(List.<double[][]>of(features)).apply(features), act);
    }
}
