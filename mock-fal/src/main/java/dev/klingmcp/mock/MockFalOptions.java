package dev.klingmcp.mock;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.webhook.WebhookOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * How a {@link MockFal} behaves. A mutable data object in the Vert.x {@code *Options} style: setters return
 * {@code this}, defaults are what a person running the mock by hand wants (real-time speed, ephemeral loopback port).
 *
 * <p>The setters a person sets from a shell also carry their command-line flag, so {@code mock-fal}'s command line
 * ({@link MockFalMain}) binds straight onto an instance: each option, its default and its check are declared once, here.
 */
public final class MockFalOptions {

    private String host = "127.0.0.1";
    private int port;
    private String advertisedBaseUrl;
    private double speed = 1.0;
    private boolean manualClock;
    private final Set<String> apiKeys = new LinkedHashSet<>();
    private boolean publicMode;
    private boolean strictValidation;
    private Duration ssePingInterval = Duration.ofSeconds(10);
    private long seed = 1;
    private Path storageDir;
    private String userId = "mock-user";
    private WebhookOptions webhook = WebhookOptions.defaults();
    private FaultPlan faults = new FaultPlan();
    private int concurrency;
    private boolean forgetCancelledRequests;
    private Duration resultRetention;
    private boolean logRequests = true;
    private long maxRequestBodyBytes = 64L * 1024 * 1024;
    private ModelCatalog catalog;
    private long outputVideoBytes;

    public MockFalOptions() {}

    public String getHost() {
        return host;
    }

    /** Interface to bind; loopback by default, never a public interface unless asked. */
    @Option(names = "--host", paramLabel = "HOST", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setHost(String host) {
        this.host = Objects.requireNonNull(host, "host == null");
        return this;
    }

    public int getPort() {
        return port;
    }

    /** 0 (default) picks a free port; read it back with {@link MockFal#port()}. */
    @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        this.port = port;
        return this;
    }

    public String getAdvertisedBaseUrl() {
        return advertisedBaseUrl;
    }

    /** Base of the absolute URLs handed out, when clients reach the mock by another name; null = {@code http://host:port}. */
    public MockFalOptions setAdvertisedBaseUrl(String url) {
        this.advertisedBaseUrl = url == null ? null : url.replaceAll("/+$", "");
        return this;
    }

    public double getSpeed() {
        return speed;
    }

    /** Simulated seconds per real second: 1 = fal's real pace, 60 = a 5-minute job in 5 s, 1000 for tests. */
    @Option(names = "--speed", description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setSpeed(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive finite number, got " + speed);
        }
        this.speed = speed;
        return this;
    }

    public boolean isManualClock() {
        return manualClock;
    }

    /** Time stands still until {@link MockControl#advanceClock} (or {@code POST /_mock/clock/advance}). */
    @Option(names = "--manual-clock", description = "Time moves only via POST /_mock/clock/advance.")
    public MockFalOptions setManualClock(boolean manualClock) {
        this.manualClock = manualClock;
        return this;
    }

    public Set<String> getApiKeys() {
        return Set.copyOf(apiKeys);
    }

    /** Keys accepted in {@code Authorization: Key <key>}; none configured = any non-empty key is accepted. */
    public MockFalOptions addApiKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
        apiKeys.add(key.trim());
        return this;
    }

    public boolean isPublicMode() {
        return publicMode;
    }

    /** Accept calls without any key, as fal does for public models (a key that is sent is still checked). */
    @Option(names = "--public", description = "Accept calls without Authorization.")
    public MockFalOptions setPublicMode(boolean publicMode) {
        this.publicMode = publicMode;
        return this;
    }

    public boolean isStrictValidation() {
        return strictValidation;
    }

    /**
     * Strict mode: validate at submit (422 at once, no job) and reject undeclared fields. Off by default, because fal
     * accepts every submit, fails invalid input at execution time, and ignores unknown fields.
     */
    @Option(names = "--strict", description = "Validate at submit (422 at once) and reject unknown fields.")
    public MockFalOptions setStrictValidation(boolean strictValidation) {
        this.strictValidation = strictValidation;
        return this;
    }

    public Duration getSsePingInterval() {
        return ssePingInterval;
    }

    /** Real-time period of {@code : ping} comments on status streams (default 10 s, under undici's 300 s body timeout). */
    @Option(
            names = "--ping",
            paramLabel = "SECONDS",
            converter = Seconds.class,
            description = "SSE ping interval in seconds (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setSsePingInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("SSE ping interval must be positive, got " + interval);
        }
        this.ssePingInterval = interval;
        return this;
    }

    public long getSeed() {
        return seed;
    }

    /** Seeds request ids, fault decisions and the webhook key pair: same seed, same run. */
    @Option(names = "--seed", description = "Seed for ids, faults and the webhook key (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setSeed(long seed) {
        this.seed = seed;
        return this;
    }

    public Path getStorageDir() {
        return storageDir;
    }

    /** Where uploads and generated videos live; null = a fresh temporary directory, deleted on close. */
    @Option(
            names = "--storage-dir",
            paramLabel = "DIR",
            description = "Where uploads and videos are kept (default: a temp dir).")
    public MockFalOptions setStorageDir(Path storageDir) {
        this.storageDir = storageDir;
        return this;
    }

    public String getUserId() {
        return userId;
    }

    /** The fal user id webhooks are signed for ({@code X-Fal-Webhook-User-Id}). */
    @Option(names = "--user-id", description = "fal user id of signed webhooks (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setUserId(String userId) {
        this.userId = Objects.requireNonNull(userId, "userId == null");
        return this;
    }

    public WebhookOptions getWebhook() {
        return webhook;
    }

    /** Retry policy of webhook deliveries; its delays are divided by the speed factor. */
    public MockFalOptions setWebhook(WebhookOptions webhook) {
        this.webhook = Objects.requireNonNull(webhook, "webhook == null");
        return this;
    }

    public FaultPlan getFaults() {
        return faults;
    }

    /** Faults active from the start (and again after every reset). */
    public MockFalOptions setFaults(FaultPlan faults) {
        this.faults = Objects.requireNonNull(faults, "faults == null");
        return this;
    }

    public int getConcurrency() {
        return concurrency;
    }

    /** Jobs IN_PROGRESS at once (fal gives new accounts 2); 0 = unlimited (default). */
    @Option(
            names = "--concurrency",
            description = "Jobs in progress at once; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    public MockFalOptions setConcurrency(int concurrency) {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0, got " + concurrency);
        }
        this.concurrency = concurrency;
        return this;
    }

    public boolean isForgetCancelledRequests() {
        return forgetCancelledRequests;
    }

    /**
     * What a cancelled request looks like afterwards (fal does not document it): false (default) = COMPLETED with
     * {@code error_type: client_cancelled}; true = gone (404).
     */
    @Option(names = "--forget-cancelled", description = "Cancelled requests answer 404 afterwards.")
    public MockFalOptions setForgetCancelledRequests(boolean forget) {
        this.forgetCancelledRequests = forget;
        return this;
    }

    public Duration getResultRetention() {
        return resultRetention;
    }

    /**
     * How long (simulated time) a completed request stays answerable; afterwards status and result answer 404. fal keeps
     * results for 1 hour. Null (default) keeps them for the mock's lifetime, which is what most tests want.
     */
    @Option(
            names = "--result-retention",
            paramLabel = "SECONDS",
            converter = Seconds.class,
            description = "Seconds a completed request stays answerable (fal: 3600); default: for ever.")
    public MockFalOptions setResultRetention(Duration retention) {
        if (retention != null && retention.isNegative()) {
            throw new IllegalArgumentException("result retention must not be negative, got " + retention);
        }
        this.resultRetention = retention;
        return this;
    }

    public boolean isLogRequests() {
        return logRequests;
    }

    /** One line per request on stderr. */
    public MockFalOptions setLogRequests(boolean logRequests) {
        this.logRequests = logRequests;
        return this;
    }

    public long getMaxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    /** Largest submit body accepted (inputs may carry data: URIs); larger ones get 413. */
    public MockFalOptions setMaxRequestBodyBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("max request body must be positive, got " + bytes);
        }
        this.maxRequestBodyBytes = bytes;
        return this;
    }

    public ModelCatalog getCatalog() {
        return catalog;
    }

    /** Serve these endpoints instead of the openapi module's registry (null = the registry). */
    public MockFalOptions setCatalog(ModelCatalog catalog) {
        this.catalog = catalog;
        return this;
    }

    public long getOutputVideoBytes() {
        return outputVideoBytes;
    }

    /**
     * Pads every output video to at least this many bytes (0, the default: the encoded clip as it is). The padding is
     * an MP4 {@code free} box stored as a sparse file, so a 1 GiB output tests a client's download path without the
     * mock holding or writing 1 GiB.
     */
    @Option(
            names = "--output-video-bytes",
            paramLabel = "BYTES",
            description = "Pad every output video to this many bytes (sparse, still playable), e.g. 1073741824 to test"
                    + " 1 GiB downloads (default: ${DEFAULT-VALUE} = no padding).")
    public MockFalOptions setOutputVideoBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("output video bytes must be >= 0, got " + bytes);
        }
        this.outputVideoBytes = bytes;
        return this;
    }
}
