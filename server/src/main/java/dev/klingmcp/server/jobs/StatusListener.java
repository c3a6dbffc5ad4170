package dev.klingmcp.server.jobs;

/** Receives status events while {@link JobService#await} follows fal's stream. Called on the awaiting thread; keep it quick. */
@FunctionalInterface
public interface StatusListener {
    StatusListener NONE = update -> {};

    void onUpdate(StatusUpdate update);
}
