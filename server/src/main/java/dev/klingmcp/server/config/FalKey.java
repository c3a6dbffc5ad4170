package dev.klingmcp.server.config;

import java.util.Objects;

/**
 * The fal API key. Wrapped so that it can't leak by accident: {@link #toString()} never shows it, and {@link #redact} scrubs
 * it (and its secret half) from any text before that text reaches a log, an exception or a tool result. Only the gateway's
 * auth interceptor calls {@link #reveal()}.
 */
public final class FalKey {

    public static final FalKey NONE = new FalKey("");
    private static final String MASK = "***";
    private static final int MIN_REDACTED_PART = 8;

    private final String value;
    /** The key's halves worth scrubbing on their own (none when short): computed once, as redact runs on every text. */
    private final String secretHalf;

    private final String idHalf;

    /** The length of the shortest text {@link #redact} scrubs: a shorter text (most names and values) holds none. */
    private final int shortest;

    private FalKey(String value) {
        this.value = value;
        int colon = value.indexOf(':');
        this.secretHalf = colon > 0 ? longEnough(value.substring(colon + 1)) : null;
        this.idHalf = colon > 0 ? longEnough(value.substring(0, colon)) : null;
        int min = value.length();
        if (secretHalf != null) {
            min = Math.min(min, secretHalf.length());
        }
        if (idHalf != null) {
            min = Math.min(min, idHalf.length());
        }
        this.shortest = min;
    }

    /**
     * The secret alone is as sensitive as the whole key. Short halves are skipped: scrubbing "ab" everywhere would
     * garble messages without protecting anything.
     */
    private static String longEnough(String part) {
        return part.length() >= MIN_REDACTED_PART ? part : null;
    }

    /** {@code key} may be {@code id:secret} or a single token; blank means "no key". */
    public static FalKey of(String key) {
        return key == null || key.isBlank() ? NONE : new FalKey(key.strip());
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** The raw key, for the {@code Authorization: Key ...} header only. */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the key, and of its secret half, replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || value.isEmpty() || text.length() < shortest) {
            return text;
        }
        // Both halves are parts of the key, so a text with neither half holds no key either: the common case costs one
        // search per half, not three replacements (it runs on every text of every tool result).
        if ((secretHalf != null || idHalf != null)
                && (secretHalf == null || !text.contains(secretHalf))
                && (idHalf == null || !text.contains(idHalf))) {
            return text;
        }
        String out = text.replace(value, MASK);
        if (secretHalf != null) {
            out = out.replace(secretHalf, MASK);
        }
        if (idHalf != null) {
            out = out.replace(idHalf, MASK);
        }
        return out;
    }

    @Override
    public String toString() {
        return isPresent() ? "FalKey[" + MASK + "]" : "FalKey[none]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FalKey k && k.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }
}
