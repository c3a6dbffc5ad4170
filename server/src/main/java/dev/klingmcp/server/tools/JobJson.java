package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.VideoFile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** JobService views as the JSON shapes of {@code common.json} ({@code Job}, {@code Estimate}, {@code File}...). */
public final class JobJson {

    /** How many of the last log lines a job view carries; full logs stream as MCP logging notifications. */
    public static final int LOG_TAIL = 10;

    public static final String RESOURCE_PREFIX = "kling://jobs/";

    private JobJson() {}

    public static String resourceUri(String jobId) {
        return RESOURCE_PREFIX + jobId;
    }

    /** A job with every field of {@code Job}, {@code null} where it has no value (the job resource's JSON). */
    public static ObjectNode job(JobView j) {
        return job(j, true);
    }

    /**
     * The same job without its {@code null} fields, as a tool result carries it (the result's structured part leaves
     * them out in any case): a tree built without them is sent as it is, where one with them had to be copied.
     */
    public static ObjectNode jobWithoutNulls(JobView j) {
        return job(j, false);
    }

    private static ObjectNode job(JobView j, boolean nulls) {
        ObjectNode n = ToolJson.object();
        text(n, "job_id", j.jobId(), nulls);
        text(n, "local_id", j.localId(), nulls);
        text(n, "model", j.model(), nulls);
        FalEndpoints.load().find(j.model()).ifPresent(e -> text(n, "model_short", e.shortName(), nulls));
        n.put("status", j.state() == null ? "UNKNOWN" : j.state().name());
        text(n, "fal_status", j.falStatus(), nulls);
        node(n, "queue_position", j.queuePosition() == null ? null : n.numberNode(j.queuePosition()), nulls);
        text(n, "created_at", instant(j.createdAt()), nulls);
        text(n, "updated_at", instant(j.updatedAt()), nulls);
        putSeconds(n, "elapsed_seconds", j.elapsed(), nulls);
        putSeconds(n, "eta_seconds", j.eta(), nulls);
        node(n, "estimate", j.estimate() == null ? null : estimate(j.estimate()), nulls);
        n.set("logs", logs(tail(j.logs()), nulls));
        node(n, "video", j.video() == null ? null : video(j.video(), nulls), nulls);
        text(n, "local_path", j.localPath(), nulls);
        text(n, "sha256", j.sha256(), nulls);
        node(n, "error", j.error() == null ? null : error(j.error(), nulls), nulls);
        node(n, "inference_seconds", j.inferenceSeconds() == null ? null : n.numberNode(j.inferenceSeconds()), nulls);
        text(n, "webhook_url", j.webhookUrl(), nulls);
        n.put("resource_uri", resourceUri(j.jobId()));
        return n;
    }

    /** A text field; a missing value is a {@code null} field or, without {@code nulls}, no field. */
    private static void text(ObjectNode n, String name, String value, boolean nulls) {
        if (value != null) {
            n.put(name, value);
        } else if (nulls) {
            n.putNull(name);
        }
    }

    private static void node(ObjectNode n, String name, JsonNode value, boolean nulls) {
        if (value != null) {
            n.set(name, value);
        } else if (nulls) {
            n.putNull(name);
        }
    }

    /** Every field has a value for the estimates the price table makes (one read back from an old row may not). */
    public static ObjectNode estimate(CostEstimate e) {
        return ToolJson.object()
                .put("usd", e.usd())
                .put("seconds", e.seconds())
                .put("audio", e.audio())
                .put("usd_per_second", e.usdPerSecond())
                .put("basis", e.basis())
                .put("price_source", e.priceSource());
    }

    /** fal's {@code File} names: url, content_type, file_name, file_size. */
    public static ObjectNode video(VideoFile v) {
        return video(v, true);
    }

    private static ObjectNode video(VideoFile v, boolean nulls) {
        return fields(
                nulls,
                "url",
                v.url(),
                "content_type",
                v.contentType(),
                "file_name",
                v.fileName(),
                "file_size",
                v.fileSize());
    }

    /**
     * An object of names and values (texts, numbers, booleans), in that order; a {@code null} value is a {@code null}
     * field or, without {@code nulls}, no field.
     */
    private static ObjectNode fields(boolean nulls, Object... namesAndValues) {
        ObjectNode n = ToolJson.object();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            Object value = namesAndValues[i + 1];
            if (value instanceof String text) {
                n.put(name, text);
            } else if (value instanceof Integer number) {
                n.put(name, number);
            } else if (value instanceof Long number) {
                n.put(name, number);
            } else if (value instanceof Double number) {
                n.put(name, number);
            } else if (value instanceof Boolean flag) {
                n.put(name, flag);
            } else if (value == null && nulls) {
                n.putNull(name);
            } else if (value != null) {
                throw new IllegalArgumentException("not a JSON scalar: " + value.getClass());
            }
        }
        return n;
    }

    public static ObjectNode error(JobError e) {
        return error(e, true);
    }

    private static ObjectNode error(JobError e, boolean nulls) {
        ObjectNode n = ToolJson.object().put("message", e.message() == null ? "failed" : e.message());
        text(n, "error_type", e.errorType(), nulls);
        if (e.httpStatus() > 0) {
            n.put("http_status", e.httpStatus());
        }
        if (e.detail() != null) {
            n.set("detail", e.detail());
        }
        return n;
    }

    private static ArrayNode logs(List<LogLine> lines, boolean nulls) {
        ArrayNode out = ToolJson.array();
        for (LogLine l : lines) {
            ObjectNode n = out.addObject().put("message", l.message() == null ? "" : l.message());
            text(n, "level", l.level(), nulls);
            text(n, "source", l.source(), nulls);
            text(n, "timestamp", l.timestamp(), nulls);
        }
        return out;
    }

    private static List<LogLine> tail(List<LogLine> logs) {
        if (logs == null) {
            return List.of();
        }
        return logs.size() <= LOG_TAIL ? logs : logs.subList(logs.size() - LOG_TAIL, logs.size());
    }

    private static String instant(Instant i) {
        return i == null ? null : iso(i);
    }

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the years {@link Instant#toString()} writes as 4 digits. */
    private static final long MIN_SECOND = -62_167_219_200L;

    private static final long MAX_SECOND = 253_402_300_799L;

    /**
     * Exactly {@link Instant#toString()} for the ledger's instants (whole milliseconds, years 0000-9999), written
     * without a {@code DateTimeFormatter}: every status answer carries two of them and the formatter's walk was ~7 %
     * of a status call's CPU. Anything else goes to {@code toString()}.
     */
    static String iso(Instant i) {
        long seconds = i.getEpochSecond();
        int nanos = i.getNano();
        if (seconds < MIN_SECOND || seconds > MAX_SECOND || nanos % 1_000_000 != 0) {
            return i.toString();
        }
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        char[] out = new char[nanos == 0 ? 20 : 24];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        if (nanos != 0) {
            out[19] = '.';
            digits(out, 20, nanos / 1_000_000, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            out[k] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static void putSeconds(ObjectNode n, String field, Duration d, boolean nulls) {
        if (d != null) {
            n.put(field, Math.round(d.toMillis() / 100.0) / 10.0);
        } else if (nulls) {
            n.putNull(field);
        }
    }

    /** "3 min" / "45 s": for the text summaries. */
    public static String humanDuration(Duration d) {
        if (d == null) {
            return "unknown";
        }
        long s = Math.max(0, d.toSeconds());
        return s >= 90 ? Math.round(s / 60.0) + " min" : s + " s";
    }
}
