package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.testing.postgres.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code list} and {@code totals} over thousands of rows, on both databases: every filter the tool offers returns exactly
 * the newest matching rows in order (rows created in the same millisecond newest-inserted first), and the totals count
 * every matching row. On SQLite, the plans are checked too: no filter sorts all matching rows.
 */
class LedgerListAtScaleTest {

    private static final int ROWS = 2_000;
    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    private static final String PRO = "fal-ai/kling-video/o3/pro/reference-to-video";
    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path dir;

    private record Row(String id, int order, String model, JobState state, Instant created, double usd) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyFilterReturnsTheNewestMatchingRowsAndExactTotals(String database) {
        String url = database.equals("sqlite")
                ? "jdbc:sqlite:" + dir.resolve("jobs.db")
                : TestPostgres.shared().newDatabase();
        MutableClock clock = new MutableClock(START);
        List<Row> rows = new ArrayList<>();
        try (JdbcJobLedger ledger = JdbcJobLedger.open(url, clock)) {
            for (int i = 0; i < ROWS; i++) {
                if (i % 3 != 0) {
                    clock.advance(Duration.ofMinutes(7)); // every third row shares its predecessor's millisecond
                }
                String model = i % 3 == 0 ? PRO : STANDARD;
                JobState state = i >= ROWS - 200
                        ? (i % 2 == 0 ? JobState.QUEUED : JobState.RUNNING)
                        : i % 20 < 16 ? JobState.SUCCEEDED : i % 20 < 19 ? JobState.FAILED : JobState.CANCELLED;
                double usd = model.equals(PRO) ? 1.12 : 0.42;
                String id = "local-" + i;
                ledger.insert(
                        JobRecord.submitting(id, model, "{\"prompt\":\"p\"}")
                                .estimate("{}", usd)
                                .state(state),
                        "seeded");
                rows.add(new Row(id, i, model, state, clock.instant(), usd));
            }
            Instant since = START.plus(Duration.ofDays(3));
            check(ledger, rows, new JobQuery(Set.of(), null, null, 20), r -> true);
            check(ledger, rows, new JobQuery(Set.of(), null, null, 200), r -> true);
            check(
                    ledger,
                    rows,
                    new JobQuery(Set.of(JobState.SUCCEEDED), null, null, 50),
                    r -> r.state() == JobState.SUCCEEDED);
            check(
                    ledger,
                    rows,
                    new JobQuery(EnumSet.of(JobState.QUEUED, JobState.RUNNING), null, null, 200),
                    r -> !r.state().isTerminal());
            check(ledger, rows, new JobQuery(Set.of(), PRO, null, 20), r -> r.model()
                    .equals(PRO));
            check(ledger, rows, new JobQuery(Set.of(), null, since, 200), r -> !r.created()
                    .isBefore(since));
            check(
                    ledger,
                    rows,
                    new JobQuery(Set.of(JobState.FAILED), STANDARD, since, 100),
                    r -> r.state() == JobState.FAILED
                            && r.model().equals(STANDARD)
                            && !r.created().isBefore(since));
        }
    }

    @Test
    void onSqliteNoFilterSortsEveryMatchingRow() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("plans.db");
        JdbcJobLedger.open(url, new MutableClock(START)).close();
        String order = " ORDER BY created_at DESC, rowid DESC LIMIT 20";
        List<String> lists = List.of(
                "SELECT * FROM jobs" + order,
                "SELECT * FROM jobs WHERE state IN ('SUCCEEDED')" + order,
                "SELECT * FROM jobs WHERE model = 'm'" + order,
                "SELECT * FROM jobs WHERE state IN ('FAILED') AND model = 'm' AND created_at >= 5" + order,
                "SELECT * FROM jobs WHERE created_at >= 5" + order);
        String totals = "SELECT COUNT(*), SUM(estimate_usd), SUM(CASE WHEN state='SUCCEEDED' THEN estimate_usd END)"
                + " FROM jobs";
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            for (String sql : lists) {
                assertThat(plan(s, sql)).as(sql).doesNotContain("TEMP B-TREE FOR ORDER BY");
            }
            for (String where : List.of("", " WHERE state IN ('SUCCEEDED')", " WHERE created_at >= 5")) {
                assertThat(plan(s, totals + where))
                        .as("totals%s read from an index alone", where)
                        .contains("COVERING INDEX");
            }
        }
    }

    private static String plan(Statement s, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString("detail")).append('\n');
            }
        }
        return out.toString();
    }

    private static void check(JdbcJobLedger ledger, List<Row> rows, JobQuery q, Predicate<Row> matches) {
        List<Row> matching = rows.stream()
                .filter(matches)
                .sorted(Comparator.comparing(Row::created)
                        .thenComparingInt(Row::order)
                        .reversed())
                .toList();
        assertThat(ledger.list(q))
                .as("%s", q)
                .extracting(JobRecord::localId)
                .containsExactlyElementsOf(
                        matching.stream().limit(q.limit()).map(Row::id).toList());
        LedgerTotals t = ledger.totals(q);
        assertThat(t.count()).as("count of %s", q).isEqualTo(matching.size());
        assertThat(t.estimatedUsd())
                .as("sum of %s", q)
                .isCloseTo(matching.stream().mapToDouble(Row::usd).sum(), org.assertj.core.data.Offset.offset(1e-6));
    }
}
