package dev.klingmcp.server.auth;

import java.util.Optional;

/** Turns a bearer token into the principal it stands for. */
public interface TokenVerifier {

    /**
     * Checks one bearer token.
     *
     * @return the principal, or empty when this verifier does not know the token at all (another one may)
     * @throws InvalidTokenException when the token is of this verifier's kind but invalid (expired, wrong audience...)
     */
    Optional<Principal> verify(String token) throws InvalidTokenException;
}
