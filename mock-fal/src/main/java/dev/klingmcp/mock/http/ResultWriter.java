package dev.klingmcp.mock.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobFailure;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.VideoOutputs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a result GET (and a sync run) for a completed job: the raw model output {@code {"video": File}}, or the
 * model's / platform's error with the status code, body and headers fal passes through.
 */
public final class ResultWriter {

    private final Vertx vertx;
    private final VideoOutputs outputs;

    public ResultWriter(Vertx vertx, VideoOutputs outputs) {
        this.vertx = vertx;
        this.outputs = outputs;
    }

    /** The success body, built off the event loop because the first video of a shape is encoded on demand. */
    public Future<ObjectNode> output(JobSnapshot job) {
        return vertx.executeBlocking(
                () -> {
                    ObjectNode body = FalJson.object();
                    body.set(
                            "video",
                            FalJson.MAPPER.valueToTree(outputs.videoFile(job.videoSeconds(), job.aspectRatio())));
                    return body;
                },
                false);
    }

    public void write(HttpServerResponse response, JobSnapshot job) {
        JobFailure failure = job.failure();
        if (failure != null) {
            if (failure.errorType() != null) {
                response.putHeader("X-Fal-Error-Type", failure.errorType());
            }
            if (failure.userTimeout()) {
                response.putHeader("X-Fal-Request-Timeout-Type", "user");
            }
            FalJson.send(response, failure.httpStatus(), job.requestId(), failure.body());
            return;
        }
        output(job).onComplete(ar -> {
            if (ar.succeeded()) {
                FalJson.send(response, 200, job.requestId(), ar.result());
            } else {
                response.putHeader("X-Fal-Error-Type", "internal_error");
                FalJson.send(
                        response,
                        500,
                        job.requestId(),
                        FalJson.detail("Could not produce the output video: "
                                        + ar.cause().getMessage())
                                .put("error_type", "internal_error"));
            }
        });
    }
}
