package dev.klingmcp.server.jobs;

/**
 * A price estimate in US dollars, with the numbers it was computed from so an agent can explain it.
 *
 * @param usd           the estimate, rounded to cents
 * @param seconds       billed video seconds (from {@code duration}, or the sum of {@code multi_prompt} shot durations)
 * @param audio         whether {@code generate_audio} is on
 * @param usdPerSecond  the rate used
 * @param basis         human-readable, e.g. {@code "8 s × $0.224/s (o3/pro/reference-to-video, audio off)"}
 * @param priceSource   {@code "default"} (fal's published prices as of the registry) or the price file's path
 */
public record CostEstimate(
        double usd, int seconds, boolean audio, double usdPerSecond, String basis, String priceSource) {}
