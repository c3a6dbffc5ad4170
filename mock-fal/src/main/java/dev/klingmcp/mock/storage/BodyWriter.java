package dev.klingmcp.mock.storage;

import io.vertx.core.Future;
import java.nio.file.Path;

/**
 * Writes one request body to a file. The routes hand over either the live request (streamed) or a body an upstream
 * handler already buffered; the receiving code does not care which.
 */
@FunctionalInterface
interface BodyWriter {
    Future<BodyToFile.Written> writeTo(Path target);
}
