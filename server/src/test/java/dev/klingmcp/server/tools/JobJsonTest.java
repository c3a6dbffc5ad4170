package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.VideoFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class JobJsonTest {

    @Test
    void isoIsInstantToStringAtTheEdges() {
        for (Instant i : new Instant[] {
            Instant.EPOCH,
            Instant.ofEpochMilli(-1),
            Instant.ofEpochMilli(1),
            Instant.ofEpochMilli(100),
            Instant.ofEpochMilli(1_790_000_000_000L),
            Instant.parse("2024-02-29T23:59:59.999Z"),
            Instant.parse("2000-02-29T00:00:00Z"),
            Instant.parse("1900-03-01T12:00:00.010Z"),
            Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999Z"),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("-0001-12-31T23:59:59Z"),
            Instant.ofEpochSecond(5, 1),
            Instant.ofEpochSecond(5, 1_000),
            Instant.MIN,
            Instant.MAX
        }) {
            assertThat(JobJson.iso(i)).as(i.toString()).isEqualTo(i.toString());
        }
    }

    @Test
    void isoIsInstantToStringForAnyMillisecond() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int n = 0; n < 200_000; n++) {
            Instant i = Instant.ofEpochMilli(random.nextLong(min, max + 1));
            assertThat(JobJson.iso(i)).isEqualTo(i.toString());
        }
        long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (long ms = now - 100_000; ms < now + 100_000; ms += 7) {
            Instant i = Instant.ofEpochMilli(ms);
            assertThat(JobJson.iso(i)).isEqualTo(i.toString());
        }
    }

    @Test
    void everySpellingOfAModelFindsTheSameEndpointAndItsShortName() {
        FalEndpoints registry = FalEndpoints.load();
        for (FalEndpoint e : registry.all()) {
            // The short name is everything after the app id (owner/app/).
            assertThat(e.shortName()).isEqualTo(e.id().substring(e.appId().length() + 1));
            // Exact spellings (the map) and spellings that need normalising find the same endpoint.
            for (String name : new String[] {e.id(), e.shortName(), "/" + e.id().toUpperCase() + "/"}) {
                assertThat(registry.find(name).map(FalEndpoint::shortName))
                        .as(name)
                        .contains(e.shortName());
            }
            assertThat(registry.find("x" + e.id())).isEmpty();
        }
        assertThat(registry.find(null)).isEmpty();
    }

    /**
     * A tool result's job: the same structured content as the full job's, and (when its estimate is complete, as the
     * price table makes them) already without null fields, so the result sends it without a copy.
     */
    @Test
    void aJobWithoutNullsIsTheFullJobWithItsNullFieldsLeftOut() {
        ToolResults results = new ToolResults(UnaryOperator.identity());
        SplittableRandom random = new SplittableRandom(7);
        int withNulls = 0;
        int complete = 0;
        for (int n = 0; n < 3_000; n++) {
            JobView j = randomJob(random);
            ObjectNode full = JobJson.job(j);
            if (full.toString().contains("null")) {
                withNulls++;
            }
            ObjectNode lean = JobJson.jobWithoutNulls(j);
            assertThat(results.ok(ToolJson.object().set("job", lean), "s")
                            .structuredContent()
                            .toString())
                    .isEqualTo(results.ok(ToolJson.object().set("job", full), "s")
                            .structuredContent()
                            .toString());
            if (j.estimate() == null
                    || (j.estimate().basis() != null && j.estimate().priceSource() != null)) {
                complete++;
                assertThat(lean.toString())
                        .isEqualTo(ToolResults.withoutNulls(full.deepCopy()).toString());
            }
        }
        assertThat(withNulls).as("the cases do have null fields").isGreaterThan(2_000);
        assertThat(complete).isGreaterThan(1_500);
    }

    private static JobView randomJob(SplittableRandom r) {
        List<LogLine> logs = new ArrayList<>();
        for (int k = r.nextInt(14); k > 0; k--) {
            logs.add(new LogLine(maybe(r, "line " + k), maybe(r, "INFO"), maybe(r, "user"), maybe(r, "2026-01-01")));
        }
        JobState[] states = JobState.values();
        return new JobView(
                maybe(r, "job-" + r.nextInt(1000)),
                maybe(r, "local"),
                maybe(r, "req"),
                r.nextBoolean() ? "fal-ai/kling-video/o3/standard/reference-to-video" : maybe(r, "other/model"),
                r.nextInt(8) == 0 ? null : states[r.nextInt(states.length)],
                maybe(r, "IN_QUEUE"),
                r.nextBoolean() ? null : r.nextInt(5),
                r.nextInt(6) == 0 ? null : logs,
                null,
                r.nextBoolean()
                        ? null
                        : new CostEstimate(
                                1.25,
                                5,
                                r.nextBoolean(),
                                0.25,
                                r.nextInt(4) == 0 ? null : "basis",
                                r.nextInt(4) == 0 ? null : "page"),
                r.nextBoolean() ? null : Instant.ofEpochMilli(r.nextLong(1L << 42)),
                r.nextBoolean() ? null : Instant.ofEpochMilli(r.nextLong(1L << 42)),
                r.nextBoolean() ? null : Duration.ofMillis(r.nextInt(1_000_000)),
                r.nextBoolean() ? null : Duration.ofMillis(r.nextInt(1_000_000)),
                List.of(),
                r.nextBoolean()
                        ? null
                        : new VideoFile(
                                maybe(r, "https://v/x.mp4"),
                                maybe(r, "video/mp4"),
                                maybe(r, "x.mp4"),
                                r.nextBoolean() ? null : 123L),
                maybe(r, "/tmp/x.mp4"),
                maybe(r, "abc"),
                r.nextBoolean()
                        ? null
                        : new JobError(
                                maybe(r, "boom"),
                                maybe(r, "fal"),
                                r.nextInt(3) * 250,
                                r.nextBoolean() ? null : ToolJson.object().putNull("kept")),
                r.nextBoolean() ? null : r.nextDouble() * 100,
                maybe(r, "https://hook"));
    }

    private static String maybe(SplittableRandom r, String value) {
        return r.nextBoolean() ? value : null;
    }
}
