package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StateChange;
import dev.klingmcp.server.jobs.VideoFile;
import dev.klingmcp.server.preview.FramePreviewer;
import dev.klingmcp.server.preview.FramePreviewers;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.ResourceLink;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code result}: the finished video as fal's {@code File} plus a {@code resource_link}; with {@code download} the MP4 is
 * saved on this machine (path + sha256); with {@code preview} a small PNG of the first frame is added as image content
 * for the person in the chat. Never inlines video bytes: clients reject big results.
 */
public final class ResultTool extends AbstractTool {

    public static final String NAME = "result";

    private final Previews previews;

    public ResultTool(ToolContext ctx) {
        this(ctx, FramePreviewers::installed);
    }

    /** @param previewer the first-frame previewer when one is installed (it lives in its own jar) */
    public ResultTool(ToolContext ctx, Supplier<Optional<FramePreviewer>> previewer) {
        super(
                ctx,
                NAME,
                "Job result (video)",
                "Free. The video of a SUCCEEDED job: {url, content_type, file_name, file_size} and a resource_link. "
                        + "fal keeps result URLs only for a limited time, so pass download: true to save the MP4 under the "
                        + "server's output folder; you get the local path and its sha256 (a second call reuses the saved file); "
                        + "video_url_fetched_at says when the URL came from fal. Pass preview: true to also show the person "
                        + "a small PNG of the first frame (this saves the MP4 too). "
                        + "A job that failed returns isError with fal's error detail; a job not finished yet says so with its "
                        + "status (then call status with wait_seconds: 50).",
                ToolSchemas.input(
                        ToolJson.object()
                                .<ObjectNode>set("job_id", ToolSchemas.jobId())
                                .<ObjectNode>set(
                                        "download",
                                        ToolSchemas.bool("Also save the MP4 locally and return its path and sha256."))
                                .set(
                                        "preview",
                                        ToolSchemas.bool("Also return a PNG of the first frame (at most "
                                                + Previews.MAX_SIDE + " px a side) for the person to see; "
                                                + "saves the MP4 like download.")),
                        "job_id"),
                ToolHints.remote().idempotent());
        this.previews = new Previews(previewer);
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        boolean preview = call.flag("preview");
        // The frame is decoded from the local copy, so a preview saves the MP4 as download does.
        return render(ctx.jobs().result(call.jobId(), call.flag("download") || preview), preview);
    }

    private CallToolResult render(ResultView r, boolean preview) {
        JobView job = r.job();
        ObjectNode out = ToolJson.object();
        out.put("job_id", job.jobId());
        out.put("outcome", r.outcome().name());
        out.put("status", job.state().name());
        out.set("estimate", job.estimate() == null ? out.nullNode() : JobJson.estimate(job.estimate()));
        out.set("job", JobJson.job(job));
        switch (r.outcome()) {
            case READY -> {
                return ready(r, out, preview);
            }
            case FAILED -> {
                ObjectNode error = ToolResults.errorNode(
                        ToolResults.Code.job_failed,
                        r.error() == null || r.error().message() == null
                                ? "the job failed on fal"
                                : r.error().message());
                if (r.error() != null) {
                    ObjectNode detail = JobJson.error(r.error());
                    error.set("error_type", detail.get("error_type"));
                    if (detail.has("http_status")) {
                        error.set("http_status", detail.get("http_status"));
                    }
                    if (detail.has("detail")) {
                        error.set("detail", detail.get("detail"));
                    }
                }
                out.set("error", error);
                out.put("next_step", NextStep.forJob(job));
                return ctx.results()
                        .error(
                                out,
                                "Job " + job.jobId() + " failed: "
                                        + error.get("message").asText() + "\nNext: " + NextStep.forJob(job));
            }
            default -> {
                out.put("next_step", NextStep.forJob(job));
                String text =
                        switch (r.outcome()) {
                            case NOT_FINISHED -> "Not finished yet: " + ProgressReporter.message(job) + ".";
                            case CANCELLED -> "Job " + job.jobId() + " was cancelled; there is no video.";
                            default -> "Job " + job.jobId() + " is UNKNOWN; there is nothing to fetch.";
                        };
                return ctx.results().ok(out, text + "\nNext: " + NextStep.forJob(job));
            }
        }
    }

    private CallToolResult ready(ResultView r, ObjectNode out, boolean preview) {
        VideoFile video = r.video() != null ? r.video() : r.job().video();
        List<Content> links = new ArrayList<>();
        StringBuilder text = new StringBuilder("Video ready");
        Instant fetched = urlFetchedAt(r.job());
        if (fetched != null) {
            out.put("video_url_fetched_at", fetched.toString());
        }
        if (video != null) {
            out.set("video", JobJson.video(video));
            links.add(ResourceLink.builder()
                    .uri(video.url())
                    .name(video.fileName() == null ? "output.mp4" : video.fileName())
                    .description("Kling O3 video of job " + r.job().jobId() + " (fal URL; expires)")
                    .mimeType(video.contentType() == null ? "video/mp4" : video.contentType())
                    .size(video.fileSize())
                    .build());
            text.append(": ").append(video.url());
            if (fetched != null) {
                text.append("\n(URL from fal at ").append(fetched).append("; fal's media URLs expire");
                text.append(r.download() == null ? ": keep a local copy with download: true)" : ")");
            }
        }
        if (r.download() != null) {
            ResultView.Download d = r.download();
            out.set(
                    "download",
                    ToolJson.object()
                            .put("path", d.path())
                            .put("size", d.size())
                            .put("sha256", d.sha256())
                            .put("reused", d.reused()));
            links.add(ResourceLink.builder()
                    .uri(Path.of(d.path()).toUri().toString())
                    .name(Path.of(d.path()).getFileName().toString())
                    .description("Saved copy on the server's machine, sha256 " + d.sha256())
                    .mimeType("video/mp4")
                    .size(d.size())
                    .build());
            text.append("\nSaved to ")
                    .append(d.path())
                    .append(" (")
                    .append(d.size())
                    .append(" bytes, sha256 ")
                    .append(d.sha256())
                    .append(')');
        }
        if (r.download() != null && r.download().reused()) {
            text.append("\nThis local copy is the one to use: fal's URL may have expired since.");
        }
        if (preview && r.download() != null) {
            Previews.Shown shown = previews.of(Path.of(r.download().path()));
            out.set("preview", shown.json());
            text.append('\n').append(shown.summary());
            if (shown.image() != null) {
                links.add(shown.image());
            }
        }
        String next = r.download() == null
                ? "Show the user the URL, or call result again with download: true to keep a local copy (fal URLs expire)."
                : "Done. Give the user the local path.";
        out.put("next_step", next);
        return ctx.results().ok(out, text.append("\nNext: ").append(next).toString(), links.toArray(Content[]::new));
    }

    /** When the URL was received from fal: the result is stored in the same ledger update that marks the job done. */
    static Instant urlFetchedAt(JobView job) {
        for (StateChange change : job.history()) {
            if (change.state() == JobState.SUCCEEDED) {
                return change.at();
            }
        }
        return null;
    }
}
