package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The duration and aspect ratio a Kling input asks for, read leniently: validation reports bad values, this only has
 * to pick what a successful job would render. Defaults follow the endpoints' schemas ({@code "5"}, {@code "16:9"});
 * standard image-to-video has no aspect_ratio at all and renders 16:9.
 */
public record VideoShape(int seconds, String aspectRatio) {

    static final int DEFAULT_SECONDS = 5;
    static final String DEFAULT_ASPECT = "16:9";

    public static VideoShape of(JsonNode input) {
        int seconds = DEFAULT_SECONDS;
        String aspect = DEFAULT_ASPECT;
        if (input != null && input.isObject()) {
            JsonNode d = input.get("duration");
            if (d != null && (d.isTextual() || d.isNumber())) {
                try {
                    seconds = (int) Math.round(Double.parseDouble(d.asText().trim()));
                } catch (NumberFormatException ignored) {
                    // left at the default: the validator reports the bad value
                }
            }
            JsonNode a = input.get("aspect_ratio");
            if (a != null && a.isTextual() && a.asText().matches("\\d+:\\d+")) {
                aspect = a.asText();
            }
        }
        seconds = Math.max(1, Math.min(60, seconds));
        return new VideoShape(seconds, aspect);
    }
}
