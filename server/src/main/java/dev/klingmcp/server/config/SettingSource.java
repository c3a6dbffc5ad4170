package dev.klingmcp.server.config;

import static dev.klingmcp.server.config.ConfigKeys.envName;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The value of each setting, looked up in the command-line overrides, then the environment, then the config file; and
 * read as the type it holds. A value that does not parse, or lies outside its range, is refused with a message naming
 * the key, its environment variable and what is allowed, so a typo never silently falls back to a default.
 */
final class SettingSource {

    private final Map<String, String> overrides;

    private final Map<String, String> env;

    private final Map<String, String> file;

    SettingSource(Map<String, String> overrides, Map<String, String> env, Map<String, String> file) {
        this.overrides = overrides;
        this.env = env;
        this.file = file;
    }

    /** The raw value, or null when no source sets it (a blank value counts as not set). */
    String get(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = env.get(envName(key));
        }
        if (v == null) {
            v = file.get(key);
        }
        return v == null || v.isBlank() ? null : v;
    }

    boolean flag(String key, boolean fallback) {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(
                    key + " (" + envName(key) + ") = '" + v + "' is not usable; allowed: true or false");
        };
    }

    /** An absolute http(s) URL, without a trailing slash. */
    URI url(String key, URI fallback) {
        String value = get(key);
        if (value == null) {
            return fallback;
        }
        try {
            URI u = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " (" + envName(key) + ") = '" + value
                    + "' is not usable; allowed: an absolute http:// or https:// URL such as https://queue.fal.run");
        }
    }

    /** Whole seconds, from one second to a day. */
    Duration seconds(String key, Duration fallback) {
        return Duration.ofSeconds(number(key, fallback.toSeconds(), 1, 86_400));
    }

    long number(String key, long fallback, long min, long max) {
        return (long) bounded(
                key,
                (double) fallback,
                (double) min,
                (double) max,
                Long::parseLong,
                "a whole number from " + min + " to " + max);
    }

    double decimal(String key, double fallback, double min, double max) {
        return bounded(key, fallback, min, max, Double::parseDouble, "a number from " + min + " to " + max);
    }

    private double bounded(
            String key, double fallback, double min, double max, ToDoubleFunction<String> parser, String allowed) {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double n = parser.applyAsDouble(v.strip());
            if (!(n >= min && n <= max)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " (" + envName(key) + ") = '" + v + "' is not usable; allowed: " + allowed);
        }
    }
}
