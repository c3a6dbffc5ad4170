package dev.klingmcp.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the server core needs to run, resolved once at start-up by {@link ServerConfigLoader} from (highest first)
 * command-line overrides, environment variables, an optional properties file, and defaults.
 *
 * @param falKey          fal API key ({@code FAL_KEY}); sent only to {@link #queueUrl()} / {@link #restUrl()} hosts
 * @param queueUrl        fal queue base, default {@code https://queue.fal.run} (a mock's base URL in mock mode)
 * @param restUrl         fal REST base for storage, default {@code https://rest.fal.ai} (the mock's base URL in mock mode)
 * @param outputDir       where {@code result(download)} saves videos (default: {@code $XDG_DATA_HOME/kling-mcp/videos})
 * @param uploadRoots     folders {@code upload} may read from (default: none, so {@code upload} refuses every file)
 * @param ledgerUrl       JDBC URL of the job ledger
 * @param priceFile       optional JSON price table overriding the registry's defaults
 * @param timeouts        network timeouts
 * @param retry           retry policy for idempotent fal calls (and for submits fal certainly did not accept)
 * @param timeScale       how many times faster than fal's typical figures jobs run: a mock's speed factor, so ETAs
 *                        stay honest in mock mode; ignored against fal's own hosts (see {@link #etaTimeScale()})
 * @param confirmAboveUsd jobs estimated above this many dollars are submitted only after the user confirmed the price;
 *                        null = never ask
 * @param uploadMaxBytes  largest file {@code upload} sends, images and videos alike; null = fal's input limits for
 *                        Kling (images 10 MiB, videos 200 MiB)
 * @param allowedHosts    host names or literal addresses (lower case) that media and webhook URLs may name although
 *                        they are plain http or private/loopback ({@code inputs.allowed-hosts}), e.g. an operator's own
 *                        media server that fal reaches over a private link; empty = https to public hosts only
 * @param ledgerPoolSize  most connections a PostgreSQL ledger's pool holds in this process ({@code ledger.pool-size});
 *                        SQLite ledgers have no pool
 */
public record ServerConfig(
        FalKey falKey,
        URI queueUrl,
        URI restUrl,
        Path outputDir,
        List<Path> uploadRoots,
        String ledgerUrl,
        Path priceFile,
        Timeouts timeouts,
        Retry retry,
        double timeScale,
        Double confirmAboveUsd,
        Long uploadMaxBytes,
        List<String> allowedHosts,
        int ledgerPoolSize) {

    public static final int DEFAULT_LEDGER_POOL_SIZE = dev.klingmcp.server.ledger.JdbcJobLedger.DEFAULT_POOL_SIZE;

    public static final URI FAL_QUEUE_URL = URI.create("https://queue.fal.run");
    public static final URI FAL_REST_URL = URI.create("https://rest.fal.ai");
    public static final URI FAL_API_URL = URI.create("https://api.fal.ai");

    public ServerConfig {
        Objects.requireNonNull(falKey, "falKey");
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(restUrl, "restUrl");
        Objects.requireNonNull(outputDir, "outputDir");
        uploadRoots = List.copyOf(uploadRoots);
        Objects.requireNonNull(ledgerUrl, "ledgerUrl");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retry, "retry");
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a positive number, was " + timeScale);
        }
        if (uploadMaxBytes != null && uploadMaxBytes < 1) {
            throw new IllegalArgumentException("uploadMaxBytes must be positive, was " + uploadMaxBytes);
        }
        allowedHosts = allowedHosts == null
                ? List.of()
                : allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        if (ledgerPoolSize < 1) {
            throw new IllegalArgumentException("ledgerPoolSize must be positive, was " + ledgerPoolSize);
        }
    }

    /** With fal's own upload limits, and media and webhook URLs on https to public hosts only. */
    public ServerConfig(
            FalKey falKey,
            URI queueUrl,
            URI restUrl,
            Path outputDir,
            List<Path> uploadRoots,
            String ledgerUrl,
            Path priceFile,
            Timeouts timeouts,
            Retry retry,
            double timeScale,
            Double confirmAboveUsd) {
        this(
                falKey,
                queueUrl,
                restUrl,
                outputDir,
                uploadRoots,
                ledgerUrl,
                priceFile,
                timeouts,
                retry,
                timeScale,
                confirmAboveUsd,
                null,
                List.of(),
                DEFAULT_LEDGER_POOL_SIZE);
    }

    /**
     * Network time limits.
     *
     * @param connect     TCP connect
     * @param request     one request/response (status, result, cancel, submit, storage initiate)
     * @param submit      how long a SUBMITTING row may wait for fal's answer; rows older than this at start-up become UNKNOWN
     * @param streamIdle  SSE stream without any line (event or ping) for this long is reconnected
     * @param transfer    whole upload or download of one file
     * @param toolCall    the longest one MCP tool call may take, retries and waits included (clients give up at ~60 s);
     *                    then the call answers with the job's last known state while the work goes on in the background
     * @param notAcceptedAfter how long after its submit started a job whose answer was lost must stay absent from fal's
     *                    request history before it is declared not accepted (FAILED, not billed, submittable again)
     */
    public record Timeouts(
            Duration connect,
            Duration request,
            Duration submit,
            Duration streamIdle,
            Duration transfer,
            Duration toolCall,
            Duration notAcceptedAfter) {

        public static final Duration DEFAULT_TOOL_CALL = Duration.ofSeconds(45);

        /**
         * fal lists a request in its history once it started; 30 minutes covers a busy queue on an account with few
         * concurrent runners (new accounts get 2).
         */
        public static final Duration DEFAULT_NOT_ACCEPTED_AFTER = Duration.ofMinutes(30);

        public Timeouts(Duration connect, Duration request, Duration submit, Duration streamIdle, Duration transfer) {
            this(connect, request, submit, streamIdle, transfer, DEFAULT_TOOL_CALL, DEFAULT_NOT_ACCEPTED_AFTER);
        }

        public static Timeouts defaults() {
            return new Timeouts(
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(60),
                    Duration.ofMinutes(15),
                    DEFAULT_TOOL_CALL,
                    DEFAULT_NOT_ACCEPTED_AFTER);
        }
    }

    /**
     * Exponential backoff with ±25 % jitter; a {@code Retry-After} header wins when it is longer.
     *
     * @param maxAttempts attempts in total (1 = no retry)
     * @param baseDelay   first delay
     * @param maxDelay    cap of any one delay
     */
    public record Retry(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        public static Retry defaults() {
            return new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }

    /**
     * fal's Platform API (request history): {@code https://api.fal.ai}, or the queue URL of a mock, which serves every
     * fal host on one origin.
     */
    public URI apiUrl() {
        return isMock() ? queueUrl : FAL_API_URL;
    }

    /** True when the fal URLs point somewhere other than fal's own hosts (an embedded or local mock). */
    public boolean isMock() {
        return !queueUrl.equals(FAL_QUEUE_URL) || !restUrl.equals(FAL_REST_URL);
    }

    /**
     * The factor ETAs divide fal's typical timing by. Real fal runs at its own pace whatever the setting says, so a scale
     * only counts when the URLs point at a mock (set by {@code --mock-speed}, the demo, or {@code fal.time-scale}).
     */
    public double etaTimeScale() {
        return isMock() ? timeScale : 1.0;
    }

    /** A copy with every fal URL pointing at {@code baseUrl} (used by {@code --mock} with the embedded mock-fal). */
    public ServerConfig withFalBaseUrl(URI baseUrl) {
        return with(c -> {
            c.queueUrl = baseUrl;
            c.restUrl = baseUrl;
        });
    }

    public ServerConfig withFalKey(FalKey key) {
        return with(c -> c.falKey = key);
    }

    public ServerConfig withLedgerUrl(String url) {
        return with(c -> c.ledgerUrl = url);
    }

    public ServerConfig withOutputDir(Path dir) {
        return with(c -> c.outputDir = dir);
    }

    public ServerConfig withUploadRoots(List<Path> roots) {
        return with(c -> c.uploadRoots = roots);
    }

    public ServerConfig withTimeouts(Timeouts t) {
        return with(c -> c.timeouts = t);
    }

    public ServerConfig withRetry(Retry r) {
        return with(c -> c.retry = r);
    }

    public ServerConfig withAllowedHosts(List<String> hosts) {
        return with(c -> c.allowedHosts = hosts);
    }

    /** One copy-with-changes for every wither, so a new setting is added in one place (the copy below). */
    private ServerConfig with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The record's components as mutable fields; {@link #build()} runs the record's checks again. */
    private static final class Copy {
        private FalKey falKey;
        private URI queueUrl;
        private URI restUrl;
        private Path outputDir;
        private List<Path> uploadRoots;
        private String ledgerUrl;
        private final Path priceFile;
        private Timeouts timeouts;
        private Retry retry;
        private final double timeScale;
        private final Double confirmAboveUsd;
        private final Long uploadMaxBytes;
        private List<String> allowedHosts;
        private final int ledgerPoolSize;

        private Copy(ServerConfig c) {
            falKey = c.falKey;
            queueUrl = c.queueUrl;
            restUrl = c.restUrl;
            outputDir = c.outputDir;
            uploadRoots = c.uploadRoots;
            ledgerUrl = c.ledgerUrl;
            priceFile = c.priceFile;
            timeouts = c.timeouts;
            retry = c.retry;
            timeScale = c.timeScale;
            confirmAboveUsd = c.confirmAboveUsd;
            uploadMaxBytes = c.uploadMaxBytes;
            allowedHosts = c.allowedHosts;
            ledgerPoolSize = c.ledgerPoolSize;
        }

        private ServerConfig build() {
            return new ServerConfig(
                    falKey,
                    queueUrl,
                    restUrl,
                    outputDir,
                    uploadRoots,
                    ledgerUrl,
                    priceFile,
                    timeouts,
                    retry,
                    timeScale,
                    confirmAboveUsd,
                    uploadMaxBytes,
                    allowedHosts,
                    ledgerPoolSize);
        }
    }

    /** Never prints the key (only whether one is set). */
    @Override
    public String toString() {
        return "ServerConfig[falKey=" + falKey + ", queueUrl=" + queueUrl + ", restUrl=" + restUrl + ", outputDir="
                + outputDir
                + ", uploadRoots=" + uploadRoots + ", ledgerUrl="
                + dev.klingmcp.server.ledger.LedgerUrls.redact(ledgerUrl) + ", priceFile=" + priceFile
                + ", timeouts=" + timeouts + ", retry=" + retry + ", timeScale=" + timeScale + ", confirmAboveUsd="
                + confirmAboveUsd + ", allowedHosts=" + allowedHosts + ", ledgerPoolSize=" + ledgerPoolSize + "]";
    }
}
