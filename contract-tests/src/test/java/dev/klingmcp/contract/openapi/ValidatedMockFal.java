package dev.klingmcp.contract.openapi;

import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded mock-fal on 127.0.0.1:0 behind a {@link RecordingProxy}, for one test class:
 * {@code @RegisterExtension static final ValidatedMockFal fal = ValidatedMockFal.fast();}. Clients use
 * {@link #baseUrl()} (the proxy). After the class, every response the mock gave is checked against the OpenAPI
 * documents ({@link OpenApiResponseValidator}) or, for routes that are not fal's API, {@link UndocumentedSurfaces};
 * one bad or unmatched response fails the class. A summary goes to {@code target/contract-responses/<class>.txt}.
 */
public final class ValidatedMockFal implements BeforeAllCallback, AfterAllCallback {

    /** ×1000: a 5 s Pro clip (318 s real) takes a third of a second. */
    public static final double FAST_SPEED = 1000;

    private static final OpenApiResponseValidator VALIDATOR = OpenApiResponseValidator.forAllDocuments();

    private final UnaryOperator<MockFalOptions> configure;
    private Vertx vertx;
    private MockFal mock;
    private RecordingProxy proxy;

    private ValidatedMockFal(UnaryOperator<MockFalOptions> configure) {
        this.configure = configure;
    }

    /** Scaled clock at {@link #FAST_SPEED}, SSE pings every 50 ms so streams carry comments too. */
    public static ValidatedMockFal fast() {
        return with(options -> options.setSpeed(FAST_SPEED));
    }

    /** Time stands still until {@link MockControl#advanceClock}: jobs stay IN_QUEUE for as long as a test needs. */
    public static ValidatedMockFal manualClock() {
        return with(options -> options.setManualClock(true));
    }

    /** Test defaults (quiet, fast pings, the suite's shared storage) plus {@code configure}. */
    public static ValidatedMockFal with(UnaryOperator<MockFalOptions> configure) {
        return new ValidatedMockFal(options -> configure.apply(options.setLogRequests(false)
                .setSsePingInterval(Duration.ofMillis(50))
                .setStorageDir(SharedStorage.DIRECTORY)));
    }

    /**
     * One storage directory for every mock of the test JVM: the mock keeps its generated MP4s there per (duration,
     * aspect), so each clip is encoded once per suite instead of once per test class. Deleted when the JVM exits.
     */
    private static final class SharedStorage {
        static final Path DIRECTORY = create();

        private static Path create() {
            try {
                Path directory = Files.createTempDirectory("contract-mock-fal-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
                return directory;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void deleteTree(Path directory) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                // best effort at exit: a leftover temp directory is harmless
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        verifyAndClose(context.getRequiredTestClass().getSimpleName());
    }

    /** Starts mock and proxy; for suites that own their lifecycle instead of registering the extension. */
    public ValidatedMockFal start() {
        vertx = Vertx.vertx();
        mock = MockFal.start(configure.apply(new MockFalOptions()));
        proxy = RecordingProxy.start(vertx, mock.baseUrl());
        return this;
    }

    /**
     * Stops mock and proxy, writes {@code target/contract-responses/<reportName>.txt}, and fails with every response
     * that breaks the contract.
     */
    public void verifyAndClose(String reportName) {
        List<RecordedExchange> exchanges;
        try {
            exchanges = proxy.exchanges();
        } finally {
            close();
        }
        List<String> problems = problems(exchanges);
        writeReport(reportName, exchanges, problems);
        if (!problems.isEmpty()) {
            Map<String, Integer> distinct = new LinkedHashMap<>();
            problems.forEach(problem -> distinct.merge(problem, 1, Integer::sum));
            StringBuilder message = new StringBuilder(problems.size() + " of the mock's responses break the contract:");
            distinct.forEach((problem, count) ->
                    message.append("\n  ").append(count > 1 ? count + "x " : "").append(problem));
            throw new AssertionError(message);
        }
    }

    /** Problems of every exchange: documented routes against the documents, the rest against their surface. */
    public static List<String> problems(List<RecordedExchange> exchanges) {
        List<String> problems = new ArrayList<>();
        for (RecordedExchange exchange : exchanges) {
            problems.addAll(UndocumentedSurfaces.check(exchange).orElseGet(() -> VALIDATOR.problems(exchange)));
            // Beyond the documents (which declare it only where clients read it): the mock sends the header on
            // every queue response, error answers included, so a client can always quote the request id. Gateway
            // answers (502/503/504 from fal's ingress) are the exception: clients tell them apart by its absence.
            boolean fromIngress = exchange.status() >= 502 && exchange.status() <= 504;
            if (VALIDATOR.isEndpointRoute(exchange)
                    && !fromIngress
                    && !exchange.headers().containsKey("x-fal-request-id")) {
                problems.add(exchange.method() + " " + exchange.path() + " -> " + exchange.status()
                        + ": no x-fal-request-id header");
            }
        }
        return problems;
    }

    /** What clients must be pointed at (the recording proxy in front of the mock). */
    public String baseUrl() {
        return proxy.baseUrl();
    }

    public MockControl control() {
        return mock.control();
    }

    /** The mock itself (its own, unproxied {@code baseUrl()} bypasses the contract check: prefer {@link #baseUrl()}). */
    public MockFal mock() {
        return mock;
    }

    /** The text each still-open event stream has carried so far. */
    public List<String> liveStreams() {
        return proxy.liveStreams();
    }

    /** Responses recorded so far. */
    public List<RecordedExchange> exchanges() {
        return proxy.exchanges();
    }

    private void close() {
        try {
            proxy.close();
            mock.close();
        } finally {
            vertx.close().await();
        }
    }

    private static void writeReport(String testClass, List<RecordedExchange> exchanges, List<String> problems) {
        Map<String, Integer> counts = new TreeMap<>();
        for (RecordedExchange exchange : exchanges) {
            String surface = UndocumentedSurfaces.surfaceOf(exchange);
            String path = exchange.path().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27,}", "{request_id}");
            String key = surface.equals("documented")
                    ? exchange.method() + " " + path + " " + exchange.status()
                    : "(" + surface + ") " + exchange.method() + " " + exchange.status();
            counts.merge(key, 1, Integer::sum);
        }
        StringBuilder report = new StringBuilder(
                testClass + ": " + exchanges.size() + " responses, " + problems.size() + " problems\n");
        counts.forEach((key, count) -> report.append(String.format("%5d  %s%n", count, key)));
        problems.forEach(problem -> report.append("PROBLEM ").append(problem).append('\n'));
        try {
            Path directory = Files.createDirectories(Path.of("target", "contract-responses"));
            Files.writeString(directory.resolve(testClass + ".txt"), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
