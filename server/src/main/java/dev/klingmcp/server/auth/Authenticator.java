package dev.klingmcp.server.auth;

import dev.klingmcp.server.config.HttpSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every configured way to accept a bearer token, tried in order: the static token file, then the issuer's JWTs. */
public final class Authenticator {

    private final List<TokenVerifier> verifiers;

    public Authenticator(List<TokenVerifier> verifiers) {
        this.verifiers = List.copyOf(verifiers);
    }

    /** The verifiers {@code auth} configures (reads the token file, discovers the issuer's JWKS when not given). */
    public static Authenticator from(HttpSettings.Auth auth) throws IOException {
        List<TokenVerifier> list = new ArrayList<>();
        if (auth.tokensFile() != null) {
            list.add(StaticTokens.load(auth.tokensFile()));
        }
        if (auth.issuer() != null) {
            list.add(new JwtVerifier(auth.issuer(), auth.jwksUrl(), auth.audience()));
        }
        return new Authenticator(list);
    }

    public Principal authenticate(String token) throws InvalidTokenException {
        for (TokenVerifier v : verifiers) {
            Optional<Principal> p = v.verify(token);
            if (p.isPresent()) {
                return p.get();
            }
        }
        throw new InvalidTokenException("the bearer token is not known to this server");
    }
}
