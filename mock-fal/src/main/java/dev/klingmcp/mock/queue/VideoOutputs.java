package dev.klingmcp.mock.queue;

import java.util.Map;

/**
 * Produces the {@code File} object of a finished job's video: {@code {url, content_type, file_name, file_size}}, the
 * URL absolute and served by the mock. May block (the first video of a shape has to be encoded), so callers run it off
 * the event loop.
 */
@FunctionalInterface
public interface VideoOutputs {

    Map<String, Object> videoFile(int seconds, String aspectRatio);
}
