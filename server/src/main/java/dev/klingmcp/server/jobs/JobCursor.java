package dev.klingmcp.server.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the ledger's newest-first order: the creation time of the last row a page showed and its insertion
 * order (which breaks ties between rows created in the same millisecond). The next page starts strictly after it, so a
 * reader walking every page sees each row once, even while new jobs are added (they land before the first page).
 *
 * <p>Shown to clients as an opaque text ({@link #encode()}): they pass it back unchanged; its form may change.
 */
public record JobCursor(long createdAtMillis, long insertionOrder) {

    private static final String PREFIX = "j1:";
    private static final Pattern FORM = Pattern.compile("j1:(\\d{1,18}):(\\d{1,18})");
    /** Longest text {@link #decode} looks at: a cursor is ~50 characters; anything far longer is not one. */
    public static final int MAX_LENGTH = 128;

    public JobCursor {
        if (createdAtMillis < 0 || insertionOrder < 0) {
            throw new IllegalArgumentException("a cursor's parts are never negative");
        }
    }

    public String encode() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + createdAtMillis + ":" + insertionOrder).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor {@code text} encodes, or empty when it is not one {@link #encode()} made. */
    public static Optional<JobCursor> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(plain);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new JobCursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }
}
