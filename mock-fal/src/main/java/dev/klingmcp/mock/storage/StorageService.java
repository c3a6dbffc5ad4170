package dev.klingmcp.mock.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * fal's storage, offline: presigned single and multipart uploads (the @fal-ai/client 1.10.1 flow) and the public files
 * they produce. Bytes go straight from the socket to disk ({@link BodyToFile}); parts are joined with
 * {@code FileChannel.transferTo} on a worker thread as they arrive ({@link PartAssembly}), so no upload is ever held in
 * memory.
 *
 * <p>Presigned URLs carry a per-upload random {@code signature} query parameter, checked on every PUT and on completion,
 * so a client that mangles the URL (drops the query string, for instance) fails here as it would against a real store.
 */
public final class StorageService {

    /** Public (no auth) prefixes, like fal's CDN and presigned bucket URLs. */
    public static final String UPLOAD_PREFIX = "/cdn/upload/";

    public static final String MULTIPART_PREFIX = "/cdn/multipart/";
    public static final String FILES_PREFIX = "/cdn/files/";
    /** fal_client's token-authenticated upload ({@code POST {base_url}/files/upload}); base_url is {@code {mock}/cdn}. */
    public static final String TOKEN_UPLOAD_PATH = "/cdn/files/upload";

    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final Vertx vertx;
    private final StorageOptions options;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final UploadSpace space;
    private final MultipartUploads multipart;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

    public StorageService(Vertx vertx, StorageOptions options, Supplier<String> baseUrl) {
        this(vertx, options, baseUrl, Clock.systemUTC());
    }

    /** {@code clock} decides lifecycle expiry; tests pass a fixed one. */
    public StorageService(Vertx vertx, StorageOptions options, Supplier<String> baseUrl, Clock clock) {
        this.vertx = vertx;
        this.options = options;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.space = new UploadSpace(options.root(), this::fileUrl);
        this.multipart = new MultipartUploads(vertx, options, space);
    }

    /**
     * Registers an upload and returns its presigned URL and future public URL.
     *
     * @param expiresAfter from {@code X-Fal-Object-Lifecycle}; null keeps the file until {@link #reset()}
     */
    public UploadTicket initiate(String contentType, String fileName, boolean multipart, Duration expiresAfter) {
        String id = randomHex(12);
        Instant expiresAt = expiresAfter == null ? null : clock.instant().plus(expiresAfter);
        Upload upload = new Upload(id, contentType, fileName, multipart, randomHex(16), expiresAt);
        uploads.put(id, upload);
        String query = "?signature=" + upload.signature();
        String uploadUrl = base() + (multipart ? MULTIPART_PREFIX : UPLOAD_PREFIX) + id + query;
        return new UploadTicket(id, uploadUrl, fileUrl(upload));
    }

    /** A bearer token for the Python client's upload flow, valid for {@link #TOKEN_LIFETIME}. */
    public StorageToken issueToken() {
        String token = randomHex(24);
        Instant expiresAt = clock.instant().plus(TOKEN_LIFETIME);
        tokens.put(token, expiresAt);
        return new StorageToken(token, "Bearer", base() + "/cdn", expiresAt);
    }

    /**
     * The token flow's one-shot upload: checks {@code Authorization: Bearer <token>}, then stores the body like a
     * single PUT.
     */
    public Future<StoredFile> receiveDirect(
            String authorization, String contentType, String fileName, Duration expiresAfter, ReadStream<Buffer> body) {
        return receiveDirect(authorization, contentType, fileName, expiresAfter, streamed(body));
    }

    public Future<StoredFile> receiveDirect(
            String authorization, String contentType, String fileName, Duration expiresAfter, Buffer alreadyRead) {
        return receiveDirect(authorization, contentType, fileName, expiresAfter, buffered(alreadyRead));
    }

    /** Single PUT: the whole file in one body. A repeated PUT replaces the bytes, as with a presigned object URL. */
    public Future<StoredFile> receiveWhole(String uploadId, String signature, ReadStream<Buffer> body) {
        return receiveWhole(uploadId, signature, streamed(body));
    }

    /** {@link #receiveWhole(String, String, ReadStream)} for a body an upstream handler already buffered. */
    public Future<StoredFile> receiveWhole(String uploadId, String signature, Buffer alreadyRead) {
        return receiveWhole(uploadId, signature, buffered(alreadyRead));
    }

    /** One multipart part; a retried part replaces the earlier copy. */
    public Future<PartReceipt> receivePart(String uploadId, String signature, int partNumber, ReadStream<Buffer> body) {
        return receivePart(uploadId, signature, partNumber, streamed(body));
    }

    public Future<PartReceipt> receivePart(String uploadId, String signature, int partNumber, Buffer alreadyRead) {
        return receivePart(uploadId, signature, partNumber, buffered(alreadyRead));
    }

    /**
     * Joins the listed parts, in the listed (ascending) order, into the public file. Idempotent: completing an already
     * completed upload answers the same file, so a client retry after a lost response succeeds.
     */
    public Future<StoredFile> complete(String uploadId, String signature, List<PartReceipt> parts) {
        Upload upload;
        try {
            upload = authorized(uploadId, signature, true);
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return multipart.complete(upload, parts);
    }

    /** The finished, unexpired file with this id. */
    public Optional<StoredFile> find(String fileId) {
        Upload upload = uploads.get(fileId);
        StoredFile file = upload == null ? null : upload.completed();
        return file == null || file.isExpired(clock.instant()) ? Optional.empty() : Optional.of(file);
    }

    /** Every finished file, oldest first, for the control API. */
    public List<StoredFile> files() {
        List<StoredFile> files = new ArrayList<>();
        uploads.values().stream().map(Upload::completed).filter(f -> f != null).forEach(files::add);
        files.sort(Comparator.comparing(StoredFile::id));
        return files;
    }

    /** Forgets every upload and deletes every byte under the root (control API reset). */
    public void reset() {
        uploads.clear();
        tokens.clear();
        space.clear();
    }

    public StorageOptions options() {
        return options;
    }

    private BodyWriter streamed(ReadStream<Buffer> body) {
        return target -> BodyToFile.write(vertx, body, target, options.maxFileBytes());
    }

    private BodyWriter buffered(Buffer alreadyRead) {
        return target -> BodyToFile.write(vertx, alreadyRead, target, options.maxFileBytes());
    }

    private Future<StoredFile> receiveDirect(
            String authorization, String contentType, String fileName, Duration expiresAfter, BodyWriter writer) {
        try {
            checkToken(authorization);
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        UploadTicket ticket = initiate(contentType, fileName, false, expiresAfter);
        return receiveWhole(ticket.uploadId(), uploads.get(ticket.uploadId()).signature(), writer);
    }

    private void checkToken(String authorization) {
        String token = authorization == null ? "" : authorization.trim();
        if (!token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new StorageException(
                    401, "Send 'Authorization: Bearer <token>' with a token from" + " POST /storage/auth/token");
        }
        Instant expiresAt = tokens.get(token.substring(7).trim());
        if (expiresAt == null || !clock.instant().isBefore(expiresAt)) {
            throw new StorageException(
                    401, "Unknown or expired storage token; get a new one from POST /storage/auth/token");
        }
    }

    private Future<StoredFile> receiveWhole(String uploadId, String signature, BodyWriter writer) {
        Upload upload;
        Path partial;
        try {
            upload = authorized(uploadId, signature, false);
            partial = space.scratchFile(upload, "whole");
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return writer.writeTo(partial)
                .compose(written -> vertx.executeBlocking(
                        () -> {
                            Path target = space.publish(upload, partial);
                            return upload.complete(space.describe(upload, target, written.size()));
                        },
                        false));
    }

    private Future<PartReceipt> receivePart(String uploadId, String signature, int partNumber, BodyWriter writer) {
        Upload upload;
        try {
            upload = authorized(uploadId, signature, true);
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return multipart.receive(upload, partNumber, writer);
    }

    private Upload authorized(String uploadId, String signature, boolean multipart) {
        Upload upload = uploadId == null ? null : uploads.get(uploadId);
        if (upload == null || upload.multipart() != multipart) {
            throw StorageException.notFound("No " + (multipart ? "multipart " : "") + "upload with id '" + uploadId
                    + "'; initiate one with POST /storage/upload/initiate" + (multipart ? "-multipart" : ""));
        }
        byte[] expected = upload.signature().getBytes(StandardCharsets.UTF_8);
        byte[] given = signature == null ? new byte[0] : signature.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new StorageException(
                    403,
                    "The upload URL's signature is missing or wrong; use upload_url exactly as"
                            + " returned, including its query string");
        }
        return upload;
    }

    private String fileUrl(Upload upload) {
        String name =
                URLEncoder.encode(upload.fileName(), StandardCharsets.UTF_8).replace("+", "%20");
        return base() + FILES_PREFIX + upload.id() + "/" + name;
    }

    private String base() {
        String base = baseUrl.get();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
