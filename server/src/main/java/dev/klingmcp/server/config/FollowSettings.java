package dev.klingmcp.server.config;

import java.time.Duration;

/**
 * The background follower of {@code serve}: it leases unfinished jobs through the ledger, follows each to its end and
 * records (and, with {@code download}, saves) the result, so jobs finish even when no client waits for them. Every
 * replica on one ledger runs one; the leases make sure each job is followed by one replica at a time, and a replica that
 * died loses its leases when they run out.
 *
 * @param enabled   whether it runs at all
 * @param interval  how often the ledger is asked for unfinished jobs (and each leased job's status read once)
 * @param lease     how long a claim holds without renewal: how soon another replica takes over a dead one's jobs
 * @param download  also save the video of every succeeded job into {@code output.dir}
 * @param batch     most jobs one replica follows at once
 * @param quietFor  a job whose ledger row changed more recently than this is not asked about (zero = every round);
 *                  with fal webhooks, fal tells us when a job ends, and only stragglers need a status read
 * @param webhookUrl where fal calls this server back when a job ends, or null: only a job submitted with exactly this
 *                  URL may go without status reads while it is quiet (fal calls an agent's own {@code webhook_url}, not
 *                  us, so such a job is followed like any other)
 */
public record FollowSettings(
        boolean enabled,
        Duration interval,
        Duration lease,
        boolean download,
        int batch,
        Duration quietFor,
        String webhookUrl) {

    public static FollowSettings defaults() {
        return new FollowSettings(true, Duration.ofSeconds(5), Duration.ofSeconds(30), false, 64, Duration.ZERO, null);
    }

    /** With fal webhooks to {@code ownWebhookUrl}: a job is asked about only after {@code quiet} without news. */
    public FollowSettings onlyStragglers(Duration quiet, String ownWebhookUrl) {
        return new FollowSettings(enabled, interval, lease, download, batch, quiet, ownWebhookUrl);
    }

    public FollowSettings {
        if (enabled && lease.compareTo(interval.multipliedBy(2)) < 0) {
            throw new ConfigException("the follower's lease (" + lease.toSeconds() + " s) must be at least twice its"
                    + " interval (" + interval.toSeconds() + " s): a live replica renews its leases every interval");
        }
    }
}
