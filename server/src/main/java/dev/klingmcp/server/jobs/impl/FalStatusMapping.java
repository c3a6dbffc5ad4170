package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.ledger.JobRecord;
import java.util.List;

/**
 * How one {@link FalStatus} changes a ledger row.
 *
 * <p>fal has no FAILED status: a failed request is COMPLETED with {@code error}/{@code error_type}, and an input the model
 * rejects may even be COMPLETED without either, its 422 appearing only on the result GET. So COMPLETED without an error
 * leaves the row RUNNING with fal status COMPLETED, and the service settles it by fetching the result.
 */
final class FalStatusMapping {

    static final int MAX_LOGS = 50;
    static final String CANCELLED_ERROR_TYPE = "client_cancelled";

    private FalStatusMapping() {}

    static List<LogLine> logs(FalStatus s) {
        return s.logs().stream()
                .map(l -> new LogLine(l.message(), l.level(), l.source(), l.timestamp()))
                .toList();
    }

    static JobRecord.Builder apply(JobRecord.Builder b, FalStatus s) {
        b.falStatus(s.rawStatus());
        List<LogLine> merged = LedgerJson.mergeLogs(LedgerJson.logs(b.current().logsJson()), logs(s), MAX_LOGS);
        if (!merged.isEmpty()) {
            b.logs(LedgerJson.write(merged));
        }
        if (s.inferenceSeconds() != null) {
            b.inferenceSeconds(s.inferenceSeconds());
        }
        if (b.current().state().isTerminal()) {
            return b; // a late event never moves a finished job back
        }
        switch (s.state()) {
            case IN_QUEUE -> b.state(JobState.QUEUED).queuePosition(s.queuePosition());
            case IN_PROGRESS -> b.state(JobState.RUNNING).queuePosition(null);
            case COMPLETED -> {
                b.queuePosition(null);
                if (CANCELLED_ERROR_TYPE.equals(s.errorType())) {
                    b.state(JobState.CANCELLED);
                } else if (!s.completedWithoutError()) {
                    String message = s.error() != null ? s.error() : s.errorType();
                    b.state(JobState.FAILED).error(LedgerJson.write(new JobError(message, s.errorType(), 0, null)));
                } else {
                    b.state(JobState.RUNNING);
                }
            }
            default -> {} // a status fal may add later: keep what we know
        }
        return b;
    }
}
