package dev.klingmcp.server.tools;

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

    public static ObjectNode job(JobView j) {
        ObjectNode n = ToolJson.object();
        n.put("job_id", j.jobId());
        n.put("local_id", j.localId());
        n.put("model", j.model());
        FalEndpoints.load().find(j.model()).ifPresent(e -> n.put("model_short", e.shortName()));
        n.put("status", j.state() == null ? "UNKNOWN" : j.state().name());
        n.put("fal_status", j.falStatus());
        if (j.queuePosition() == null) {
            n.putNull("queue_position");
        } else {
            n.put("queue_position", j.queuePosition());
        }
        n.put("created_at", instant(j.createdAt()));
        n.put("updated_at", instant(j.updatedAt()));
        putSeconds(n, "elapsed_seconds", j.elapsed());
        putSeconds(n, "eta_seconds", j.eta());
        n.set("estimate", j.estimate() == null ? n.nullNode() : estimate(j.estimate()));
        n.set("logs", logs(tail(j.logs())));
        n.set("video", j.video() == null ? n.nullNode() : video(j.video()));
        n.put("local_path", j.localPath());
        n.put("sha256", j.sha256());
        n.set("error", j.error() == null ? n.nullNode() : error(j.error()));
        if (j.inferenceSeconds() == null) {
            n.putNull("inference_seconds");
        } else {
            n.put("inference_seconds", j.inferenceSeconds());
        }
        n.put("webhook_url", j.webhookUrl());
        n.put("resource_uri", resourceUri(j.jobId()));
        return n;
    }

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
        ObjectNode n = ToolJson.object().put("url", v.url());
        n.put("content_type", v.contentType());
        n.put("file_name", v.fileName());
        if (v.fileSize() == null) {
            n.putNull("file_size");
        } else {
            n.put("file_size", v.fileSize());
        }
        return n;
    }

    public static ObjectNode error(JobError e) {
        ObjectNode n = ToolJson.object().put("message", e.message() == null ? "failed" : e.message());
        n.put("error_type", e.errorType());
        if (e.httpStatus() > 0) {
            n.put("http_status", e.httpStatus());
        }
        if (e.detail() != null) {
            n.set("detail", e.detail());
        }
        return n;
    }

    public static ArrayNode logs(List<LogLine> lines) {
        ArrayNode out = ToolJson.array();
        for (LogLine l : lines) {
            ObjectNode n = out.addObject().put("message", l.message() == null ? "" : l.message());
            n.put("level", l.level());
            n.put("source", l.source());
            n.put("timestamp", l.timestamp());
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

    private static void putSeconds(ObjectNode n, String field, Duration d) {
        if (d == null) {
            n.putNull(field);
        } else {
            n.put(field, Math.round(d.toMillis() / 100.0) / 10.0);
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
