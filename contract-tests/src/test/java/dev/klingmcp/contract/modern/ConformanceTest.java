package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.process.ScriptRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official conformance suite ({@code @modelcontextprotocol/conformance} 0.2.0-alpha.12, pinned in
 * {@code js/package.json}) against the real server over HTTP: the 2026-07-28 scenarios on the stateless lane, the tasks
 * extension scenarios, and the 2025-11-25 scenarios on the SDK lane. Every check must pass except the ones listed in
 * {@link #NEEDS_SUITE_FIXTURES}: those call tools, prompts or templates only the suite's own reference server has
 * ({@code test_missing_capability}, {@code slow_compute}, {@code greet}…), which a real server does not ship.
 * Per-scenario counts are appended to {@code target/conformance-summary.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConformanceTest {

    static final String CLI = "node_modules/@modelcontextprotocol/conformance/dist/index.js";

    /** Extension scenarios are not on a revision's timeline: run without a spec version. */
    static final String EXTENSION = "extension";

    /** One line per scenario run, rewritten by every run of this class. */
    static final Path SUMMARY = Path.of("target", "conformance-summary.txt");

    static final Map<String, Set<String>> NEEDS_SUITE_FIXTURES = Map.of(
            "server-stateless",
            Set.of(
                    "sep-2575-server-rejects-undeclared-capability",
                    "sep-2575-missing-capability-http-400",
                    "sep-2575-http-server-no-independent-requests-on-stream",
                    "sep-2575-server-no-log-without-loglevel"),
            "tasks-capability-negotiation",
            Set.of("sep-2663-server-rejects-undeclared-client", "tasks-per-request-meta-opt-in"),
            "tasks-dispatch-and-envelope",
            Set.of(
                    "tasks-server-directed-creation-no-hint",
                    "sep-2663-legacy-task-param-ignored",
                    "tasks-immediate-result-shortcut",
                    "tasks-result-type-complete-on-non-task-responses",
                    "sep-2663-durable-create-strong-consistency"),
            "tasks-request-headers",
            Set.of(
                    "tasks-headers-tolerate-mcp-method-on-tools-call",
                    "sep-2663-routing-headers-accepted-on-tasks-get",
                    "sep-2663-server-rejects-mismatched-mcp-name-on-tasks-get"),
            // The suite subscribes to its own fixture resource (test://watched-resource); this server serves and
            // accepts
            // subscriptions only for kling://jobs/{job_id} and refuses any other URI with -32602 by design.
            "resources-subscribe",
            Set.of("resources-subscribe"),
            "resources-unsubscribe",
            Set.of("resources-unsubscribe"));

    @RegisterExtension
    static final ServedOverHttp served = new ServedOverHttp("conformance-http", 60);

    private Path out;

    static Stream<String[]> scenarios() {
        List<String[]> all = new ArrayList<>();
        for (String s : List.of(
                "server-stateless",
                "caching",
                "http-header-validation",
                "sep-2164-resource-not-found",
                "tools-list",
                "dns-rebinding-protection",
                "resources-list",
                "prompts-list",
                "completion-complete")) {
            all.add(new String[] {s, "2026-07-28"});
        }
        for (String s :
                List.of("tasks-capability-negotiation", "tasks-dispatch-and-envelope", "tasks-request-headers")) {
            all.add(new String[] {s, EXTENSION});
        }
        for (String s : List.of(
                "server-initialize",
                "server-session-lifecycle",
                "logging-set-level",
                "ping",
                "tools-list",
                "resources-list",
                "resources-subscribe",
                "resources-unsubscribe",
                "prompts-list",
                "server-sse-multiple-streams",
                "dns-rebinding-protection")) {
            all.add(new String[] {s, "2025-11-25"});
        }
        return all.stream();
    }

    @BeforeAll
    void start() throws IOException {
        out = Files.createDirectories(served.fixture().root.resolve("conformance"));
        Files.deleteIfExists(SUMMARY);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("scenarios")
    void scenarioPasses(String scenario, String spec) {
        Path dir = out.resolve(scenario + "-" + spec);
        List<String> args =
                new ArrayList<>(List.of("server", "--url", served.url(), "--scenario", scenario, "-o", dir.toString()));
        if (!EXTENSION.equals(spec)) {
            args.addAll(List.of("--spec-version", spec));
        }
        ScriptRun.Result run = ScriptRun.node().run(Duration.ofMinutes(2), CLI, args);
        JsonNode checks = checks(dir, run);

        List<String> passed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        Set<String> allowed = NEEDS_SUITE_FIXTURES.getOrDefault(scenario, Set.of());
        for (JsonNode check : checks) {
            String id = check.path("id").asText();
            String status = check.path("status").asText();
            if ("SUCCESS".equals(status)) {
                passed.add(id);
            } else if ("FAILURE".equals(status) || "WARNING".equals(status)) {
                failed.add(id);
                if (!allowed.contains(id)) {
                    unexpected.add(id + " [" + status + "]: "
                            + check.path("errorMessage").asText());
                }
            }
        }
        summary(scenario + " (" + spec + "): " + passed.size() + "/" + (passed.size() + failed.size()) + " checks pass"
                + (failed.isEmpty() ? "" : "; needs the suite's own fixtures: " + failed));
        assertThat(passed).as("%s passes at least one check", scenario).isNotEmpty();
        assertThat(unexpected)
                .as("%s checks failing\nstdout: %s", scenario, run.stdout())
                .isEmpty();
    }

    private static JsonNode checks(Path dir, ScriptRun.Result run) {
        try (Stream<Path> files = Files.walk(dir)) {
            Path file = files.filter(f -> f.getFileName().toString().equals("checks.json"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the suite wrote no checks.json (exit " + run.exitCode()
                            + ")\nstdout: " + run.stdout() + "\nstderr: " + run.stderr()));
            return ModernFixture.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("no results under " + dir + ": " + e + "\nstderr: " + run.stderr());
        }
    }

    private static void summary(String line) {
        try {
            Files.createDirectories(SUMMARY.getParent());
            Files.writeString(SUMMARY, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
