package dev.klingmcp.server.budget;

import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import java.nio.file.Path;

/** Builds the {@link CostGuard} a configuration asks for. */
public final class CostGuards {

    /**
     * The install's secret lives next to the job ledger (SQLite) or in it (PostgreSQL): every process sharing the ledger
     * shares it.
     */
    static final String SECRET_FILE = "request-state.key";

    /** Its name among a shared (PostgreSQL) ledger's install secrets. */
    static final String SECRET_NAME = "request-state-key";

    private CostGuards() {}

    public static CostGuard from(ServerConfig config) {
        if (config.confirmAboveUsd() == null) {
            return CostGuard.none();
        }
        return new CostGuard(config.confirmAboveUsd(), codec(config.ledgerUrl()));
    }

    static RequestStateCodec codec(String ledgerUrl) {
        String prefix = "jdbc:sqlite:";
        if (ledgerUrl.startsWith(prefix)) {
            String file = ledgerUrl.substring(prefix.length());
            int query = file.indexOf('?');
            if (query >= 0) {
                file = file.substring(0, query);
            }
            if (!file.isBlank() && !file.contains(":memory:") && !file.startsWith("file:")) {
                Path parent = Path.of(file).toAbsolutePath().getParent();
                if (parent != null) {
                    return RequestStateCodec.fromFile(parent.resolve(SECRET_FILE));
                }
            }
        }
        if (ledgerUrl.startsWith("jdbc:postgresql:")) {
            // Replicas on one database: a state signed by one must verify on any other, so the key lives in the ledger.
            byte[] fresh = new byte[32];
            new java.security.SecureRandom().nextBytes(fresh);
            try (JdbcJobLedger ledger = JdbcJobLedger.open(ledgerUrl, java.time.Clock.systemUTC())) {
                String key = ledger.sharedSecret(
                        SECRET_NAME, java.util.Base64.getEncoder().encodeToString(fresh));
                return new RequestStateCodec(java.util.Base64.getDecoder().decode(key), java.time.Clock.systemUTC());
            }
        }
        // An in-memory ledger forgets its jobs at exit; a state that does the same is consistent with it.
        return RequestStateCodec.ephemeral();
    }
}
