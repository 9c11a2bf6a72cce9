package org.esegen.cli.sweep;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report with all four charts renders in headless Chromium through scripts/check-report.sh (host
 * names resolve to nothing, so nothing can be fetched). Skipped where chromium is not installed;
 * {@code scripts/check-report.sh} installs it.
 */
class ReportRenderTest {
    @TempDir
    Path dir;

    @Test
    void rendersInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v chromium").start().waitFor() == 0,
                "chromium is not installed (scripts/check-report.sh installs it)");
        Path html = dir.resolve("report.html");
        Files.writeString(html, Report.html(Map.of("preset", "ese"), 6, Shard.ALL,
                ReportTest.sample(), 30));
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/check-report.sh");
        Process p = new ProcessBuilder("bash", script.toString(), html.toString(), dir.resolve("shot.png").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.size(dir.resolve("shot.png")) > 20_000, out);
    }
}
