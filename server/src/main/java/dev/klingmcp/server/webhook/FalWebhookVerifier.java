package dev.klingmcp.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that a webhook really comes from fal: an Ed25519 signature (hex, {@code X-Fal-Webhook-Signature}) over
 * {@code request_id \n user_id \n timestamp \n hex(sha256(body))} by one of the keys fal publishes as a JWKS, a
 * timestamp ({@code X-Fal-Webhook-Timestamp}, unix seconds) within 5 minutes of now, and a signature not seen before
 * (a captured delivery sent again is refused, by whichever replica receives it: the record of accepted deliveries is
 * {@link Deliveries}, the shared ledger in a server). Keys are cached for an hour and fetched again, at most once a minute,
 * when no cached key verifies a delivery (fal rotated them).
 */
public final class FalWebhookVerifier {

    /** How far a delivery's timestamp may be from our clock, as fal tells receivers. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private static final Duration KEYS_TTL = Duration.ofHours(1);

    private static final Duration REFETCH_GAP = Duration.ofMinutes(1);

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key of a JWK's {@code x} follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final URI jwksUrl;

    private final Clock clock;

    private final HttpClient http;

    private final ObjectMapper json = new ObjectMapper();

    /** Where accepted deliveries are recorded until their timestamp leaves the window. */
    @FunctionalInterface
    public interface Deliveries {

        /** Records {@code signature} until {@code expiresAt}; false when it was recorded before (a replay). */
        boolean first(String signature, Instant expiresAt);
    }

    private final Deliveries deliveries;

    private volatile List<PublicKey> keys = List.of();

    private volatile long keysFetchedMillis = Long.MIN_VALUE / 2;

    /** With deliveries recorded in this process only (one process; tests). */
    public FalWebhookVerifier(URI jwksUrl, Clock clock) {
        this(jwksUrl, clock, inMemory(clock));
    }

    /** @param deliveries the record of accepted deliveries, shared by every replica that may receive them */
    public FalWebhookVerifier(URI jwksUrl, Clock clock, Deliveries deliveries) {
        this.jwksUrl = jwksUrl;
        this.clock = clock;
        this.deliveries = deliveries;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** What was wrong with a delivery, or null when it is genuine and new. */
    public String reject(String requestId, String userId, String timestamp, String signatureHex, byte[] body) {
        if (requestId == null || userId == null || timestamp == null || signatureHex == null) {
            return "missing X-Fal-Webhook-* headers";
        }
        long ts;
        byte[] signature;
        try {
            ts = Long.parseLong(timestamp.strip());
            signature = HexFormat.of().parseHex(signatureHex.strip());
        } catch (IllegalArgumentException e) {
            return "malformed timestamp or signature";
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - ts) > MAX_SKEW.toSeconds()) {
            return "timestamp outside the 5 minute window";
        }
        byte[] message;
        try {
            String bodyHash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            message = String.join("\n", requestId, userId, timestamp.strip(), bodyHash)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            return "cannot hash the body";
        }
        if (!verifies(currentKeys(false), message, signature) && !verifies(currentKeys(true), message, signature)) {
            return "signature does not verify";
        }
        // Expires when the timestamp leaves the window: from then on the timestamp check refuses the delivery anyway.
        Instant expiresAt = Instant.ofEpochSecond(ts).plus(MAX_SKEW);
        if (!deliveries.first(signatureHex.strip().toLowerCase(java.util.Locale.ROOT), expiresAt)) {
            return "replayed delivery";
        }
        return null;
    }

    private static Deliveries inMemory(Clock clock) {
        Map<String, Instant> seen = new ConcurrentHashMap<>();
        return (signature, expiresAt) -> {
            Instant now = clock.instant();
            seen.values().removeIf(until -> until.isBefore(now));
            return seen.putIfAbsent(signature, expiresAt) == null;
        };
    }

    private static boolean verifies(List<PublicKey> keys, byte[] message, byte[] signature) {
        for (PublicKey key : keys) {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(message);
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature fails like a wrong one
            }
        }
        return false;
    }

    private List<PublicKey> currentKeys(boolean refresh) {
        long now = clock.millis();
        long age = now - keysFetchedMillis;
        boolean stale = age > KEYS_TTL.toMillis();
        if (stale || (refresh && age > REFETCH_GAP.toMillis())) {
            synchronized (this) {
                if (now - keysFetchedMillis > (stale ? KEYS_TTL.toMillis() : REFETCH_GAP.toMillis())) {
                    keysFetchedMillis = now;
                    List<PublicKey> fetched = fetch();
                    if (!fetched.isEmpty()) {
                        keys = fetched;
                    }
                }
            }
        }
        return keys;
    }

    private List<PublicKey> fetch() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(jwksUrl)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return List.of();
            }
            List<PublicKey> out = new ArrayList<>();
            for (JsonNode jwk : json.readTree(r.body()).path("keys")) {
                if ("OKP".equals(jwk.path("kty").asText())
                        && "Ed25519".equals(jwk.path("crv").asText())) {
                    out.add(ed25519(Base64.getUrlDecoder().decode(jwk.path("x").asText())));
                }
            }
            return out;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static PublicKey ed25519(byte[] raw) throws GeneralSecurityException {
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
