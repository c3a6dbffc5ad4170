/**
 * Model outputs as real media: H.264 MP4 clips rendered with JCodec whose duration (3..15 s) and aspect ratio
 * (16:9 → 320×180, 9:16 → 180×320, 1:1 → 240×240, 10 fps) match the request, cached on disk per (duration, ratio), and a
 * public CDN route that serves them with {@code Content-Length}, {@code Accept-Ranges} and single-range 206/416 answers.
 *
 * <h2>Wiring (one line each)</h2>
 * <pre>{@code
 * VideoLibrary videos = new VideoLibrary(storageDir.resolve("videos"), () -> "http://127.0.0.1:" + port);
 * CdnRoutes.mount(router, videos);                         // GET|HEAD /cdn/videos/{n}s-{16x9|9x16|1x1}/output.mp4
 * // when a job completes (off the event loop, or use the async form there):
 * MediaFile video = videos.videoFor(seconds, aspectRatio); // aspectRatio "16:9" | "9:16" | "1:1" | null (= 16:9)
 * videos.videoForAsync(seconds, aspectRatio)               // CompletableFuture<MediaFile>; Future.fromCompletionStage(..)
 * output.put("video", video.toFalJson());                  // {url, content_type, file_name, file_size}
 * }</pre>
 * Bad arguments throw {@code IllegalArgumentException} whose message lists what is allowed. {@link
 * dev.klingmcp.mock.media.FileResponder} is the shared Range-aware file sender (also used by storage).
 */
package dev.klingmcp.mock.media;
