package dev.klingmcp.server.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A stand-in OAuth authorization server on 127.0.0.1: publishes an RSA key as a JWKS (and RFC 8414 metadata pointing at
 * it) and mints access tokens signed by that key, or by a key it does not publish (for forged tokens).
 */
final class TestIssuer implements AutoCloseable {

    private final HttpServer server;

    private final RSAKey key;

    private final RSAKey stranger;

    TestIssuer() throws IOException, JOSEException {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        // same key id, different key: a token signed with it claims to be ours but the signature does not verify
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        server = HttpServer.create(dev.klingmcp.testing.http.Loopback.socket(0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.createContext("/.well-known/oauth-authorization-server", exchange -> {
            byte[] body = ("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks.json\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    URI issuer() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A valid token for {@code audience}, good for an hour. */
    String token(String subject, String audience, String scope) {
        return sign(key, claims(subject, audience, scope, issuer().toString(), Duration.ofHours(1)));
    }

    String expired(String subject, String audience, String scope) {
        return sign(key, claims(subject, audience, scope, issuer().toString(), Duration.ofMinutes(-10)));
    }

    String fromOtherIssuer(String subject, String audience, String scope) {
        return sign(key, claims(subject, audience, scope, "https://evil.example.com", Duration.ofHours(1)));
    }

    String badSignature(String subject, String audience, String scope) {
        return sign(stranger, claims(subject, audience, scope, issuer().toString(), Duration.ofHours(1)));
    }

    private static JWTClaimsSet claims(String subject, String audience, String scope, String iss, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(iss)
                .subject(subject)
                .audience(audience)
                .claim("scope", scope)
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(ttl)))
                .build();
    }

    private static String sign(RSAKey with, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(with.getKeyID())
                            .type(new JOSEObjectType("at+jwt"))
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
