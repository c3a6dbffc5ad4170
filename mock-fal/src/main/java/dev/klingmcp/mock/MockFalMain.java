package dev.klingmcp.mock;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultPlanJson;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.mock.scenario.Scenario;
import dev.klingmcp.mock.scenario.ScenarioJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar mock-fal.jar --port 8790 --speed 60}: runs the mock until interrupted. Everything goes to stderr
 * except picocli's own {@code --help}/{@code --version} output.
 */
@Command(
        name = "mock-fal",
        mixinStandardHelpOptions = true,
        version = "mock-fal 0.1.0",
        description = "An offline fal.ai (queue, sync run, SSE, cancel, storage, CDN, webhooks, fault injection) for "
                + "testing fal clients without network or bill.%n"
                + "Point clients at the printed base URL instead of https://queue.fal.run, https://fal.run and "
                + "https://rest.fal.ai.%nSync runs: POST /_sync/<endpoint>, or send 'X-Fal-Target-Host: fal.run'.")
public final class MockFalMain implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 8790;

    @Option(names = "--speed", description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double speed = 1.0;

    @Option(names = "--manual-clock", description = "Time moves only via POST /_mock/clock/advance.")
    boolean manualClock;

    @Option(names = "--api-key", description = "Accepted key (repeatable). None: any non-empty key is accepted.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--public", description = "Accept calls without Authorization.")
    boolean publicMode;

    @Option(names = "--strict", description = "Validate at submit (422 at once) and reject unknown fields.")
    boolean strict;

    @Option(names = "--ping", description = "SSE ping interval in seconds (default: ${DEFAULT-VALUE}).")
    double pingSeconds = 10;

    @Option(names = "--seed", description = "Seed for ids, faults and the webhook key (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--storage-dir", description = "Where uploads and videos are kept (default: a temp dir).")
    Path storageDir;

    @Option(names = "--user-id", description = "fal user id of signed webhooks (default: ${DEFAULT-VALUE}).")
    String userId = "mock-user";

    @Option(
            names = "--concurrency",
            description = "Jobs in progress at once; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--fault", description = "Fault spec, e.g. status=503x2,submit=429@0.1,job=stuck (repeatable).")
    List<String> faultSpecs = new ArrayList<>();

    @Option(names = "--faults-file", description = "Fault plan as JSON (same format as PUT /_mock/faults).")
    Path faultsFile;

    @Option(
            names = "--scenario",
            description = "Scenario JSON (clock + fault plan, schema: GET /_mock/scenario/schema); --fault and"
                    + " --faults-file add to its plan, --manual-clock and --speed override its clock.")
    Path scenarioFile;

    @Option(names = "--forget-cancelled", description = "Cancelled requests answer 404 afterwards.")
    boolean forgetCancelled;

    @Option(
            names = "--result-retention",
            description = "Seconds a completed request stays answerable (fal: 3600); " + "default: for ever.")
    Double resultRetentionSeconds;

    @Option(names = "--quiet", description = "Do not log one line per request.")
    boolean quiet;

    @Override
    public Integer call() throws IOException, InterruptedException {
        MockFalOptions options = toOptions();
        CountDownLatch stopped = new CountDownLatch(1);
        MockFal fal;
        try {
            fal = MockFal.start(options);
        } catch (IllegalStateException e) {
            // One line that names the port (e.g. it is in use), not a stack trace.
            System.err.println(e.getMessage());
            return 1;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            fal.close();
                            stopped.countDown();
                        },
                        "mock-fal-shutdown"));
        System.err.println("mock-fal ready: " + fal.baseUrl());
        stopped.await();
        return 0;
    }

    /** The options the parsed command line asks for (scenario first, then the explicit options on top). */
    MockFalOptions toOptions() throws IOException {
        FaultPlan faults = new FaultPlan();
        boolean manual = manualClock;
        double clockSpeed = speed;
        if (scenarioFile != null) {
            Scenario scenario = ScenarioJson.read(scenarioFile);
            if (scenario.faults() != null) {
                faults.merge(scenario.faults());
            }
            if (scenario.clock() != null && !manualClock && !speedGiven()) {
                manual = scenario.clock().manual();
                clockSpeed = manual ? speed : scenario.clock().speed();
            }
        }
        if (faultsFile != null) {
            faults.merge(FaultPlanJson.fromJson(FalJson.MAPPER.readTree(Files.readAllBytes(faultsFile))));
        }
        for (String spec : faultSpecs) {
            faults.merge(FaultPlan.parse(spec));
        }
        MockFalOptions options = new MockFalOptions()
                .setHost(host)
                .setPort(port)
                .setSpeed(clockSpeed)
                .setManualClock(manual)
                .setPublicMode(publicMode)
                .setStrictValidation(strict)
                .setSsePingInterval(Duration.ofMillis(Math.round(pingSeconds * 1000)))
                .setSeed(seed)
                .setStorageDir(storageDir)
                .setUserId(userId)
                .setConcurrency(concurrency)
                .setFaults(faults)
                .setForgetCancelledRequests(forgetCancelled)
                .setLogRequests(!quiet)
                .setResultRetention(
                        resultRetentionSeconds == null
                                ? null
                                : Duration.ofMillis(Math.round(resultRetentionSeconds * 1000)));
        apiKeys.forEach(options::addApiKey);
        return options;
    }

    private boolean speedGiven() {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption("--speed");
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new MockFalMain());
        cli.setErr(new java.io.PrintWriter(System.err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("mock-fal: " + e.getMessage());
            return 2;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
