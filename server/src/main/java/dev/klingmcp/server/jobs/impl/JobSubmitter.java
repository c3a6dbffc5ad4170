package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one path to fal's submit: the strict schema and the URL policy first, then the ledger row (with the exact body
 * about to be sent, so that the job can be found in fal's history if the answer is lost), then the submit. An
 * idempotency key already recorded returns that job; if that job's fate is open it is looked for at fal first.
 */
final class JobSubmitter {

    private final JobRows rows;
    private final JobLedger ledger;
    private final FalGateway gateway;
    private final PriceTable prices;
    private final UrlPolicy urls;
    private final Reconciler reconciler;
    private final JobViews views;

    JobSubmitter(
            JobRows rows,
            JobLedger ledger,
            FalGateway gateway,
            PriceTable prices,
            UrlPolicy urls,
            Reconciler reconciler,
            JobViews views) {
        this.rows = rows;
        this.ledger = ledger;
        this.gateway = gateway;
        this.prices = prices;
        this.urls = urls;
        this.reconciler = reconciler;
        this.views = views;
    }

    SubmitResult submit(SubmitCommand cmd) {
        FalEndpoint e = cmd.endpoint();
        // Checked again here, whoever the caller: nothing reaches fal's submit without passing the strict schema.
        List<Violation> problems =
                new ArrayList<>(InputValidator.forEndpoint(e, true).validate(cmd.input()));
        problems.addAll(urls.checkInput(cmd.input()));
        if (cmd.webhookUrl() != null) {
            Violation webhook = urls.check("/webhook_url", cmd.webhookUrl());
            if (webhook != null) {
                problems.add(webhook);
            }
        }
        if (!problems.isEmpty()) {
            throw Failures.invalidInput(problems);
        }
        CostEstimate estimate = prices.estimate(e, cmd.input());
        if (cmd.dryRun()) {
            return new SubmitResult(null, estimate, true, false);
        }
        SubmitResult result = record(e, cmd, estimate);
        if (result.reused()
                && result.job().requestId() == null
                && !rows.inFlight(result.job().localId())) {
            // The same command again while the first one's fate is open: look for it at fal first. If fal
            // certainly never got it, the key is freed and this call submits it (once).
            JobRecord verdict = reconciler.reconcile(rows.require(result.job().localId()));
            if (verdict.state() == JobState.FAILED && verdict.idempotencyKey() == null) {
                result = record(e, cmd, estimate);
            } else {
                result = new SubmitResult(views.view(verdict), estimate, false, true);
            }
        }
        return result;
    }

    /** The ledger row first, then the submit; an idempotency key already recorded returns that job instead. */
    private SubmitResult record(FalEndpoint e, SubmitCommand cmd, CostEstimate estimate) {
        String localId = "local-" + UUID.randomUUID();
        ObjectNode options = LedgerJson.MAPPER.createObjectNode();
        options.put("webhook_url", cmd.webhookUrl());
        options.put("client_key", cmd.clientKey());
        // Exactly what fal will store as this request's input: how it is found in fal's history if the answer is lost.
        options.set("sent_body", gateway.sentBody(e, cmd.input()));
        // In flight from before the row exists: the background reconciler must never judge a submit being sent.
        rows.sending(localId);
        JobRecord row;
        try {
            row = ledger.insert(
                    JobRecord.submitting(localId, e.id(), LedgerJson.write(cmd.input()))
                            .options(LedgerJson.write(options))
                            .estimate(LedgerJson.write(estimate), estimate.usd())
                            .owner(cmd.owner())
                            .idempotencyKey(
                                    cmd.clientKey() == null
                                            ? null
                                            : LedgerJson.idempotencyKey(
                                                    e.id(),
                                                    cmd.input(),
                                                    cmd.owner() == null
                                                            ? cmd.clientKey()
                                                            : cmd.owner() + "\n" + cmd.clientKey())),
                    "ledger write before submit");
        } catch (RuntimeException failed) {
            rows.sent(localId);
            throw failed;
        }
        CallDeadline.noteJob(row.localId());
        if (!row.localId().equals(localId)) {
            rows.sent(localId);
            return new SubmitResult(views.view(rows.unstuck(row)), estimate, false, true);
        }
        return new SubmitResult(views.view(send(localId, e, cmd)), estimate, false, false);
    }

    private JobRecord send(String localId, FalEndpoint e, SubmitCommand cmd) {
        rows.sending(localId);
        try {
            FalStatus s = gateway.submit(e, cmd.input(), cmd.webhookUrl());
            if (s.requestId() == null || s.requestId().isBlank()) {
                throw FalException.decoding("fal's submit answer has no request_id");
            }
            JobRecord accepted = ledger.update(
                            localId,
                            b -> FalStatusMapping.apply(
                                    b.requestId(s.requestId()).urls(s.statusUrl(), s.responseUrl(), s.cancelUrl()), s),
                            "fal accepted the submit")
                    .orElseThrow();
            JobCanceller.cancelIfRequested(accepted, e, gateway);
            return accepted;
        } catch (FalException failure) {
            throw failed(localId, failure);
        } finally {
            rows.sent(localId);
        }
    }

    /** Records a submit that did not come back with a request id, and the error the caller gets for it. */
    private JobException failed(String localId, FalException failure) {
        boolean refused = Failures.submitCertainlyRefused(failure);
        JobError error = Failures.jobError(failure);
        // A refused submit frees its idempotency key so that the same command can be sent again once fixed.
        ledger.update(
                localId,
                b -> (refused ? b.state(JobState.FAILED).idempotencyKey(null) : b.state(JobState.UNKNOWN))
                        .error(LedgerJson.write(error)),
                refused ? "fal refused the submit" : "the submit's outcome is unknown");
        String message = refused
                ? "fal did not accept the job (" + failure.getMessage() + "). Recorded as " + localId
                        + " (FAILED); nothing was queued or billed."
                : "the submit may or may not have reached fal (" + failure.getMessage() + "). Recorded as " + localId
                        + " (UNKNOWN); it is not resubmitted automatically: the server looks for it in fal's request"
                        + " history (call status with this job_id later).";
        // Named after what happened: fal answered (an error, an unreadable body) or the connection failed.
        boolean transport = failure.kind() == FalException.Kind.IO || failure.kind() == FalException.Kind.NOT_CONNECTED;
        return (transport
                        ? JobException.unreachable(message, failure.status(), failure)
                        : JobException.falError(message, failure.status(), failure))
                .forJob(localId)
                // A refused submit can be sent again as it is (429, ingress 5xx) or after fixing it (4xx); an
                // unknown outcome must not be retried blindly: that is how a job gets paid twice.
                .retryable(refused && (failure.kind() != FalException.Kind.HTTP || failure.status() >= 429));
    }
}
