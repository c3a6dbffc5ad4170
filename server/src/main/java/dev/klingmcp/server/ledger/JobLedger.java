package dev.klingmcp.server.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Durable record of every job this server submitted. The service writes a row BEFORE talking to fal and updates it after,
 * so a crash at any point leaves a row behind (see {@link #recoverInterruptedSubmits}).
 *
 * <p>Implementations are safe for concurrent use from many threads.
 */
public interface JobLedger extends AutoCloseable {

    /**
     * Inserts a new SUBMITTING row. If the row carries an idempotency key that another row already has, nothing is inserted
     * and that other row is returned instead (so the caller can tell by comparing local ids).
     */
    JobRecord insert(JobRecord.Builder row, String note);

    /** By local id or fal request id. */
    Optional<JobRecord> find(String id);

    Optional<JobRecord> findByIdempotencyKey(String key);

    /**
     * Read-modify-write of one row in a single transaction; a state change is appended to the history with {@code note}.
     * Returns the row after the update, or empty when no row has that id (local or request id).
     */
    Optional<JobRecord> update(String id, UnaryOperator<JobRecord.Builder> change, String note);

    /** Newest first, at most {@code query.limit()} rows (after {@code query.after()} when set). */
    List<JobRecord> list(JobQuery query);

    /**
     * {@link #list} and {@link #totals} of one query read together (one connection, one round of statements), plus the
     * cursor of the following page when more rows match.
     */
    LedgerPage page(JobQuery query);

    /** Totals over every row matching the query (the limit is ignored). */
    LedgerTotals totals(JobQuery query);

    /** Public ids (request id, else local id) starting with {@code prefix}, newest first. */
    List<String> idsStartingWith(String prefix, int limit);

    /**
     * Marks rows still SUBMITTING after {@code olderThan} as UNKNOWN: the process died (or lost fal's answer) between the
     * ledger write and fal's reply, so fal may or may not have the job. They are kept and shown, never resubmitted
     * automatically. Returns how many rows changed.
     */
    int recoverInterruptedSubmits(Duration olderThan);

    /**
     * Records a fal webhook delivery (by its signature) as accepted until {@code expiresAt}: true the first time, false
     * when any process sharing this ledger recorded it before and it has not expired (a replayed delivery).
     */
    boolean firstWebhookDelivery(String signature, Instant expiresAt);

    /** History note of rows turned UNKNOWN by crash recovery; the service shows it as the job's error. */
    String INTERRUPTED_NOTE = "the server stopped between the ledger write and fal's answer to the submit;"
            + " fal may or may not have this job, so it is not resubmitted automatically";

    /**
     * Claims up to {@code max} unfinished jobs (fal knows them, they are not terminal) for {@code owner} until
     * {@code until}: rows nobody holds, rows whose lease ran out (their holder died or stopped renewing), and rows
     * {@code owner} already holds (renewed). A row is held by one owner at a time, whichever process asks. With
     * {@code undownloaded}, succeeded jobs whose video was not saved yet count as unfinished too.
     *
     * @return the claimed rows, oldest first
     */
    List<JobRecord> claimUnfinished(String owner, java.time.Instant until, int max, boolean undownloaded);

    /** Gives a lease up (job finished, or the owner shuts down); a lease held by someone else is left alone. */
    void release(String id, String owner);

    @Override
    void close();
}
