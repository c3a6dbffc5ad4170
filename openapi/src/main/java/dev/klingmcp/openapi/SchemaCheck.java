package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/**
 * Any JSON Schema (2020-12) compiled once, answering in {@link Violation}s: the same translation of the validator's
 * errors that model inputs get, for schemas that do not come from an OpenAPI document (the MCP tools' own arguments).
 *
 * <p>Immutable and thread-safe.
 */
public final class SchemaCheck {

    private final ObjectNode document;

    private final Schema schema;

    private SchemaCheck(ObjectNode document) {
        this.document = document;
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(document);
    }

    /** Compiles {@code document} (copied: later changes to the caller's tree do not leak in). */
    public static SchemaCheck of(ObjectNode document) {
        return new SchemaCheck(document.deepCopy());
    }

    /** The schema this check applies (a copy). */
    public ObjectNode schema() {
        return document.deepCopy();
    }

    /** Every problem with {@code instance}; empty when it is valid. Never throws on bad input. */
    public List<Violation> validate(JsonNode instance) {
        return List.copyOf(SchemaErrors.translate(schema.validate(instance), document));
    }
}
