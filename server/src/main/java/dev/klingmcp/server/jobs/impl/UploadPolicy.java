package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.server.jobs.JobException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code upload} may send, checked before any network call: the file must be a regular file under one of the
 * configured roots (after resolving symlinks, so a link can't point outside), and an image or video within fal's input
 * limits (images ≤ 10 MiB, videos ≤ 200 MiB, as the endpoints' documents declare for their URL fields).
 */
final class UploadPolicy {

    static final long MAX_IMAGE_BYTES = 10L * 1024 * 1024;
    static final long MAX_VIDEO_BYTES = 200L * 1024 * 1024;
    private static final Map<String, String> TYPES = Map.of(
            "png",
            "image/png",
            "jpg",
            "image/jpeg",
            "jpeg",
            "image/jpeg",
            "webp",
            "image/webp",
            "gif",
            "image/gif",
            "mp4",
            "video/mp4",
            "mov",
            "video/quicktime",
            "webm",
            "video/webm",
            "m4v",
            "video/x-m4v");

    /** A file that passed the checks. */
    record Accepted(Path path, String fileName, String contentType, long size) {}

    private final List<Path> roots;
    private final Long maxBytes;

    /** {@code maxBytes}: the largest file sent, whatever its type; null = fal's limits per type. */
    UploadPolicy(List<Path> roots, Long maxBytes) {
        this.maxBytes = maxBytes;
        List<Path> real = new ArrayList<>();
        for (Path r : roots) {
            try {
                real.add(r.toRealPath());
            } catch (IOException missing) {
                real.add(r.toAbsolutePath().normalize()); // a root that does not exist yet simply matches nothing
            }
        }
        this.roots = List.copyOf(real);
    }

    Accepted check(Path requested) {
        if (roots.isEmpty()) {
            throw refuse(
                    "upload reads no local file: no upload roots are configured (and over HTTP a client's local "
                            + "paths mean nothing to the server)",
                    "folders named in upload.roots, comma-separated: KLING_MCP_UPLOAD_ROOTS=/path/a,/path/b in the "
                            + "server's environment (an MCP client's \"env\"), or --set upload.roots=/path/a,/path/b; "
                            + "else a public https URL in the image/video fields instead");
        }
        Path candidate = requested.isAbsolute() ? requested : roots.get(0).resolve(requested);
        String allowedRoots = "a file under "
                + String.join(" or ", roots.stream().map(Path::toString).toList());
        // Missing and outside the roots get the same answer, naming only what the caller sent: a different one would
        // let a caller probe which files exist anywhere on this machine.
        JobException unavailable = refuse(
                "no readable image or video at " + shown(requested) + " inside the folders uploads may read from",
                allowedRoots + " (configure upload.roots / KLING_MCP_UPLOAD_ROOTS to allow more)");
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException | SecurityException e) {
            throw unavailable;
        }
        if (roots.stream().noneMatch(real::startsWith) || !Files.isRegularFile(real)) {
            throw unavailable;
        }
        if (linkCount(real) > 1) {
            // A hard link has no "real path" to check: its other names may lie outside the roots (a link to
            // /etc/shadow made inside a root). Only files with a single name are known to belong to the roots.
            throw refuse(
                    shown(requested) + " has more than one hard link, so it may be a file from outside the folders"
                            + " uploads may read from",
                    "a file with a single name (copy it instead of linking it)");
        }
        String name = real.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw refuse(
                    name + " is not an image or video these models take",
                    "extensions "
                            + String.join(", ", TYPES.keySet().stream().sorted().toList()));
        }
        long size;
        try {
            size = Files.size(real);
        } catch (IOException e) {
            throw JobException.localIo("cannot read " + real + ": " + e.getMessage(), e);
        }
        boolean image = type.startsWith("image/");
        long max = maxBytes != null ? maxBytes : image ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
        if (size > max) {
            throw refuse(
                    maxBytes != null
                            ? name + " is " + mib(size) + "; this server sends files up to " + mib(max)
                                    + " (upload.max-bytes)"
                            : name + " is " + mib(size) + "; fal accepts " + (image ? "images" : "videos") + " up to "
                                    + mib(max),
                    maxBytes != null ? "files ≤ " + mib(max) : image ? "images ≤ 10 MiB" : "videos ≤ 200 MiB");
        }
        if (size == 0) {
            throw refuse(name + " is empty", "a non-empty image or video");
        }
        return new Accepted(real, name, type, size);
    }

    /** Number of hard links (names) of a file; 1 where the file system cannot tell. */
    private static int linkCount(Path real) {
        try {
            return ((Number) Files.getAttribute(real, "unix:nlink")).intValue();
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 1;
        }
    }

    private static String shown(Path p) {
        String text = p.toString();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    private static JobException refuse(String problem, String allowed) {
        return JobException.invalidInput("/path", problem, allowed);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
