package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import java.time.Instant;
import java.util.SplittableRandom;
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
}
