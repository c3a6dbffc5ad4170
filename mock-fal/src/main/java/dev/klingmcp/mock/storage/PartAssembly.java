package dev.klingmcp.mock.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A multipart upload's parts joined in number order while the upload is still going: each time the next part in line
 * has arrived it is appended ({@code FileChannel.transferTo}, a copy inside the kernel), so {@code complete} only has
 * to append what is left instead of copying the whole file while the client waits. An object store does not make its
 * client wait for a join of everything at the end either.
 *
 * <p>The assembly is only a head start: {@link #join} uses it as far as it matches the parts listed at completion (same
 * numbers from 1, the very receipts stored now) and copies the rest, so a part replaced by a retry after it was appended, or a list
 * that skips a number, still gives exactly the listed bytes. Not thread-safe: the caller holds the upload's lock.
 */
final class PartAssembly {

    private final Path file;
    private final List<PartReceipt> appended = new ArrayList<>();
    private long size;

    PartAssembly(Path file) {
        this.file = file;
    }

    /**
     * Appends every part that is next in line and has arrived. {@code parts} are the stored receipts by number; a
     * receipt is read before its file is opened, and a part file is only ever replaced by a newer copy, so an appended
     * part whose receipt changed later is caught by {@link #join}.
     */
    void advance(Map<Integer, PartReceipt> parts, IntFunction<Path> partFile) throws IOException {
        PartReceipt next = parts.get(appended.size() + 1);
        if (next == null) {
            return;
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            while (next != null) {
                size += copy(partFile.apply(next.partNumber()), out, size);
                appended.add(next);
                next = parts.get(appended.size() + 1);
            }
        }
    }

    /**
     * The joined file of the listed parts, in order: the assembly up to the first listed part it does not hold as
     * listed, the remaining parts appended to it.
     */
    // The same receipt object, not an equal one: a part sent again gets a new receipt, even with the same bytes, and
    // the
    // file appended under the old one may already have been the new copy.
    @SuppressWarnings("ReferenceEquality")
    Path join(List<PartReceipt> listed, Map<Integer, PartReceipt> stored, IntFunction<Path> partFile)
            throws IOException {
        int kept = 0;
        long keptSize = 0;
        while (kept < listed.size() && kept < appended.size()) {
            PartReceipt mine = appended.get(kept);
            PartReceipt wanted = listed.get(kept);
            if (wanted.partNumber() != kept + 1 || mine != stored.get(wanted.partNumber())) {
                break;
            }
            keptSize += mine.size();
            kept++;
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            out.truncate(keptSize);
            long at = keptSize;
            for (PartReceipt part : listed.subList(kept, listed.size())) {
                at += copy(partFile.apply(part.partNumber()), out, at);
            }
        }
        appended.subList(kept, appended.size()).clear();
        size = keptSize;
        return file;
    }

    /** Forgets the head start (after an error): {@link #join} then copies every part. */
    void reset() throws IOException {
        appended.clear();
        size = 0;
        Files.deleteIfExists(file);
    }

    private static long copy(Path part, FileChannel out, long at) throws IOException {
        try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
            long length = in.size();
            for (long done = 0; done < length; ) {
                done += in.transferTo(done, length - done, out.position(at + done));
            }
            return length;
        }
    }
}
