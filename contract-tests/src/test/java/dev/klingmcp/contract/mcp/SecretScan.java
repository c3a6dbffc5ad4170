package dev.klingmcp.contract.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fal key nobody could mistake for anything else, and the search for it. Both the whole key and its secret half are
 * searched: printing only the part after the colon is still a leak.
 */
final class SecretScan {

    /** {@code test-key-id:sk-LEAKCHECK-<random hex>}, new for every test JVM. */
    static final String FAL_KEY;

    static final String SECRET_PART;

    static {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        SECRET_PART = "sk-LEAKCHECK-" + HexFormat.of().formatHex(random);
        FAL_KEY = "test-key-id:" + SECRET_PART;
    }

    private SecretScan() {}

    /** Where the key shows up in what the recorder saw; empty = no leak. */
    static List<String> hits(Recorder recorder) {
        List<String> hits = new ArrayList<>();
        for (Recorder.Seen seen : recorder.everything()) {
            if (seen.text().contains(SECRET_PART)) {
                hits.add(seen.where() + ": " + excerpt(seen.text()));
            }
        }
        return hits;
    }

    /** Files under {@code root} (ledger, logs, saved videos' folder…) whose bytes contain the key's secret part. */
    static List<String> fileHits(Path root) {
        byte[] needle = SECRET_PART.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(file), needle) >= 0) {
                    hits.add(file.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String excerpt(String text) {
        int at = text.indexOf(SECRET_PART);
        return "…" + text.substring(Math.max(0, at - 80), Math.min(text.length(), at + SECRET_PART.length() + 20))
                + "…";
    }
}
