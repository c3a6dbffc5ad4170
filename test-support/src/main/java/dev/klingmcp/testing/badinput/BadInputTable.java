package dev.klingmcp.testing.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of inputs fal refuses, kept as data in {@code bad-inputs.json} next to this class: the openapi module's
 * validator tests check each row's error, and the contract tests send each row through the MCP server. A row added to
 * the file is checked by both.
 */
public final class BadInputTable {

    /** Where the table lives on the class path. */
    public static final String RESOURCE = "/dev/klingmcp/testing/badinput/bad-inputs.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Row> ROWS = load();

    /**
     * One row.
     *
     * @param model short model name, e.g. {@code o3/pro/reference-to-video}
     * @param path JSON Pointer the error must name
     * @param type the validator's type code, e.g. {@code enum}, {@code extra_forbidden}
     * @param allowed a fragment of the error's "allowed" or "problem" text
     * @param note why the row is there, where the input alone does not say it (may be empty)
     * @param input the refused input
     */
    public record Row(String model, String path, String type, String allowed, String note, ObjectNode input) {

        /** A copy of the input, free to change. */
        @Override
        public ObjectNode input() {
            return input.deepCopy();
        }

        /** The input as compact JSON. */
        public String inputJson() {
            return input.toString();
        }

        @Override
        public String toString() {
            return model + " " + path + " " + type;
        }
    }

    private BadInputTable() {}

    /** Every row, in the file's order. */
    public static List<Row> rows() {
        return ROWS;
    }

    private static List<Row> load() {
        JsonNode table;
        try (InputStream in = BadInputTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the class path");
            }
            table = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : table.path("rows")) {
            String where = RESOURCE + " row " + rows.size();
            if (!row.path("input").isObject()) {
                throw new IllegalStateException(where + ": \"input\" must be a JSON object");
            }
            rows.add(new Row(
                    text(row, "model", where),
                    text(row, "path", where),
                    text(row, "type", where),
                    text(row, "allowed", where),
                    row.path("note").asText(""),
                    (ObjectNode) row.get("input")));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " has no rows");
        }
        return List.copyOf(rows);
    }

    private static String text(JsonNode row, String field, String where) {
        JsonNode value = row.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalStateException(where + ": \"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }
}
