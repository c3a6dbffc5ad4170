package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.fal.client.model.QueueStatus;
import dev.klingmcp.fal.client.model.RequestLog;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.ledger.JobRecord;
import java.util.List;

/**
 * How one fal {@link QueueStatus} changes a ledger row.
 *
 * <p>fal has no FAILED status: a failed request is COMPLETED with {@code error}/{@code error_type}, and an input the model
 * rejects may even be COMPLETED without either, its 422 appearing only on the result GET. So COMPLETED without an error
 * leaves the row RUNNING with fal status COMPLETED, and the service settles it by fetching the result.
 */
final class FalStatusMapping {

    static final int MAX_LOGS = 50;
    static final String CANCELLED_ERROR_TYPE = "client_cancelled";

    private FalStatusMapping() {}

    static List<LogLine> logs(QueueStatus s) {
        if (s.getLogs() == null) {
            return List.of();
        }
        return s.getLogs().stream().map(FalStatusMapping::line).toList();
    }

    private static LogLine line(RequestLog l) {
        return new LogLine(l.getMessage(), l.getLevel(), l.getSource(), l.getTimestamp());
    }

    static String rawStatus(QueueStatus s) {
        return s.getStatus() == null || s.getStatus() == QueueStatus.StatusEnum.UNKNOWN_DEFAULT_OPEN_API
                ? "UNKNOWN"
                : s.getStatus().getValue();
    }

    /** True when fal reports COMPLETED and nothing says it failed: the result GET decides. */
    static boolean needsResult(QueueStatus s) {
        return s.getStatus() == QueueStatus.StatusEnum.COMPLETED && s.getError() == null && s.getErrorType() == null;
    }

    static JobRecord.Builder apply(JobRecord.Builder b, QueueStatus s) {
        b.falStatus(rawStatus(s));
        List<LogLine> merged = LedgerJson.mergeLogs(LedgerJson.logs(b.current().logsJson()), logs(s), MAX_LOGS);
        if (!merged.isEmpty()) {
            b.logs(LedgerJson.write(merged));
        }
        if (s.getMetrics() != null && s.getMetrics().getInferenceTime() != null) {
            b.inferenceSeconds(s.getMetrics().getInferenceTime().doubleValue());
        }
        if (b.current().state().isTerminal()) {
            return b; // a late event never moves a finished job back
        }
        switch (s.getStatus() == null ? QueueStatus.StatusEnum.UNKNOWN_DEFAULT_OPEN_API : s.getStatus()) {
            case IN_QUEUE -> b.state(JobState.QUEUED).queuePosition(s.getQueuePosition());
            case IN_PROGRESS -> b.state(JobState.RUNNING).queuePosition(null);
            case COMPLETED -> {
                b.queuePosition(null);
                if (CANCELLED_ERROR_TYPE.equals(s.getErrorType())) {
                    b.state(JobState.CANCELLED);
                } else if (s.getError() != null || s.getErrorType() != null) {
                    String message = s.getError() != null ? s.getError() : s.getErrorType();
                    b.state(JobState.FAILED).error(LedgerJson.write(new JobError(message, s.getErrorType(), 0, null)));
                } else {
                    b.state(JobState.RUNNING);
                }
            }
            default -> {} // a status fal may add later: keep what we know
        }
        return b;
    }
}
