package dev.klingmcp.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FalKeyTest {

    /** What redact did before its shortcuts: three replacements on every text. */
    private static String replaceAll(String key, String text) {
        int colon = key.indexOf(':');
        String out = text.replace(key, "***");
        if (colon > 0 && key.length() - colon - 1 >= 8) {
            out = out.replace(key.substring(colon + 1), "***");
        }
        if (colon >= 8) {
            out = out.replace(key.substring(0, colon), "***");
        }
        return out;
    }

    @Test
    void scrubsExactlyWhatThreeReplacementsScrubInEveryText() {
        List<String> keys = List.of(
                "0123abcd-id:0123456789abcdef-secret",
                "short:0123456789abcdef-secret",
                "0123456789abcdef-id:short",
                "ab:cd",
                "single-token-key-0123456789",
                "k");
        Random random = new Random(42);
        for (String key : keys) {
            FalKey falKey = FalKey.of(key);
            List<String> parts = new ArrayList<>(List.of("", "x", "job_id", "status", ":", "***", "é×"));
            parts.add(key);
            int colon = key.indexOf(':');
            if (colon > 0) {
                parts.add(key.substring(0, colon));
                parts.add(key.substring(colon + 1));
                parts.add(key.substring(1, colon));
                parts.add(key.substring(colon + 1, key.length() - 1));
            }
            parts.add(key.substring(0, key.length() / 2));
            for (int i = 0; i < 20_000; i++) {
                StringBuilder text = new StringBuilder();
                int n = random.nextInt(5);
                for (int j = 0; j < n; j++) {
                    text.append(parts.get(random.nextInt(parts.size())));
                }
                String t = text.toString();
                assertThat(falKey.redact(t)).as("key %s, text %s", key, t).isEqualTo(replaceAll(key, t));
            }
        }
    }

    @Test
    void aTextWithoutTheKeyIsReturnedAsItIs() {
        String text = "Job 123: running 0 s, ETA ~5 min";
        assertThat(FalKey.of("0123abcd-id:0123456789abcdef-secret").redact(text))
                .isSameAs(text);
        assertThat(FalKey.of("0123abcd-id:0123456789abcdef-secret").redact(null))
                .isNull();
    }
}
