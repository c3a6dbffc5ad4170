package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing the ledger costs the same number of SQL statements for 2 rows as for 40: no history query per row. */
class LedgerListStatementsTest {

    @TempDir
    Path dir;

    private final AtomicInteger prepared = new AtomicInteger();

    @Test
    void listReadsEveryRowsHistoryWithAFixedNumberOfStatements() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        try (SqliteJobLedger ledger =
                SqliteJobLedger.open("jdbc:sqlite:" + dir.resolve("jobs.db"), clock, this::counting)) {
            for (int i = 0; i < 40; i++) {
                clock.advance(Duration.ofSeconds(1));
                ledger.insert(JobRecord.submitting("local-" + i, "m", "{}").estimate("{}", 1), "write before submit");
                String requestId = "req-" + i;
                ledger.update("local-" + i, b -> b.requestId(requestId).state(JobState.QUEUED), "accepted");
            }
            int forTwo = statementsFor(() -> ledger.list(new JobQuery(Set.of(), null, null, 2)));
            int forForty = statementsFor(() -> ledger.list(new JobQuery(Set.of(), null, null, 40)));
            assertThat(forForty).isEqualTo(forTwo).isLessThanOrEqualTo(2);
            JobRecord newest =
                    ledger.list(new JobQuery(Set.of(), null, null, 40)).get(0);
            assertThat(newest.localId()).isEqualTo("local-39");
            assertThat(newest.history())
                    .extracting(StateChange::state)
                    .containsExactly(JobState.SUBMITTING, JobState.QUEUED);
        }
    }

    private int statementsFor(Runnable work) {
        int before = prepared.get();
        work.run();
        return prepared.get() - before;
    }

    /** The connection with every prepareStatement/createStatement call counted. */
    private Connection counting(Connection real) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")
                            || method.getName().equals("createStatement")) {
                        prepared.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
