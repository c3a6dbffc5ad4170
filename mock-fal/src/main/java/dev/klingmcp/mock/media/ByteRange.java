package dev.klingmcp.mock.media;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP {@code Range} request (RFC 9110, section 14) resolved against a file size.
 *
 * <p>Only single byte ranges are honoured. A multi-range request is answered with the whole file (200), which the RFC
 * allows and which every download client handles; a malformed or unsatisfiable byte range is answered with 416 so that a
 * client bug shows up instead of silently receiving the wrong bytes.
 *
 * @param kind  what to answer
 * @param start first byte (inclusive), meaningful for {@link Kind#PARTIAL}
 * @param end   last byte (inclusive), meaningful for {@link Kind#PARTIAL}
 */
public record ByteRange(Kind kind, long start, long end) {

    public enum Kind {
        WHOLE,
        PARTIAL,
        UNSATISFIABLE
    }

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Number of bytes to send for a partial answer. */
    public long length() {
        return end - start + 1;
    }

    /** The {@code Content-Range} value for a 206 ({@code bytes a-b/size}). */
    public String contentRange(long size) {
        return "bytes " + start + "-" + end + "/" + size;
    }

    /** Resolves {@code header} (may be null) against a file of {@code size} bytes. */
    public static ByteRange resolve(String header, long size) {
        if (header == null || header.isBlank()) {
            return whole();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return whole(); // unknown range unit: RFC says ignore the header
        }
        if (value.indexOf(',') >= 0) {
            return whole();
        }
        Matcher matcher = SINGLE.matcher("bytes=" + value.substring(6).trim());
        if (!matcher.matches()
                || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return unsatisfiable();
        }
        try {
            return matcher.group(1).isEmpty()
                    ? suffix(Long.parseLong(matcher.group(2)), size)
                    : fromStart(Long.parseLong(matcher.group(1)), matcher.group(2), size);
        } catch (NumberFormatException tooManyDigits) {
            return unsatisfiable();
        }
    }

    private static ByteRange suffix(long count, long size) {
        if (count == 0 || size == 0) {
            return unsatisfiable();
        }
        return new ByteRange(Kind.PARTIAL, Math.max(0, size - count), size - 1);
    }

    private static ByteRange fromStart(long start, String endText, long size) {
        if (start >= size) {
            return unsatisfiable();
        }
        long end = endText.isEmpty() ? size - 1 : Long.parseLong(endText);
        if (end < start) {
            return unsatisfiable();
        }
        return new ByteRange(Kind.PARTIAL, start, Math.min(end, size - 1));
    }

    private static ByteRange whole() {
        return new ByteRange(Kind.WHOLE, 0, -1);
    }

    private static ByteRange unsatisfiable() {
        return new ByteRange(Kind.UNSATISFIABLE, 0, -1);
    }
}
