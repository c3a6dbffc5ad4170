package dev.klingmcp.contract.mcp;

/**
 * The server's schema profiles: a portable default {@code tools/list} that agent frameworks and LLM providers take
 * as-is, and the complete JSON Schema 2020-12 composition behind {@code --set tools.schema-profile=full}.
 */
final class SchemaProfiles {

    static final String SETTING = "tools.schema-profile";

    /** The {@code --set} argument for the full profile. */
    static final String FULL = SETTING + "=full";

    private SchemaProfiles() {}
}
