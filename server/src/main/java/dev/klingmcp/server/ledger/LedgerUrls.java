package dev.klingmcp.server.ledger;

import java.util.regex.Pattern;

/** Ledger JDBC URLs as they may be shown: in logs, errors and {@code config show}. */
public final class LedgerUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");

    private LedgerUrls() {}

    /** The URL with any {@code password=} parameter value replaced by {@code ***}. */
    public static String redact(String url) {
        return url == null ? null : PASSWORD.matcher(url).replaceAll("$1***");
    }

    /** Whether kling-mcp can keep its ledger at this URL. */
    public static boolean supported(String url) {
        return url.startsWith(SqliteDatabase.PREFIX) || url.startsWith(PostgresDatabase.PREFIX);
    }

    /** Whether the URL names a SQLite ledger (a local file, one process). */
    public static boolean isSqlite(String url) {
        return url.startsWith(SqliteDatabase.PREFIX);
    }
}
