package dev.klingmcp.server.budget;

import dev.klingmcp.server.config.ServerConfig;
import java.nio.file.Path;

/** Builds the {@link CostGuard} a configuration asks for. */
public final class CostGuards {

    /** The install's secret lives next to the job ledger: every process sharing the ledger shares it. */
    static final String SECRET_FILE = "request-state.key";

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
        // An in-memory ledger forgets its jobs at exit; a state that does the same is consistent with it.
        return RequestStateCodec.ephemeral();
    }
}
