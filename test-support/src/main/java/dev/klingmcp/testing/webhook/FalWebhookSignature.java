package dev.klingmcp.testing.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies a fal webhook the way fal's docs tell receivers to, written from the docs and not from the mock's code:
 * Ed25519 over {@code request_id \n user_id \n timestamp \n hex(sha256(body))}, hex signature in
 * {@code X-Fal-Webhook-Signature}, keys from the JWKS ({@code OKP}/{@code Ed25519}, raw key in {@code x}), try every
 * key, and reject timestamps more than 300 s away from now.
 */
public final class FalWebhookSignature {

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private static final long MAX_SKEW_SECONDS = 300;

    private FalWebhookSignature() {}

    /** The Ed25519 keys of a JWKS document ({@code {"keys":[...]}}); keys of other types are passed over. */
    public static List<PublicKey> keysOf(JsonNode jwks) throws GeneralSecurityException {
        List<PublicKey> keys = new ArrayList<>();
        for (JsonNode jwk : jwks.path("keys")) {
            if ("OKP".equals(jwk.path("kty").asText())
                    && "Ed25519".equals(jwk.path("crv").asText())) {
                keys.add(ed25519Key(Base64.getUrlDecoder().decode(jwk.path("x").asText())));
            }
        }
        return keys;
    }

    /** A public key from its raw 32 bytes (a JWK's {@code x}). */
    public static PublicKey ed25519Key(byte[] raw) throws GeneralSecurityException {
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** Whether any key verifies this delivery and its timestamp is fresh. */
    public static boolean verify(List<PublicKey> keys, WebhookReceiver.Delivery delivery, long nowEpochSeconds)
            throws GeneralSecurityException {
        String requestId = delivery.header("x-fal-webhook-request-id");
        String userId = delivery.header("x-fal-webhook-user-id");
        String timestamp = delivery.header("x-fal-webhook-timestamp");
        String signatureHex = delivery.header("x-fal-webhook-signature");
        if (requestId == null || userId == null || timestamp == null || signatureHex == null) {
            return false;
        }
        if (Math.abs(nowEpochSeconds - Long.parseLong(timestamp)) > MAX_SKEW_SECONDS) {
            return false;
        }
        String bodyHash =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(delivery.body()));
        byte[] message =
                String.join("\n", requestId, userId, timestamp, bodyHash).getBytes(StandardCharsets.UTF_8);
        byte[] signature = HexFormat.of().parseHex(signatureHex);
        for (PublicKey key : keys) {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            if (verifier.verify(signature)) {
                return true;
            }
        }
        return false;
    }
}
