package dev.klingmcp.examples;

/**
 * One field fal refused, from a 422 answer's {@code detail} list.
 *
 * @param field   the location without fal's leading {@code body}, e.g. {@code image_url} or {@code elements[0].video_url}
 * @param message what was wrong
 * @param type    fal's machine code ({@code missing}, {@code string_too_long}…)
 */
public record FieldError(String field, String message, String type) {}
