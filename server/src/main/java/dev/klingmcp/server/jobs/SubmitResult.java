package dev.klingmcp.server.jobs;

/**
 * What {@link JobService#submit} did.
 *
 * @param job      the recorded job; null for a dry run
 * @param estimate the price of this input
 * @param dryRun   nothing was submitted
 * @param reused   an earlier job with the same idempotency key was returned instead of submitting again
 */
public record SubmitResult(JobView job, CostEstimate estimate, boolean dryRun, boolean reused) {}
