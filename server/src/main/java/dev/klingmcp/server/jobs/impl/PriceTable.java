package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.OpenApiDocument;
import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.jobs.CostEstimate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * USD per second of generated video, per endpoint and audio on/off. Defaults come from the registry
 * ({@link FalEndpoint#pricing()}); a JSON price file overrides any of them:
 * <pre>{@code {"o3/pro/reference-to-video": {"usdPerSecondAudioOff": 0.25, "usdPerSecondAudioOn": 0.3}}}</pre>
 * (keys: full endpoint ids or short names; a missing field keeps its default).
 */
public final class PriceTable {

    private static final int FALLBACK_SECONDS = 5;

    private final Map<String, FalEndpoint.Pricing> prices;
    private final Map<String, Integer> defaultSeconds;
    private final String source;

    private PriceTable(Map<String, FalEndpoint.Pricing> prices, Map<String, Integer> defaultSeconds, String source) {
        this.prices = Map.copyOf(prices);
        this.defaultSeconds = Map.copyOf(defaultSeconds);
        this.source = source;
    }

    /** Defaults from the registry, overridden by {@code priceFile} when given. */
    public static PriceTable load(FalEndpoints registry, Path priceFile) {
        Map<String, FalEndpoint.Pricing> prices = new HashMap<>();
        Map<String, Integer> seconds = new HashMap<>();
        for (FalEndpoint e : registry.all()) {
            prices.put(e.id(), e.pricing());
            seconds.put(e.id(), documentedDefaultDuration(e));
        }
        if (priceFile == null) {
            return new PriceTable(prices, seconds, "default");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(priceFile.toFile());
        } catch (IOException e) {
            throw new ConfigException("price file " + priceFile + " is not readable JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("price file " + priceFile + ": expected a JSON object keyed by model");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            FalEndpoint e = registry.find(entry.getKey())
                    .orElseThrow(() -> new ConfigException("price file " + priceFile + ": unknown model '"
                            + entry.getKey() + "'; allowed: " + String.join(", ", registry.names())));
            FalEndpoint.Pricing d = prices.get(e.id());
            prices.put(
                    e.id(),
                    new FalEndpoint.Pricing(
                            rate(entry.getValue(), "usdPerSecondAudioOff", d.usdPerSecondAudioOff(), priceFile),
                            rate(entry.getValue(), "usdPerSecondAudioOn", d.usdPerSecondAudioOn(), priceFile)));
        }
        return new PriceTable(prices, seconds, priceFile.toString());
    }

    private static double rate(JsonNode entry, String field, double fallback, Path file) {
        JsonNode v = entry.path(field);
        if (v.isMissingNode()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < 0) {
            throw new ConfigException("price file " + file + ": " + field + " must be a number ≥ 0, got " + v);
        }
        return v.asDouble();
    }

    /** The {@code duration} default the endpoint's document declares ("5" for every Kling O3 endpoint). */
    private static int documentedDefaultDuration(FalEndpoint e) {
        try {
            JsonNode d = OpenApiDocument.of(e)
                    .component(e.inputComponent())
                    .path("properties")
                    .path("duration")
                    .path("default");
            return d.isMissingNode() ? FALLBACK_SECONDS : Integer.parseInt(d.asText());
        } catch (RuntimeException unreadable) {
            return FALLBACK_SECONDS;
        }
    }

    /**
     * Billed seconds: {@code duration} when given, else the sum of {@code multi_prompt} shot durations when every shot
     * has one, else the documented default. Audio: {@code generate_audio} (default off).
     */
    public CostEstimate estimate(FalEndpoint endpoint, JsonNode input) {
        FalEndpoint.Pricing p = prices.getOrDefault(endpoint.id(), endpoint.pricing());
        int seconds = seconds(endpoint, input);
        boolean audio = input.path("generate_audio").asBoolean(false);
        double rate = p.perSecond(audio);
        double usd = Math.round(seconds * rate * 100.0) / 100.0;
        String basis = String.format(
                Locale.ROOT,
                "%d s × $%s/s (%s, audio %s) = $%.2f",
                seconds,
                plain(rate),
                endpoint.shortName(),
                audio ? "on" : "off",
                usd);
        if (hasVideoElement(input)) {
            // fal's 4K page says video reference elements "may be priced under a separate tier" and publishes no
            // rate: the person who is shown this estimate (and confirms it) is told it may be low.
            basis += "; fal may bill a job with a video input (an element's video_url) at a higher rate, not known"
                    + " here";
        }
        return new CostEstimate(usd, seconds, audio, rate, basis, source);
    }

    private static boolean hasVideoElement(JsonNode input) {
        for (JsonNode element : input.path("elements")) {
            if (element.path("video_url").isTextual()) {
                return true;
            }
        }
        return false;
    }

    int seconds(FalEndpoint endpoint, JsonNode input) {
        Integer direct = number(input.path("duration"));
        if (direct != null) {
            return direct;
        }
        JsonNode shots = input.path("multi_prompt");
        if (shots.isArray() && shots.size() > 0) {
            int sum = 0;
            for (JsonNode shot : shots) {
                Integer d = number(shot.path("duration"));
                if (d == null) {
                    sum = -1;
                    break;
                }
                sum += d;
            }
            if (sum > 0) {
                return sum;
            }
        }
        return defaultSeconds.getOrDefault(endpoint.id(), FALLBACK_SECONDS);
    }

    private static Integer number(JsonNode n) {
        if (n.isNumber()) {
            return n.asInt();
        }
        if (n.isTextual()) {
            try {
                return Integer.parseInt(n.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String plain(double rate) {
        return java.math.BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
    }
}
