package dev.klingmcp.server.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rows the ledger found by id, kept while the database's read version ({@link LedgerDatabase#readVersion}) stays the
 * same: an agent polling a job reads the same row again and again, and while nothing was committed anywhere (by this
 * process or another replica on the same file) that row cannot have changed. Any commit moves the version and drops
 * every entry, so a row is never reused past a change. Rows are immutable and shared.
 */
final class UnchangedReads {

    /** Ids kept per version; a listing's worth of distinct ids between two commits just stops being kept. */
    static final int MAX_KEPT = 1024;

    private long version = -1;

    private final Map<String, Optional<JobRecord>> rows = new HashMap<>();

    /** The row read at {@code version}, or null when it was not read at that version (or the version is unknown). */
    synchronized Optional<JobRecord> get(String id, long readVersion) {
        if (readVersion < 0) {
            return null;
        }
        if (readVersion != version) {
            rows.clear();
            version = readVersion;
            return null;
        }
        return rows.get(id);
    }

    /** Keeps what a read at {@code readVersion} found for {@code id}. */
    synchronized void put(String id, long readVersion, Optional<JobRecord> row) {
        if (readVersion >= 0 && readVersion == version && rows.size() < MAX_KEPT) {
            rows.put(id, row);
        }
    }
}
