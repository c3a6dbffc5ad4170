package dev.klingmcp.contract.fal;

import dev.klingmcp.contract.openapi.RecordedExchange;
import dev.klingmcp.contract.openapi.ValidatedMockFal;
import dev.klingmcp.mock.MockControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every fal-client test class needs, as one extension: a {@link ValidatedMockFal} (whose responses are all
 * checked against the OpenAPI documents after the class), a scratch directory, the sample video that stands in for
 * the "..." video URLs of fal's JS examples, and scripts pre-aimed at the mock.
 */
final class FalClientBench implements BeforeAllCallback, AfterAllCallback {

    private final ValidatedMockFal fal;
    private Path work;
    private Path video;

    private FalClientBench(ValidatedMockFal fal) {
        this.fal = fal;
    }

    /** Mock on a ×1000 clock. */
    static FalClientBench fast() {
        return new FalClientBench(ValidatedMockFal.fast());
    }

    /** Mock on a manual clock: jobs move only when the test calls {@code control().advanceClock}. */
    static FalClientBench manualClock() {
        return new FalClientBench(ValidatedMockFal.manualClock());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        work = Files.createTempDirectory("fal-client-");
        video = FalClientSupport.sampleVideo(work);
        fal.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            fal.afterAll(context);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(file -> file.toFile().delete());
            }
        }
    }

    /** A scenario script aimed at the mock (through the recording proxy). */
    NodeScript script(String name) {
        return NodeScript.of(name, fal.baseUrl());
    }

    /** A scenario script for one doc example: endpoint, input file and sample video already set. */
    NodeScript script(String name, SeedExample example) {
        return script(name)
                .arg("endpoint", example.endpoint().id())
                .arg("input", example.writeInput(work))
                .arg("video", video);
    }

    String baseUrl() {
        return fal.baseUrl();
    }

    MockControl control() {
        return fal.control();
    }

    List<RecordedExchange> exchanges() {
        return fal.exchanges();
    }

    List<String> liveStreams() {
        return fal.liveStreams();
    }

    Path work() {
        return work;
    }
}
