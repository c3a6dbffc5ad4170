package dev.klingmcp.mock.media;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The aspect ratios Kling O3 accepts, mapped to the small frame sizes the mock renders.
 *
 * <p>The sizes are deliberately tiny: the mock only has to produce a real, decodable H.264 file whose shape matches the
 * request, and small frames keep the pure-Java encoder fast.
 */
public enum AspectRatio {
    LANDSCAPE_16_9("16:9", 320, 180),
    PORTRAIT_9_16("9:16", 180, 320),
    SQUARE_1_1("1:1", 240, 240);

    private final String label;
    private final int width;
    private final int height;

    AspectRatio(String label, int width, int height) {
        this.label = label;
        this.width = width;
        this.height = height;
    }

    /** The label fal uses in requests, e.g. {@code "16:9"}. */
    public String label() {
        return label;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A file-name-safe form of the label, e.g. {@code "16x9"}. */
    public String slug() {
        return label.replace(':', 'x');
    }

    /** Accepts {@code "16:9"} as well as the slug form {@code "16x9"}; anything else is empty. */
    public static Optional<AspectRatio> find(String labelOrSlug) {
        if (labelOrSlug == null) {
            return Optional.empty();
        }
        String wanted = labelOrSlug.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(r -> r.label.equals(wanted) || r.slug().equals(wanted))
                .findFirst();
    }

    /** Like {@link #find} but fails with a message that lists what is allowed. */
    public static AspectRatio parse(String labelOrSlug) {
        return find(labelOrSlug)
                .orElseThrow(() -> new IllegalArgumentException(
                        "aspect_ratio '" + labelOrSlug + "' is not supported; allowed: " + allowedLabels()));
    }

    static String allowedLabels() {
        return Arrays.stream(values()).map(AspectRatio::label).collect(Collectors.joining(", "));
    }
}
