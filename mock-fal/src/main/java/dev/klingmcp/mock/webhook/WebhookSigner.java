package dev.klingmcp.mock.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs webhook deliveries exactly as fal does: Ed25519 over the UTF-8 bytes of
 * {@code request_id + "\n" + user_id + "\n" + timestamp + "\n" + hex(sha256(body))}, hex-encoded, with the public key
 * published as a JWKS ({@code kty OKP, crv Ed25519, x = base64url of the raw 32-byte key}).
 *
 * <p>Uses only the JDK's Ed25519 (Java 15+), so a receiver written against fal's docs can verify mock webhooks unchanged.
 */
public final class WebhookSigner {

    /** An Ed25519 X.509 SubjectPublicKeyInfo ends with the raw 32-byte key; the JWK carries just those bytes. */
    private static final int RAW_KEY_LENGTH = 32;

    private final KeyPair keyPair;
    private final byte[] rawPublicKey;
    private final String keyId;

    private WebhookSigner(KeyPair keyPair) {
        this.keyPair = keyPair;
        byte[] encoded = keyPair.getPublic().getEncoded();
        this.rawPublicKey = Arrays.copyOfRange(encoded, encoded.length - RAW_KEY_LENGTH, encoded.length);
        this.keyId = "mock-fal-" + HexFormat.of().formatHex(sha256(rawPublicKey), 0, 8);
    }

    /** A fresh random key pair: receivers must fetch the JWKS of this mock instance. */
    public static WebhookSigner generate() {
        return withRandom(new SecureRandom());
    }

    /**
     * A key pair derived from {@code seed}, so a mock restarted with the same seed keeps its JWKS and a receiver that
     * cached the keys (fal allows caching for 24 h) keeps verifying. Test use only: the key is as secret as the seed.
     */
    public static WebhookSigner fromSeed(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed); // seeding before first use makes SHA1PRNG fully deterministic
            return withRandom(random);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1PRNG is missing from this JDK", e);
        }
    }

    private static WebhookSigner withRandom(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, random);
            return new WebhookSigner(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK (needs Java 15+)", e);
        }
    }

    /** The hex signature for one delivery; {@code timestampSeconds} is unix seconds, as sent in the header. */
    public String sign(String requestId, String userId, long timestampSeconds, byte[] body) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(keyPair.getPrivate());
            signature.update(signedMessage(requestId, userId, timestampSeconds, body));
            return HexFormat.of().formatHex(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The exact bytes fal signs; public so receivers and tests can rebuild it from the headers. */
    public static byte[] signedMessage(String requestId, String userId, long timestampSeconds, byte[] body) {
        String message = requestId + "\n" + userId + "\n" + timestampSeconds + "\n"
                + HexFormat.of().formatHex(sha256(body));
        return message.getBytes(StandardCharsets.UTF_8);
    }

    public String keyId() {
        return keyId;
    }

    /** The raw 32-byte Ed25519 public key (the JWK {@code x} before base64url). */
    public byte[] rawPublicKey() {
        return rawPublicKey.clone();
    }

    /** The JWKS document served at {@code /.well-known/jwks.json}. */
    public Map<String, Object> jwks() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("kty", "OKP");
        key.put("crv", "Ed25519");
        key.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(rawPublicKey));
        key.put("kid", keyId);
        key.put("use", "sig");
        key.put("alg", "EdDSA");
        return Map.of("keys", List.of(key));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
