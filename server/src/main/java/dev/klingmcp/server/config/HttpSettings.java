package dev.klingmcp.server.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code serve --http} faces the network, resolved by {@link ServerConfigLoader#loadHttp()}.
 *
 * @param bind                 the address to listen on (default loopback)
 * @param publicUrl            the URL clients reach the MCP endpoint at (e.g. {@code https://mcp.example.com/mcp}); the
 *                             OAuth resource identifier and the expected token audience; null = derived from the bind
 * @param maxBodyBytes         larger request bodies are refused with 413
 * @param maxSessions          legacy (stateful) sessions open at once; one more initialize is refused with 503
 * @param sessionIdle          a legacy session with no request and no open stream for this long is closed
 * @param auth                 who may call
 * @param uploadRootsConfigured whether {@code upload.roots} was set explicitly: over HTTP the working directory is never
 *                             an implicit upload root, since a remote client's local paths mean nothing here
 * @param limits               per-principal limits
 * @param falWebhookJwks       where fal publishes its webhook signing keys; null = {@code <fal REST URL>/.well-known/jwks.json}
 */
public record HttpSettings(
        String bind,
        URI publicUrl,
        long maxBodyBytes,
        int maxSessions,
        Duration sessionIdle,
        Auth auth,
        boolean uploadRootsConfigured,
        Limits limits,
        URI falWebhookJwks) {

    public static final String LOOPBACK = "127.0.0.1";

    public HttpSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(sessionIdle, "sessionIdle");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
    }

    /** Loopback only, no authorization, defaults everywhere: what tests and a single local user need. */
    public static HttpSettings loopback() {
        return new HttpSettings(
                LOOPBACK, null, 1024 * 1024, 200, Duration.ofMinutes(15), Auth.none(), false, Limits.none(), null);
    }

    public HttpSettings withAuth(Auth a) {
        return new HttpSettings(
                bind,
                publicUrl,
                maxBodyBytes,
                maxSessions,
                sessionIdle,
                a,
                uploadRootsConfigured,
                limits,
                falWebhookJwks);
    }

    public HttpSettings withPublicUrl(URI url) {
        return new HttpSettings(
                bind, url, maxBodyBytes, maxSessions, sessionIdle, auth, uploadRootsConfigured, limits, falWebhookJwks);
    }

    public HttpSettings withBind(String address) {
        return new HttpSettings(
                address,
                publicUrl,
                maxBodyBytes,
                maxSessions,
                sessionIdle,
                auth,
                uploadRootsConfigured,
                limits,
                falWebhookJwks);
    }

    public HttpSettings withMaxBodyBytes(long max) {
        return new HttpSettings(
                bind, publicUrl, max, maxSessions, sessionIdle, auth, uploadRootsConfigured, limits, falWebhookJwks);
    }

    public HttpSettings withSessions(int max, Duration idle) {
        return new HttpSettings(
                bind, publicUrl, maxBodyBytes, max, idle, auth, uploadRootsConfigured, limits, falWebhookJwks);
    }

    public HttpSettings withFalWebhookJwks(URI jwks) {
        return new HttpSettings(
                bind, publicUrl, maxBodyBytes, maxSessions, sessionIdle, auth, uploadRootsConfigured, limits, jwks);
    }

    public HttpSettings withLimits(Limits l) {
        return new HttpSettings(
                bind,
                publicUrl,
                maxBodyBytes,
                maxSessions,
                sessionIdle,
                auth,
                uploadRootsConfigured,
                l,
                falWebhookJwks);
    }

    /** True when the bind address is a loopback address (only this machine can connect). */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Who may call. With an issuer, bearer JWTs signed by a key of {@code jwksUrl} whose {@code iss} is the issuer and
     * whose {@code aud} contains {@code audience}; with a tokens file, the opaque tokens listed there. Both may be set.
     */
    public record Auth(URI issuer, URI jwksUrl, String audience, Path tokensFile) {

        public static Auth none() {
            return new Auth(null, null, null, null);
        }

        public boolean enabled() {
            return issuer != null || tokensFile != null;
        }
    }

    /**
     * Per-principal limits, checked before anything is submitted; 0 = no limit.
     *
     * @param concurrentJobs unfinished jobs one principal may have at once
     * @param dailyUsd       estimated spend of one principal's jobs created in the last 24 hours
     */
    public record Limits(int concurrentJobs, double dailyUsd) {
        public static Limits none() {
            return new Limits(0, 0);
        }
    }
}
