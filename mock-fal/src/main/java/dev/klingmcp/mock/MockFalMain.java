package dev.klingmcp.mock;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultPlanJson;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.mock.scenario.Scenario;
import dev.klingmcp.mock.scenario.ScenarioJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    /** The CLI's one difference from the library's defaults: a fixed, documented port instead of a free one. */
    static final int DEFAULT_PORT = 8790;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Most options bind straight onto this instance (see the {@code @Option}s on its setters). */
    @Mixin
    final MockFalOptions options = new MockFalOptions().setPort(DEFAULT_PORT);

    @Option(names = "--api-key", description = "Accepted key (repeatable). None: any non-empty key is accepted.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--fault", description = "Fault spec, e.g. status=503x2,submit=429@0.1,job=stuck (repeatable).")
    List<String> faultSpecs = new ArrayList<>();

    @Option(names = "--faults-file", description = "Fault plan as JSON (same format as PUT /_mock/faults).")
    Path faultsFile;

    @Option(
            names = "--scenario",
            description = "Scenario JSON (clock + fault plan, schema: GET /_mock/scenario/schema); --fault and"
                    + " --faults-file add to its plan, --manual-clock and --speed override its clock.")
    Path scenarioFile;

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

    /**
     * The options the parsed command line asks for: the bound options, then the scenario's clock unless
     * {@code --manual-clock} or {@code --speed} was given, and its fault plan with the explicit faults on top. Safe to
     * call more than once.
     */
    MockFalOptions toOptions() throws IOException {
        FaultPlan faults = new FaultPlan();
        if (scenarioFile != null) {
            Scenario scenario = ScenarioJson.read(scenarioFile);
            if (scenario.faults() != null) {
                faults.merge(scenario.faults());
            }
            if (scenario.clock() != null && !given("--manual-clock") && !given("--speed")) {
                options.setManualClock(scenario.clock().manual());
                if (!scenario.clock().manual()) {
                    options.setSpeed(scenario.clock().speed());
                }
            }
        }
        if (faultsFile != null) {
            faults.merge(FaultPlanJson.fromJson(FalJson.MAPPER.readTree(Files.readAllBytes(faultsFile))));
        }
        for (String faultSpec : faultSpecs) {
            faults.merge(FaultPlan.parse(faultSpec));
        }
        apiKeys.forEach(options::addApiKey);
        return options.setFaults(faults).setLogRequests(!quiet);
    }

    private boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** A command line bound to a fresh {@link MockFalMain}, showing each option's default as the options object has it. */
    static CommandLine commandLine(MockFalMain main) {
        CommandLine cli = new CommandLine(main);
        cli.setDefaultValueProvider(new GetterDefaults(main.options));
        return cli;
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine(new MockFalMain());
        // The platform charset on purpose: stderr is read on this machine's terminal.
        cli.setErr(new java.io.PrintWriter(
                new java.io.OutputStreamWriter(System.err, java.nio.charset.Charset.defaultCharset()), true));
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
