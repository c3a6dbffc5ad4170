package dev.klingmcp.server.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the state a multi-round-trip request hands to the client and checks it when the client echoes it back:
 * {@code "v1." b64url(payload) "." b64url(HMAC-SHA256(key, "v1." b64url(payload)))}. The client can read the payload but
 * not change it; the payload carries its own expiry. The key is a per-install secret (a file next to the job ledger),
 * so every process sharing the ledger accepts the others' states.
 */
public final class RequestStateCodec {

    private static final String PREFIX = "v1.";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] key;

    private final Clock clock;

    public RequestStateCodec(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the requestState key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /** A codec with a random key: states survive neither a restart nor another process. */
    public static RequestStateCodec ephemeral() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new RequestStateCodec(key, Clock.systemUTC());
    }

    /**
     * The install's secret from {@code file}, created (owner-only, 32 random bytes) when missing. Two processes creating
     * it at once both end up reading the one that won the race.
     */
    public static RequestStateCodec fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the folder's permissions protect it
                }
                Files.write(tmp, fresh, StandardOpenOption.TRUNCATE_EXISTING);
                try {
                    Files.move(tmp, file);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    Files.deleteIfExists(tmp);
                }
            }
            return new RequestStateCodec(Files.readAllBytes(file), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the install secret " + file, e);
        }
    }

    /** Seals {@code payload} (an {@code exp} field in epoch seconds is added from {@code ttlSeconds}). */
    public String seal(ObjectNode payload, long ttlSeconds) {
        ObjectNode p = payload.deepCopy();
        p.put("exp", clock.instant().getEpochSecond() + ttlSeconds);
        try {
            String body = PREFIX + B64.encodeToString(JSON.writeValueAsBytes(p));
            return body + "." + B64.encodeToString(mac(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload when the state is intact and not expired; empty when it was altered, forged or is too old. */
    public Optional<JsonNode> open(String state) {
        if (state == null || !state.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = state.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Optional.empty();
        }
        String body = state.substring(0, dot);
        try {
            byte[] given = B64D.decode(state.substring(dot + 1));
            if (!MessageDigest.isEqual(given, mac(body))) {
                return Optional.empty();
            }
            JsonNode payload = JSON.readTree(B64D.decode(body.substring(PREFIX.length())));
            if (payload == null
                    || !payload.path("exp").canConvertToLong()
                    || payload.path("exp").asLong() < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(payload);
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 (hex) of a JSON value with object keys sorted, so equal arguments always digest alike. */
    public static String digest(JsonNode value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of()
                    .formatHex(sha.digest(canonical(value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String canonical(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "null";
        }
        if (node.isObject()) {
            StringBuilder b = new StringBuilder("{");
            java.util.List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (int i = 0; i < names.size(); i++) {
                b.append(i == 0 ? "" : ",")
                        .append(JSON.getNodeFactory().textNode(names.get(i)))
                        .append(':')
                        .append(canonical(node.get(names.get(i))));
            }
            return b.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < node.size(); i++) {
                b.append(i == 0 ? "" : ",").append(canonical(node.get(i)));
            }
            return b.append(']').toString();
        }
        return node.toString();
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
