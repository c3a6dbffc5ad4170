package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.LogLine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The JSON text the service keeps in the ledger's columns (estimate, error, logs, options) and how it reads them back.
 * Unreadable text (a hand-edited database) reads as absent rather than failing a whole listing.
 */
final class LedgerJson {

    static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<List<LogLine>> LOGS = new TypeReference<>() {};

    private LedgerJson() {}

    static String write(Object value) {
        try {
            return value == null ? null : MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static CostEstimate estimate(String json) {
        return read(json, CostEstimate.class);
    }

    static JobError error(String json) {
        return read(json, JobError.class);
    }

    static List<LogLine> logs(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, LOGS);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    static ObjectNode options(String json) {
        JsonNode n = tree(json);
        return n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    private static <T> T read(String json, Class<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The same JSON with object keys sorted at every level: equal inputs hash equally whatever their key order. */
    static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                sorted.put(k, canonical(n.get(k)));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> out.add(canonical(e)));
            return out;
        }
        return n;
    }

    /** {@code kept} followed by the lines of {@code incoming} not already in it, trimmed to the last {@code max}. */
    static List<LogLine> mergeLogs(List<LogLine> kept, List<LogLine> incoming, int max) {
        List<LogLine> out = new ArrayList<>(kept);
        for (LogLine l : incoming) {
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out.size() <= max ? out : List.copyOf(out.subList(out.size() - max, out.size()));
    }

    /** sha256 of model + canonical input + the caller's key: the same command hashes the same whatever its key order. */
    static String idempotencyKey(String model, JsonNode input, String clientKey) {
        String material = model + "\n" + LedgerJson.write(LedgerJson.canonical(input)) + "\n" + clientKey;
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }
}
