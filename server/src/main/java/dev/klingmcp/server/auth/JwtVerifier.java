package dev.klingmcp.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer JWTs of one OAuth authorization server: signature by a key of the issuer's JWKS (RSA or EC; keys cached and
 * refreshed by nimbus when an unknown key id shows up), {@code iss} equal to the issuer, {@code aud} containing this
 * server's resource URL, {@code exp} in the future and {@code nbf} in the past (60 s clock skew), a {@code sub}.
 * Scopes come from {@code scope} (space-separated, RFC 9068) or {@code scp}.
 */
public final class JwtVerifier implements TokenVerifier {

    private final DefaultJWTProcessor<SecurityContext> processor;

    public JwtVerifier(URI issuer, URI jwksUrl, String audience) {
        URI jwks = jwksUrl != null ? jwksUrl : discoverJwks(issuer);
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(jwks.toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable JWKS URL: " + jwks, e);
        }
        processor = new DefaultJWTProcessor<>();
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.addAll(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        // Plain JWTs and RFC 9068 access tokens ("at+jwt"); a missing typ is common and accepted.
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).build(),
                Set.of("sub", "exp"),
                Set.of()));
    }

    @Override
    public Optional<Principal> verify(String token) throws InvalidTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("the bearer token is not a JWT");
        } catch (BadJOSEException e) {
            // nimbus's messages name the failed check (expired, audience, issuer, signature) and never echo the token
            throw new InvalidTokenException(e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new InvalidTokenException("the token could not be verified: " + e.getMessage());
        }
        return Optional.of(new Principal(claims.getSubject(), scopes(claims)));
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> out = new LinkedHashSet<>();
        Object scope = claims.getClaim("scope");
        Object scp = claims.getClaim("scp");
        for (Object value : new Object[] {scope, scp}) {
            if (value instanceof String text) {
                for (String s : text.trim().split("\\s+", -1)) {
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
            } else if (value instanceof List<?> list) {
                list.forEach(s -> out.add(String.valueOf(s)));
            }
        }
        return out;
    }

    /**
     * The issuer's {@code jwks_uri} from its metadata: RFC 8414 first, then OpenID Connect discovery. Done once at start so
     * a wrong issuer fails loudly there instead of on every request.
     */
    static URI discoverJwks(URI issuer) {
        String base = issuer.toString().replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        ObjectMapper json = new ObjectMapper();
        for (String path : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode jwks = json.readTree(r.body()).path("jwks_uri");
                    if (jwks.isTextual()) {
                        return URI.create(jwks.asText());
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // try the next location
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalArgumentException("could not find the jwks_uri of issuer " + issuer
                + " (neither RFC 8414 nor OpenID discovery answered); set auth.jwks-url");
    }
}
