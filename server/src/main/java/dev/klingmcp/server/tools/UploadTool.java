package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.UploadView;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** {@code upload}: a local image or video to fal storage, giving a URL the model fields accept. */
public final class UploadTool extends AbstractTool {

    public static final String NAME = "upload";

    public UploadTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "Upload a local file to fal",
                "Uploads a local image or video from the server's machine to fal storage and returns its public URL, "
                        + "to use in image_url, image_urls, start_image_url, end_image_url or elements[].frontal_image_url / "
                        + "reference_image_urls / video_url. Only files under the server's allowed folders (default: its "
                        + "working directory) are readable. fal's limits are checked first: images <= 10 MiB, videos <= 200 MiB. "
                        + "Storage is free; the URL is public to anyone who has it.",
                ToolSchemas.input(
                        ToolJson.object()
                                .set(
                                        "path",
                                        ToolJson.object()
                                                .put("type", "string")
                                                .put("minLength", 1)
                                                .put("maxLength", ToolSchemas.MAX_PATH_LENGTH)
                                                .put(
                                                        "description",
                                                        "Absolute path, or relative to the server's working directory.")),
                        "path"),
                ToolHints.remote());
    }

    @Override
    protected List<Violation> rules(ToolCall call) {
        String path = call.text("path");
        String problem;
        try {
            problem = path == null || !Path.of(path).toString().isEmpty() ? null : "the path is blank";
        } catch (InvalidPathException e) {
            problem = "not a valid path: " + e.getReason();
        }
        return problem == null
                ? List.of()
                : List.of(
                        Violation.of("/path", "value_error", problem, "a file path under the allowed upload folders"));
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        UploadView u = ctx.jobs().upload(Path.of(call.text("path")));
        ObjectNode out = ToolJson.object()
                .put("url", u.url())
                .put("file_name", u.fileName())
                .put("content_type", u.contentType())
                .put("size", u.size())
                .put("parts", u.parts())
                .put("next_step", "Use the url in a model field of generate (e.g. image_url, image_urls or elements).");
        return ctx.results()
                .ok(out, "Uploaded " + u.fileName() + " (" + u.size() + " bytes, " + u.contentType() + "): " + u.url());
    }
}
