package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.preview.FramePreviewer;
import dev.klingmcp.server.preview.FramePreviewers;
import dev.klingmcp.server.preview.PreviewUnavailableException;
import io.modelcontextprotocol.spec.McpSchema.Annotations;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The first-frame preview of a saved video, for {@code result}: a PNG as MCP image content for the person, or a note
 * saying why there is none (no decoder installed, a codec it cannot read, decoding too slow). A preview never fails the
 * call: the video is what was asked for, the picture is a courtesy.
 */
final class Previews {

    /** The picture fits in this many pixels a side: small in a chat and a few tens of kilobytes. */
    static final int MAX_SIDE = 320;

    /** Decoding one frame takes well under a second; the bound keeps result inside the tool-call deadline. */
    private static final long TIMEOUT_SECONDS = 10;

    private static final ExecutorService DECODERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kling-mcp-preview");
        t.setDaemon(true);
        return t;
    });

    private final Supplier<Optional<FramePreviewer>> previewer;

    Previews(Supplier<Optional<FramePreviewer>> previewer) {
        this.previewer = previewer;
    }

    /**
     * The preview's structured form, one line for the text, and the image (null when skipped).
     *
     * @param json    {@code {skipped: false, mime_type, width, height, video_width, video_height, codec, decoder,
     *                bytes}} or
     *                {@code {skipped: true, reason}}
     */
    record Shown(ObjectNode json, String summary, ImageContent image) {}

    Shown of(Path video) {
        Optional<FramePreviewer> found;
        try {
            found = previewer.get();
        } catch (RuntimeException e) {
            return skipped("the preview decoder could not be loaded: " + e.getMessage());
        }
        if (found.isEmpty()) {
            return skipped("no preview decoder is installed (" + FramePreviewers.JAR + " was not found in "
                    + FramePreviewers.places() + "; the distribution's lib/ holds it)");
        }
        FramePreviewer decoder = found.get();
        Future<FramePreviewer.Frame> work = DECODERS.submit(() -> decoder.firstFrame(video, MAX_SIDE));
        try {
            FramePreviewer.Frame frame = work.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ObjectNode json = ToolJson.object()
                    .put("skipped", false)
                    .put("mime_type", "image/png")
                    .put("width", frame.width())
                    .put("height", frame.height())
                    .put("video_width", frame.videoWidth())
                    .put("video_height", frame.videoHeight())
                    .put("codec", frame.codec())
                    .put("decoder", decoder.decoder())
                    .put("bytes", frame.png().length);
            ImageContent image = ImageContent.builder(Base64.getEncoder().encodeToString(frame.png()), "image/png")
                    .annotations(Annotations.builder()
                            .audience(List.of(Role.USER))
                            .priority(0.8)
                            .build())
                    .build();
            return new Shown(
                    json,
                    "Preview: first frame, " + frame.width() + "x" + frame.height() + " PNG (video "
                            + frame.videoWidth() + "x" + frame.videoHeight() + ").",
                    image);
        } catch (TimeoutException e) {
            work.cancel(true);
            return skipped("decoding the first frame took longer than " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PreviewUnavailableException || cause instanceof IOException) {
                return skipped(cause.getMessage());
            }
            return skipped("the preview decoder failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return skipped("interrupted while decoding the first frame");
        }
    }

    private static Shown skipped(String reason) {
        return new Shown(
                ToolJson.object().put("skipped", true).put("reason", reason), "No preview: " + reason + ".", null);
    }
}
