package dev.klingmcp.mock.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultPlanJson;
import dev.klingmcp.mock.http.FalJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reads scenarios, checking them against {@code mock-fal/scenario.schema.json} first so errors name the member. */
public final class ScenarioJson {

    /** Classpath location of the scenario JSON Schema. */
    public static final String SCHEMA_RESOURCE = "mock-fal/scenario.schema.json";

    private static final ObjectNode SCHEMA_DOCUMENT = loadSchema();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SCHEMA_DOCUMENT);

    private ScenarioJson() {}

    /** The JSON Schema of a scenario (a copy). */
    public static ObjectNode schema() {
        return SCHEMA_DOCUMENT.deepCopy();
    }

    public static Scenario read(Path file) {
        JsonNode json;
        try {
            json = FalJson.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scenario " + file + ": " + e.getMessage(), e);
        }
    }

    /** A scenario from its JSON form; errors list every schema problem with its location. */
    public static Scenario parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a scenario must be a JSON object");
        }
        List<Error> errors = SCHEMA.validate(json);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    errors.stream().map(Error::toString).collect(Collectors.joining("; ")));
        }
        Scenario.Clock clock = null;
        JsonNode c = json.get("clock");
        if (c != null) {
            clock = c.get("mode").asText().equals("manual")
                    ? Scenario.Clock.manualClock()
                    : Scenario.Clock.scaled(c.path("speed").asDouble(1.0));
        }
        FaultPlan faults = null;
        JsonNode f = json.get("faults");
        if (f != null) {
            faults = f.isTextual() ? FaultPlan.parse(f.asText()) : FaultPlanJson.fromJson(f);
        }
        return new Scenario(clock, faults);
    }

    /** The current state in scenario form (what {@code GET /_mock/scenario} answers). */
    public static ObjectNode toJson(boolean manualClock, double speed, FaultPlan faults) {
        ObjectNode root = FalJson.object();
        ObjectNode clock = root.putObject("clock");
        clock.put("mode", manualClock ? "manual" : "scaled");
        if (!manualClock) {
            clock.put("speed", speed);
        }
        root.set("faults", FaultPlanJson.toJson(faults));
        return root;
    }

    private static ObjectNode loadSchema() {
        try (InputStream in = ScenarioJson.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath");
            }
            return (ObjectNode) FalJson.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
