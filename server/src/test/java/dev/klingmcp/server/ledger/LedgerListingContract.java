package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every ledger database must do to list jobs: newest first, filtered, with totals over the whole filtered set,
 * in pages a cursor walks exactly once, with each row's history read in a fixed number of statements.
 */
interface LedgerListingContract extends LedgerUnderTest {

    @Test
    default void listsNewestFirstWithFiltersAndTotalsOverTheWholeFilteredSet() {
        insert("a", "fal-ai/kling-video/o3/pro/reference-to-video", 1.0);
        clock().advance(Duration.ofSeconds(1));
        insert("b", "fal-ai/kling-video/o3/standard/image-to-video", 0.5);
        clock().advance(Duration.ofSeconds(1));
        insert("c", "fal-ai/kling-video/o3/pro/reference-to-video", 2.0);
        ledger().update("a", b -> b.state(JobState.SUCCEEDED), "done");
        ledger().update("c", b -> b.state(JobState.RUNNING), "running");

        assertThat(ledger().list(new JobQuery(Set.of(), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("c", "b", "a");
        JobQuery pro = new JobQuery(Set.of(), "fal-ai/kling-video/o3/pro/reference-to-video", null, 1);
        assertThat(ledger().list(pro)).extracting(JobRecord::localId).containsExactly("c");
        assertThat(ledger().totals(pro)).isEqualTo(new LedgerTotals(2, 3.0, 1.0, 2.0));
        assertThat(ledger().list(new JobQuery(Set.of(JobState.SUCCEEDED, JobState.SUBMITTING), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("b", "a");
        assertThat(ledger().list(new JobQuery(Set.of(), null, Instant.parse("2026-11-21T10:00:01Z"), 10)))
                .extracting(JobRecord::localId)
                .containsExactly("c", "b");
    }

    @Test
    default void pagesWalkEveryMatchingRowExactlyOnceNewestFirstEvenWhileRowsAreAdded() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            if (i % 3 == 0) {
                clock().advance(Duration.ofSeconds(1)); // rows come in threes sharing one millisecond
            }
            boolean pro = i % 3 != 1; // two of each three: pages of 5 split such pairs
            insert("row-" + i, pro ? "m/pro" : "m/std", 1.0);
            if (pro) {
                expected.add(0, "row-" + i);
            }
        }
        JobQuery pro = new JobQuery(Set.of(), "m/pro", null, 5);
        List<String> seen = new ArrayList<>();
        LedgerPage page = ledger().page(pro);
        int matching = expected.size();
        int pages = 1;
        while (true) {
            seen.addAll(page.rows().stream().map(JobRecord::localId).toList());
            assertThat(page.totals().count()).as("totals ignore the cursor").isEqualTo(matching);
            if (page.next() == null) {
                break;
            }
            assertThat(page.rows()).hasSize(5);
            if (pages == 2) {
                clock().advance(Duration.ofSeconds(1));
                insert("newer", "m/pro", 1.0); // lands before the first page: the walk neither sees nor repeats it
                matching++;
            }
            JobCursor cursor = JobCursor.decode(page.next().encode()).orElseThrow();
            page = ledger().page(pro.startingAfter(cursor));
            pages++;
            assertThat(pages).as("a walk of %s rows ends", expected.size()).isLessThan(12);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(8); // 38 rows: 7 pages of 5, then 3
        assertThat(ledger().list(pro.startingAfter(new JobCursor(0, 0)))).isEmpty();
    }

    @Test
    default void aPageEndingExactlyAtTheLastRowHasNoNextCursor() {
        for (int i = 0; i < 4; i++) {
            insert("r" + i, "m/a", 1.0);
        }
        LedgerPage page = ledger().page(new JobQuery(Set.of(), null, null, 4));
        assertThat(page.rows()).extracting(JobRecord::localId).containsExactly("r3", "r2", "r1", "r0");
        assertThat(page.rows().get(0).history()).extracting(StateChange::state).containsExactly(JobState.SUBMITTING);
        assertThat(page.next()).isNull();
        assertThat(ledger().page(new JobQuery(Set.of(), null, null, 3)).next()).isNotNull();
    }

    @Test
    default void completesIdsByPrefixPreferringFalIdsAndTreatingLikeWildcardsLiterally() {
        insert("local-1", "m/a/x", 0);
        insert("local-2", "m/a/x", 0);
        insert("x_%y", "m/a/x", 0);
        ledger().update("local-2", b -> b.requestId("019f-req"), "accepted");
        assertThat(ledger().idsStartingWith("", 10)).containsExactlyInAnyOrder("local-1", "019f-req", "x_%y");
        assertThat(ledger().idsStartingWith("loc", 10)).containsExactly("local-1");
        assertThat(ledger().idsStartingWith("x_", 10)).containsExactly("x_%y");
        assertThat(ledger().idsStartingWith("x%", 10)).isEmpty();
    }

    @Test
    default void listReadsEveryRowsHistoryWithAFixedNumberOfStatements() {
        List<String> prepared = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JdbcJobLedger counted =
                JdbcJobLedger.open(url(), clock(), c -> LedgerUnderTest.recordingStatements(c, prepared))) {
            for (int i = 0; i < 40; i++) {
                clock().advance(Duration.ofSeconds(1));
                counted.insert(JobRecord.submitting("local-" + i, "m", "{}").estimate("{}", 1), "write before submit");
                String requestId = "req-" + i;
                counted.update("local-" + i, b -> b.requestId(requestId).state(JobState.QUEUED), "accepted");
            }
            int before = prepared.size();
            counted.list(new JobQuery(Set.of(), null, null, 2));
            int forTwo = prepared.size() - before;
            before = prepared.size();
            List<JobRecord> forty = counted.list(new JobQuery(Set.of(), null, null, 40));
            int forForty = prepared.size() - before;
            assertThat(forForty).isEqualTo(forTwo).isLessThanOrEqualTo(2);
            assertThat(forty.get(0).localId()).isEqualTo("local-39");
            assertThat(forty.get(0).history())
                    .extracting(StateChange::state)
                    .containsExactly(JobState.SUBMITTING, JobState.QUEUED);
        }
    }

    @Test
    default void rowsCreatedInTheSameMillisecondListInInsertionOrderNewestFirst() {
        for (int i = 0; i < 5; i++) {
            insert("same-" + i, "m/a/x", 0);
        }
        assertThat(ledger().list(new JobQuery(Set.of(), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("same-4", "same-3", "same-2", "same-1", "same-0");
    }
}
