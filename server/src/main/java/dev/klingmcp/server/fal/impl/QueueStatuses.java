package dev.klingmcp.server.fal.impl;

import dev.klingmcp.fal.client.model.QueueStatus;
import dev.klingmcp.server.fal.FalStatus;

/** The generated client's {@link QueueStatus} turned into the gateway's {@link FalStatus}. */
final class QueueStatuses {

    private QueueStatuses() {}

    static FalStatus of(QueueStatus s) {
        QueueStatus.StatusEnum status = s.getStatus();
        FalStatus.State state =
                switch (status == null ? QueueStatus.StatusEnum.UNKNOWN_DEFAULT_OPEN_API : status) {
                    case IN_QUEUE -> FalStatus.State.IN_QUEUE;
                    case IN_PROGRESS -> FalStatus.State.IN_PROGRESS;
                    case COMPLETED -> FalStatus.State.COMPLETED;
                    default -> FalStatus.State.OTHER;
                };
        return new FalStatus(
                state,
                state == FalStatus.State.OTHER ? "UNKNOWN" : status.getValue(),
                s.getRequestId(),
                s.getQueuePosition(),
                s.getLogs() == null
                        ? null
                        : s.getLogs().stream()
                                .map(l -> new FalStatus.Log(
                                        l.getMessage(), l.getLevel(), l.getSource(), l.getTimestamp()))
                                .toList(),
                s.getMetrics() == null || s.getMetrics().getInferenceTime() == null
                        ? null
                        : s.getMetrics().getInferenceTime().doubleValue(),
                s.getError(),
                s.getErrorType(),
                s.getStatusUrl(),
                s.getResponseUrl(),
                s.getCancelUrl());
    }
}
