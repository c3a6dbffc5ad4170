package dev.klingmcp.mock.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streams an HTTP body to a file with back-pressure, counting and hashing on the way, so an upload of any size costs a
 * few buffers of heap. This is the mock's answer to "bytes are streamed to disk, never held whole in memory".
 *
 * <p>Exceeding {@code maxBytes} stops reading, deletes the partial file and fails with 413.
 */
final class BodyToFile {

    /** What was written: byte count and MD5 hex (the etag). */
    record Written(long size, String md5) {}

    private BodyToFile() {}

    /** {@code body} should already be paused (routes pause it before any async step) so that no chunk is lost. */
    static Future<Written> write(Vertx vertx, ReadStream<Buffer> body, Path target, long maxBytes) {
        body.pause();
        OpenOptions create = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
        return vertx.fileSystem()
                .open(target.toString(), create)
                .compose(file -> pump(vertx, body, file, target, maxBytes));
    }

    /** For a body that something upstream already buffered (a misplaced BodyHandler): same result, same limits. */
    static Future<Written> write(Vertx vertx, Buffer alreadyRead, Path target, long maxBytes) {
        if (alreadyRead.length() > maxBytes) {
            return Future.failedFuture(StorageException.tooLarge(maxBytes));
        }
        MessageDigest md5 = md5();
        md5.update(alreadyRead.getBytes());
        return vertx.fileSystem()
                .writeFile(target.toString(), alreadyRead)
                .map(ignored -> new Written(alreadyRead.length(), HexFormat.of().formatHex(md5.digest())));
    }

    private static Future<Written> pump(
            Vertx vertx, ReadStream<Buffer> body, AsyncFile file, Path target, long maxBytes) {
        Promise<Written> done = Promise.promise();
        MessageDigest md5 = md5();
        long[] size = {0};
        body.handler(chunk -> {
            size[0] += chunk.length();
            if (size[0] > maxBytes) {
                body.handler(null);
                body.endHandler(null);
                abandon(vertx, file, target, done, StorageException.tooLarge(maxBytes));
                return;
            }
            md5.update(chunk.getBytes());
            file.write(chunk);
            if (file.writeQueueFull()) {
                body.pause();
                file.drainHandler(ignored -> body.resume());
            }
        });
        body.exceptionHandler(failure -> abandon(vertx, file, target, done, failure));
        body.endHandler(ignored -> file.close().onComplete(closed -> {
            if (closed.succeeded()) {
                done.tryComplete(new Written(size[0], HexFormat.of().formatHex(md5.digest())));
            } else {
                abandon(vertx, file, target, done, closed.cause());
            }
        }));
        file.exceptionHandler(failure -> abandon(vertx, file, target, done, failure));
        body.resume();
        return done.future();
    }

    private static void abandon(Vertx vertx, AsyncFile file, Path target, Promise<Written> done, Throwable why) {
        if (!done.tryFail(why)) {
            return;
        }
        file.close().onComplete(ignored -> vertx.fileSystem().delete(target.toString()));
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
