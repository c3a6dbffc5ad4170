package dev.klingmcp.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Opaque tokens listed in a file, for small setups without an authorization server. One token per line:
 *
 * <pre>
 * # token                     subject   scopes (comma-separated)
 * sha256:9f86d08...           alice     video:read,video:generate
 * s3cret-token-for-ci         ci-bot    video:read
 * </pre>
 *
 * A token written {@code sha256:<hex>} is stored as the SHA-256 of the real token, so the file need not hold the secret.
 * Tokens are compared by digest in constant time.
 */
public final class StaticTokens implements TokenVerifier {

    @SuppressWarnings("ArrayRecordComponent") // the digest is compared in constant time, never through equals
    private record Entry(byte[] digest, Principal principal) {}

    private final List<Entry> entries;

    private StaticTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads the file; a malformed line is refused with its number (a typo must not silently lock someone out). */
    public static StaticTokens load(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 0);
            if (parts.length != 3) {
                throw new IOException(file + " line " + (i + 1)
                        + ": expected '<token> <subject> <scope>[,<scope>...]', e.g. 'sha256:<hex> alice video:read'");
            }
            Set<String> scopes = new LinkedHashSet<>(Arrays.asList(parts[2].split(",")));
            for (String scope : scopes) {
                if (!Scopes.ALL.contains(scope)) {
                    throw new IOException(file + " line " + (i + 1) + ": unknown scope '" + scope + "'; allowed: "
                            + String.join(", ", Scopes.ALL));
                }
            }
            byte[] digest = parts[0].startsWith("sha256:")
                    ? HexFormat.of().parseHex(parts[0].substring(7).toLowerCase(Locale.ROOT))
                    : sha256(parts[0]);
            entries.add(new Entry(digest, new Principal(parts[1], scopes)));
        }
        return new StaticTokens(entries);
    }

    @Override
    public Optional<Principal> verify(String token) {
        byte[] digest = sha256(token);
        Principal found = null;
        for (Entry e : entries) {
            // every entry is compared, so the time taken does not tell which one matched
            if (MessageDigest.isEqual(e.digest(), digest)) {
                found = e.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
