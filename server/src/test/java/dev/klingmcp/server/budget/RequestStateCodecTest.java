package dev.klingmcp.server.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestStateCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Clock now = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void sealedStateOpensWithItsPayload() {
        RequestStateCodec codec = new RequestStateCodec(KEY, now);
        String state = codec.seal(JSON.createObjectNode().put("usd", 0.84), 60);
        assertThat(state).startsWith("v1.");
        assertThat(codec.open(state))
                .hasValueSatisfying(p -> assertThat(p.path("usd").asDouble()).isEqualTo(0.84));
    }

    @Test
    void changedPayloadOrSignatureOrKeyIsRefused() {
        RequestStateCodec codec = new RequestStateCodec(KEY, now);
        String state = codec.seal(JSON.createObjectNode().put("usd", 0.84), 60);
        String[] parts = state.split("\\.", -1);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(payload.replace("0.84", "0.01").getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(codec.open(forged)).isEmpty();
        assertThat(codec.open(state.substring(0, state.length() - 2) + "AA")).isEmpty();
        assertThat(codec.open("v1.garbage")).isEmpty();
        assertThat(codec.open(null)).isEmpty();
        assertThat(RequestStateCodec.ephemeral().open(state))
                .as("another install's key")
                .isEmpty();
    }

    @Test
    void expiredStateIsRefused() {
        String state = new RequestStateCodec(KEY, now).seal(JSON.createObjectNode(), 60);
        RequestStateCodec later = new RequestStateCodec(KEY, Clock.offset(now, java.time.Duration.ofSeconds(61)));
        assertThat(later.open(state)).isEmpty();
    }

    @Test
    void theInstallSecretIsCreatedOnceAndShared(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state").resolve("request-state.key");
        RequestStateCodec first = RequestStateCodec.fromFile(file);
        RequestStateCodec second = RequestStateCodec.fromFile(file);
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(second.open(first.seal(JSON.createObjectNode(), 60))).isPresent();
    }

    @Test
    void digestIgnoresKeyOrder() {
        ObjectNode a = JSON.createObjectNode().put("x", 1).put("y", "two");
        ObjectNode b = JSON.createObjectNode().put("y", "two").put("x", 1);
        assertThat(RequestStateCodec.digest(a)).isEqualTo(RequestStateCodec.digest(b));
        assertThat(RequestStateCodec.digest(a)).isNotEqualTo(RequestStateCodec.digest(b.put("x", 2)));
    }
}
