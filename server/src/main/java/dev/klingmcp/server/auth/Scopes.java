package dev.klingmcp.server.auth;

import java.util.List;
import java.util.Set;

/**
 * The two OAuth scopes of this server. {@code video:generate} is needed for what spends money or changes a job
 * ({@code generate}, {@code upload}, {@code cancel}); {@code video:read} for everything else. A token allowed to spend
 * is allowed to look at what it spent on, so {@code video:generate} includes {@code video:read}.
 */
public final class Scopes {

    public static final String READ = "video:read";

    public static final String GENERATE = "video:generate";

    public static final List<String> ALL = List.of(READ, GENERATE);

    private static final Set<String> SPENDING_TOOLS = Set.of("generate", "upload", "cancel");

    private Scopes() {}

    /** The scope a JSON-RPC message needs; {@code toolName} is the {@code params.name} of a {@code tools/call}. */
    public static String required(String method, String toolName) {
        if ("tools/call".equals(method) && toolName != null && SPENDING_TOOLS.contains(toolName)) {
            return GENERATE;
        }
        return READ;
    }
}
