package dev.klingmcp.mock.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartAssemblyTest {

    @TempDir
    Path dir;

    private final Map<Integer, PartReceipt> stored = new HashMap<>();
    private PartAssembly assembly;

    @BeforeEach
    void create() {
        assembly = new PartAssembly(dir.resolve("joined"));
    }

    @Test
    void partsArrivingOutOfOrderAreJoinedInNumberOrder() throws IOException {
        arrive(3, "three");
        assertThat(dir.resolve("joined")).doesNotExist(); // part 1 is not there yet: nothing to join
        arrive(1, "one-");
        assertThat(dir.resolve("joined")).hasContent("one-");
        arrive(2, "two-"); // joins 2 and the waiting 3

        assertThat(join(1, 2, 3)).hasContent("one-two-three");
    }

    @Test
    void aPartSentAgainAfterItWasJoinedIsTakenFromItsNewCopy() throws IOException {
        arrive(1, "one-");
        arrive(2, "old-");
        arrive(3, "three");
        arrive(2, "new-"); // a retry of the same number: a new receipt, joined on top of nothing

        assertThat(join(1, 2, 3)).hasContent("one-new-three");
    }

    @Test
    void aPartSentAgainWithTheSameBytesStillGivesTheRightFile() throws IOException {
        arrive(1, "one-");
        arrive(2, "two-");
        arrive(2, "two-");

        assertThat(join(1, 2)).hasContent("one-two-");
    }

    @Test
    void onlyTheListedPartsAreJoined_evenIfMoreArrived() throws IOException {
        arrive(1, "one-");
        arrive(2, "two-");
        arrive(3, "three");

        assertThat(join(1, 3)).hasContent("one-three");
    }

    @Test
    void aListShorterThanTheJoinedPartsCutsTheFile() throws IOException {
        arrive(1, "one-");
        arrive(2, "two-");
        arrive(3, "three");

        assertThat(join(1, 2)).hasContent("one-two-");
    }

    @Test
    void afterAResetEveryPartIsCopiedAtCompletion() throws IOException {
        arrive(1, "one-");
        arrive(2, "two-");
        assembly.reset();

        assertThat(join(1, 2)).hasContent("one-two-");
    }

    /** As the storage does: the part's file is replaced first, then its receipt, then the assembly advances. */
    private void arrive(int number, String bytes) throws IOException {
        byte[] data = bytes.getBytes(StandardCharsets.UTF_8);
        Files.write(part(number), data);
        stored.put(number, new PartReceipt(number, "etag-" + bytes, data.length));
        assembly.advance(stored, this::part);
    }

    private Path join(int... numbers) throws IOException {
        List<PartReceipt> listed = java.util.Arrays.stream(numbers)
                .mapToObj(n -> new PartReceipt(n, stored.get(n).etag(), 0))
                .toList();
        return assembly.join(listed, stored, this::part);
    }

    private Path part(int number) {
        return dir.resolve("part-" + number);
    }
}
