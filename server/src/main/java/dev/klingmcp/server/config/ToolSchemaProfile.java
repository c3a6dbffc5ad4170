package dev.klingmcp.server.config;

import java.util.Locale;

/**
 * Which rendering of the tools' input schemas {@code tools/list} publishes ({@code tools.schema-profile}). Calls are
 * checked against the full strict schemas either way.
 */
public enum ToolSchemaProfile {
    /** A subset LLM function-calling dialects and agent-framework adapters accept as it is (the default). */
    PORTABLE,
    /** The full JSON Schema 2020-12 documents, per-model rules as {@code if}/{@code then}. */
    FULL;

    /** {@code portable} or {@code full}, any case; null for anything else. */
    public static ToolSchemaProfile parse(String text) {
        for (ToolSchemaProfile p : values()) {
            if (p.name().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        return null;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
