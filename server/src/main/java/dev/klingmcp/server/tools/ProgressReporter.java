package dev.klingmcp.server.tools;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.StatusUpdate;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards fal's status stream to the MCP client while a tool waits: progress notifications (only when the client sent
 * a {@code progressToken}; values strictly increase, out of 100) with a readable message, fal's log lines as logging
 * notifications, and a job-changed signal for resource subscribers.
 *
 * <p>The percentage is a guess from the phase and the model's typical run time: queued 0-10 (closer to 10 as the
 * position drops), running 10-99 by elapsed over typical time, finished 100.
 */
public final class ProgressReporter implements StatusListener {

    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

    private final Consumer<ProgressNotification> progressSink;

    private final Consumer<LoggingMessageNotification> logSink;

    private final Object progressToken;

    private final Consumer<String> jobChanged;

    private double last = -1;

    /** The last "NN%" fal's logs announced while running (the mock and some runners print it), or -1. */
    private double loggedPercent = -1;

    /**
     * @param progressToken the request's {@code _meta.progressToken}, or null (then no progress is sent)
     * @param jobChanged    told the job id after each event (resource update notifications)
     */
    public ProgressReporter(McpSyncServerExchange exchange, Object progressToken, Consumer<String> jobChanged) {
        this(exchange::progressNotification, exchange::loggingNotification, progressToken, jobChanged);
    }

    ProgressReporter(
            Consumer<ProgressNotification> progressSink,
            Consumer<LoggingMessageNotification> logSink,
            Object progressToken,
            Consumer<String> jobChanged) {
        this.progressSink = progressSink;
        this.logSink = logSink;
        this.progressToken = progressToken;
        this.jobChanged = jobChanged;
    }

    // Synchronized: the tool thread reports the state before the first stream event while the stream thread reports
    // updates; compute-and-send must happen in one order or the client sees progress go backwards.
    @Override
    public synchronized void onUpdate(StatusUpdate update) {
        JobView job = update.job();
        try {
            for (LogLine line : update.newLogs()) {
                loggedPercent = Math.max(loggedPercent, logPercent(line.message()));
                logSink.accept(LoggingMessageNotification.builder(
                                level(line.level()), "[" + job.jobId() + "] " + line.message())
                        .logger("fal")
                        .build());
            }
            report(job);
        } catch (RuntimeException e) {
            // A client that went away must not break the wait (the job and ledger are fine).
            log.debug("Could not notify the client: {}", e.toString());
        }
        jobChanged.accept(job.jobId());
    }

    /** Sends one progress step for the job's current state (also used before the first stream event). */
    public synchronized void report(JobView job) {
        if (progressToken == null) {
            return;
        }
        double value = percent(job);
        if (job.state() == JobState.RUNNING && loggedPercent >= 0) {
            value = Math.max(value, 10 + 0.89 * loggedPercent);
        }
        // Compare what is actually sent (two decimals): the spec wants strictly increasing values, and a stalled
        // queue still moves by a hair.
        value = hundredths(value);
        if (value <= last) {
            value = Math.min(
                    hundredths(last + 0.01), job.state() != null && job.state().isTerminal() ? 100.0 : 99.99);
            if (value <= last) {
                return;
            }
        }
        last = value;
        progressSink.accept(ProgressNotification.builder(progressToken, value)
                .total(100.0)
                .message(message(job))
                .build());
    }

    private static double hundredths(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double percent(JobView job) {
        JobState state = job.state() == null ? JobState.UNKNOWN : job.state();
        return switch (state) {
            case SUBMITTING -> 0;
            case QUEUED -> job.queuePosition() == null ? 5 : Math.max(1, 10 - Math.min(job.queuePosition(), 9));
            case RUNNING -> {
                if (job.eta() == null || job.elapsed() == null) {
                    yield 50;
                }
                double remaining = job.eta().toMillis();
                double elapsed = job.elapsed().toMillis();
                yield 10 + 89 * (elapsed / Math.max(1, elapsed + remaining));
            }
            default -> 100;
        };
    }

    private static final java.util.regex.Pattern PERCENT =
            java.util.regex.Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");

    /** "Generating video... 40%" gives 40; lines without a percentage (or above 100) give -1. */
    static double logPercent(String message) {
        if (message == null) {
            return -1;
        }
        java.util.regex.Matcher m = PERCENT.matcher(message);
        double found = -1;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            if (v <= 100) {
                found = v;
            }
        }
        return found;
    }

    public static String message(JobView job) {
        JobState state = job.state() == null ? JobState.UNKNOWN : job.state();
        String eta = job.eta() == null ? "" : ", ETA ~" + JobJson.humanDuration(job.eta());
        return switch (state) {
            case SUBMITTING -> "submitting to fal";
            case QUEUED -> "queued" + (job.queuePosition() == null ? "" : " (position " + job.queuePosition() + ")")
                    + eta;
            case RUNNING -> "running " + JobJson.humanDuration(job.elapsed()) + eta;
            case SUCCEEDED -> "succeeded: call result";
            case FAILED -> "failed"
                    + (job.error() == null ? "" : ": " + job.error().message());
            case CANCELLED -> "cancelled";
            case UNKNOWN -> "unknown";
        };
    }

    private static LoggingLevel level(String falLevel) {
        if (falLevel == null) {
            return LoggingLevel.INFO;
        }
        return switch (falLevel.toUpperCase(java.util.Locale.ROOT)) {
            case "ERROR" -> LoggingLevel.ERROR;
            case "WARN", "WARNING" -> LoggingLevel.WARNING;
            case "DEBUG" -> LoggingLevel.DEBUG;
            default -> LoggingLevel.INFO;
        };
    }
}
