package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.fal.client.ApiClient;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.fal.client.api.PlatformApi;
import dev.klingmcp.fal.client.api.QueueApi;
import dev.klingmcp.fal.client.api.StorageApi;
import dev.klingmcp.fal.client.model.CancelStatus;
import dev.klingmcp.fal.client.model.RequestHistoryItem;
import dev.klingmcp.fal.client.model.RequestHistoryPage;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalOutput;
import dev.klingmcp.server.fal.FalStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * {@link FalGateway} on the client generated from openapi/ (java.net.http underneath), plus hand-written SSE, presigned
 * PUTs and downloads where a generated client cannot help.
 */
public final class HttpFalGateway implements FalGateway {

    private static final BigDecimal LOGS_ON = BigDecimal.ONE;

    private final QueueApi queue;
    private final PlatformApi platform;
    private final FalErrors errors;
    private final FalRetries retries;
    private final ObjectMapper mapper;
    private final SseStatusStream stream;
    private final StorageUploader uploader;
    private final OutputDownloader downloader;
    private final ScheduledExecutorService timer;
    private final URI queueUrl;

    /**
     * Knobs tests turn; production uses {@link #defaults()}.
     *
     * @param multipartThreshold files above this size go multipart
     * @param partSize           multipart chunk size
     * @param partsInFlight      multipart parts sent at once
     */
    public record Tuning(long multipartThreshold, long partSize, int partsInFlight) {
        public Tuning(long multipartThreshold, long partSize) {
            this(multipartThreshold, partSize, StorageUploader.PARTS_IN_FLIGHT);
        }

        public static Tuning defaults() {
            return new Tuning(StorageUploader.MULTIPART_THRESHOLD, StorageUploader.PART_SIZE);
        }
    }

    public HttpFalGateway(ServerConfig config) {
        this(config, Tuning.defaults());
    }

    public HttpFalGateway(ServerConfig config, Tuning tuning) {
        this.queueUrl = config.queueUrl();
        ServerConfig.Timeouts t = config.timeouts();
        HttpClient.Builder httpBuilder =
                HttpClient.newBuilder().connectTimeout(t.connect()).followRedirects(HttpClient.Redirect.NEVER);
        if ("http".equals(config.queueUrl().getScheme())
                || "http".equals(config.restUrl().getScheme())) {
            // A local mock speaks plain HTTP/1.1; skip java.net.http's h2c upgrade dance on it.
            httpBuilder.version(HttpClient.Version.HTTP_1_1);
        }
        FalAuth auth = new FalAuth(
                config.falKey(), new HashSet<>(List.of(config.queueUrl(), config.restUrl(), config.apiUrl())));
        this.mapper = ApiClient.createDefaultObjectMapper();
        this.errors = new FalErrors(config.falKey(), mapper);
        this.retries = new FalRetries(config.retry());

        this.queue = new QueueApi(apiClient(httpBuilder, config.queueUrl(), auth, t));
        StorageApi storage = new StorageApi(apiClient(httpBuilder, config.restUrl(), auth, t));
        this.platform = new PlatformApi(apiClient(httpBuilder, config.apiUrl(), auth, t));
        HttpClient raw = httpBuilder.build();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "fal-stream-watchdog");
            th.setDaemon(true);
            return th;
        });
        this.stream = new SseStatusStream(
                raw,
                auth,
                errors,
                retries,
                mapper,
                timer,
                t.request(),
                t.streamIdle(),
                config.retry().baseDelay());
        this.uploader = new StorageUploader(
                storage,
                raw,
                errors,
                retries,
                mapper,
                t.transfer(),
                tuning.multipartThreshold(),
                tuning.partSize(),
                tuning.partsInFlight());
        this.downloader = new OutputDownloader(raw, errors, retries, t.connect(), t.transfer(), timer);
    }

    private ApiClient apiClient(HttpClient.Builder http, URI base, FalAuth auth, ServerConfig.Timeouts t) {
        return new ApiClient(http, mapper, base.toString())
                .setRequestInterceptor(auth)
                .setConnectTimeout(t.connect())
                .setReadTimeout(t.request());
    }

    @Override
    public FalStatus submit(FalEndpoint endpoint, ObjectNode input, String webhookUrl) {
        QueueOperations.Submit op = QueueOperations.submitFor(endpoint);
        return retries.submit(() -> {
            try {
                return QueueStatuses.of(op.submit(queue, mapper, input, webhookUrl));
            } catch (ApiException e) {
                throw errors.from("submit to " + endpoint.id(), e);
            } catch (IOException e) {
                throw FalException.protocol("submit to " + endpoint.id()
                        + ": the input does not fit the generated model: " + e.getMessage());
            }
        });
    }

    @Override
    public FalStatus status(FalEndpoint endpoint, String requestId, boolean logs) {
        checkApp(endpoint);
        return retries.idempotent(() -> {
            try {
                return QueueStatuses.of(queue.statusKlingVideo(requestId, logs ? LOGS_ON : BigDecimal.ZERO));
            } catch (ApiException e) {
                throw errors.from("status of " + requestId, e);
            }
        });
    }

    @Override
    public StreamEnd streamStatus(
            FalEndpoint endpoint,
            String requestId,
            Duration maxWait,
            Consumer<FalStatus> listener,
            java.util.function.BooleanSupplier stop) {
        checkApp(endpoint);
        URI uri = URI.create(
                queueUrl + "/" + endpoint.appId() + "/requests/" + urlSegment(requestId) + "/status/stream?logs=1");
        return stream.follow(uri, maxWait, listener, stop);
    }

    @Override
    public FalOutput result(FalEndpoint endpoint, String requestId) {
        checkApp(endpoint);
        Object output = retries.idempotent(() -> {
            try {
                return queue.resultKlingVideo(requestId);
            } catch (ApiException e) {
                throw errors.from("result of " + requestId, e);
            }
        });
        JsonNode raw = mapper.valueToTree(output);
        JsonNode video = raw.path("video");
        if (!video.isObject() || !video.path("url").isTextual()) {
            throw FalException.decoding("result of " + requestId + ": no video.url in fal's answer");
        }
        try {
            return new FalOutput(mapper.treeToValue(video, dev.klingmcp.fal.client.model.FalFile.class), raw);
        } catch (IOException e) {
            throw FalException.decoding("result of " + requestId + ": video is not a File: " + e.getMessage());
        }
    }

    @Override
    public FalCancel cancel(FalEndpoint endpoint, String requestId) {
        checkApp(endpoint);
        try {
            CancelStatus answer = retries.idempotent(() -> {
                try {
                    return queue.cancelKlingVideo(requestId);
                } catch (ApiException e) {
                    throw errors.from("cancel of " + requestId, e);
                }
            });
            return answer != null && answer.getStatus() == CancelStatus.StatusEnum.ALREADY_COMPLETED
                    ? FalCancel.ALREADY_COMPLETED
                    : FalCancel.CANCELLATION_REQUESTED;
        } catch (FalException e) {
            if (e.kind() == FalException.Kind.HTTP && e.status() == 404) {
                return FalCancel.NOT_FOUND;
            }
            if (e.kind() == FalException.Kind.HTTP
                    && e.status() == 400
                    && e.body() != null
                    && "ALREADY_COMPLETED".equals(e.body().path("status").asText())) {
                return FalCancel.ALREADY_COMPLETED;
            }
            throw e;
        }
    }

    @Override
    public UploadedFile upload(Path file, String contentType, String fileName) {
        return uploader.upload(file, contentType, fileName);
    }

    @Override
    public DownloadedFile download(String url, Path target) {
        return downloader.download(url, target);
    }

    @Override
    public JsonNode sentBody(FalEndpoint endpoint, ObjectNode input) {
        try {
            return mapper.valueToTree(mapper.treeToValue(
                    input, QueueOperations.submitFor(endpoint).inputType()));
        } catch (IOException e) {
            throw FalException.protocol(
                    "submit to " + endpoint.id() + ": the input does not fit the generated model: " + e.getMessage());
        }
    }

    /** fal's request history is read in pages of this size (its maximum). */
    private static final int HISTORY_PAGE = 100;

    @Override
    public List<SentRequest> requestsSince(FalEndpoint endpoint, Instant since, int maxItems) {
        List<SentRequest> out = new ArrayList<>();
        String cursor = null;
        do {
            String from = cursor;
            RequestHistoryPage page = retries.idempotent(() -> {
                try {
                    return platform.listRequestsByEndpoint(
                            endpoint.id(), since.toString(), null, null, null, "payloads", HISTORY_PAGE, from);
                } catch (ApiException e) {
                    throw errors.from("request history of " + endpoint.id(), e);
                }
            });
            if (page == null || page.getItems() == null) {
                throw FalException.decoding("request history of " + endpoint.id() + ": no items in fal's answer");
            }
            for (RequestHistoryItem item : page.getItems()) {
                out.add(new SentRequest(
                        item.getRequestId(),
                        instant(item.getSentAt()),
                        instant(item.getStartedAt()),
                        item.getStatusCode(),
                        item.getJsonInput() == null ? null : mapper.valueToTree(item.getJsonInput())));
            }
            cursor = Boolean.TRUE.equals(page.getHasMore()) ? page.getNextCursor() : null;
        } while (cursor != null && out.size() < maxItems);
        return out;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Retries made so far (not counting first attempts). */
    public int retryCount() {
        return retries.retryCount();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static void checkApp(FalEndpoint endpoint) {
        if (!QueueOperations.APP_ID.equals(endpoint.appId())) {
            throw FalException.protocol("no generated queue operations for app " + endpoint.appId());
        }
    }

    private static String urlSegment(String requestId) {
        if (!requestId.matches("[A-Za-z0-9._~-]+")) {
            throw FalException.protocol("not a fal request id: " + requestId);
        }
        return requestId;
    }
}
