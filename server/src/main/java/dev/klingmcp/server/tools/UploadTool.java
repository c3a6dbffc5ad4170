package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.UploadView;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** {@code upload}: a local image or video to fal storage, giving a URL the model fields accept. */
public final class UploadTool extends AbstractTool {

    public static final String NAME = "upload";

    private static final List<String> ARGS = List.of("path");

    public UploadTool(ToolContext ctx) {
        super(
                ctx,
                ToolSchemas.tool(
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
                                                        .put(
                                                                "description",
                                                                "Absolute path, or relative to the server's working directory.")),
                                "path"),
                        ctx.schemas().asMap(NAME),
                        false,
                        false,
                        false,
                        true));
    }

    @Override
    public CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request) {
        Args args = new Args(ToolJson.tree(request.arguments()));
        String pathText = args.requiredString("path", "a file path under the allowed upload folders");
        args.rejectUnknown(ARGS);
        Path path = null;
        if (pathText != null) {
            try {
                path = Path.of(pathText);
            } catch (InvalidPathException e) {
                args.problem(Violation.of(
                        "/path",
                        "value_error",
                        "not a valid path: " + e.getReason(),
                        "a file path under the allowed upload folders"));
            }
        }
        CallToolResult refused = refusal(args);
        if (refused != null) {
            return refused;
        }
        UploadView u;
        try {
            u = ctx.jobs().upload(path);
        } catch (JobException e) {
            return ctx.results().failure(e, ToolJson.object());
        }
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
