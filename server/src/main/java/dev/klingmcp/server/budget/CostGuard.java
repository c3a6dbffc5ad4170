package dev.klingmcp.server.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.jobs.CostEstimate;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the person to confirm a job whose estimate is above {@code budget.confirm-above-usd} before anything is
 * submitted. Three ways, by what the client can do:
 * <ul>
 * <li>modern (stateless) requests: an {@code input_required} result with a form elicitation and a sealed
 * {@code requestState}; the retry's answer decides;</li>
 * <li>legacy clients declaring elicitation: the SDK's {@code elicitation/create} during the call;</li>
 * <li>other legacy clients: the call must carry {@code confirm_cost_usd} equal to the estimate (the agent learns it
 * from a dry run or from this refusal, and is expected to show it to the person).</li>
 * </ul>
 * A sealed state confirms one submit only: it is bound to the caller (the token's subject over authorized HTTP), the
 * tool, the exact arguments and the price, expires after
 * {@link #STATE_TTL_SECONDS}, is refused once used, and its nonce becomes the job's idempotency key so even a replay
 * reaching another process (which has not seen it used) returns the job already submitted instead of a second one.
 */
public final class CostGuard {

    /** The key of the confirmation in {@code inputRequests} / {@code inputResponses}. */
    public static final String INPUT_KEY = "confirm_cost";

    /** The legacy argument that carries the confirmed price. */
    public static final String CONFIRM_ARG = "confirm_cost_usd";

    static final long STATE_TTL_SECONDS = 15 * 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Double confirmAboveUsd;

    private final RequestStateCodec codec;

    /** Time kept back from the call's deadline for answering after the person's confirmation came. */
    static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

    /** Waits for legacy elicitations, so that the call thread can stop waiting at its deadline. */
    private static final ExecutorService ASKING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cost-confirmation");
        t.setDaemon(true);
        return t;
    });

    private static final Logger log = LoggerFactory.getLogger(CostGuard.class);

    private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();

    private final SecureRandom random = new SecureRandom();

    /**
     * @param confirmAboveUsd estimates strictly above this need confirmation; null = never ask
     * @param codec           seals and checks {@code requestState}
     */
    public CostGuard(Double confirmAboveUsd, RequestStateCodec codec) {
        this.confirmAboveUsd = confirmAboveUsd;
        this.codec = codec;
    }

    /** Never asks. */
    public static CostGuard none() {
        return new CostGuard(null, RequestStateCodec.ephemeral());
    }

    public Double confirmAboveUsd() {
        return confirmAboveUsd;
    }

    /** The outcome of {@link #check}. */
    public sealed interface Verdict {}

    /**
     * Go ahead.
     *
     * @param idempotencyKey key to submit with when the confirmation must make a retry idempotent (else null)
     */
    public record Confirmed(String idempotencyKey) implements Verdict {}

    /** The person said no (or dismissed the question): submit nothing. */
    public record Declined(String message) implements Verdict {}

    /** A legacy call without elicitation and without a matching {@code confirm_cost_usd}: refuse as bad input. */
    public record Unconfirmed(String problem, String allowed) implements Verdict {}

    /**
     * Decides whether a job may be submitted.
     *
     * @param arguments the tool call's arguments as sent (the state is bound to them)
     * @throws InputRequiredException on the modern lane when the person has not answered yet
     * @throws RequestStateException  when a modern retry carries a state that is not one we issued for this call
     */
    public Verdict check(
            McpSyncServerExchange exchange,
            String tool,
            JsonNode arguments,
            FalEndpoint endpoint,
            CostEstimate estimate) {
        if (confirmAboveUsd == null || estimate.usd() <= confirmAboveUsd) {
            return new Confirmed(null);
        }
        Object modern = exchange.transportContext() == null
                ? null
                : exchange.transportContext().get(MrtrContext.KEY);
        if (modern instanceof MrtrContext mrtr) {
            return modern(mrtr, tool, arguments, endpoint, estimate);
        }
        return legacy(exchange, arguments, endpoint, estimate);
    }

    private Verdict modern(
            MrtrContext mrtr, String tool, JsonNode arguments, FalEndpoint endpoint, CostEstimate estimate) {
        String argsDigest = RequestStateCodec.digest(withoutConfirmation(arguments));
        if (mrtr.requestState() == null) {
            if (!mrtr.elicitationForm()) {
                // Without a way to ask, the legacy argument is the only confirmation this client can give.
                return argumentConfirmation(arguments, estimate);
            }
            ObjectNode payload = JSON.createObjectNode()
                    .put("sub", mrtr.principal() == null ? "" : mrtr.principal())
                    .put("tool", tool)
                    .put("args", argsDigest)
                    .put("usd", estimate.usd())
                    .put("nonce", HexFormat.of().formatHex(nonce()));
            ObjectNode requests = JSON.createObjectNode();
            requests.set(INPUT_KEY, elicitation(endpoint, estimate));
            throw new InputRequiredException(requests, codec.seal(payload, STATE_TTL_SECONDS));
        }
        JsonNode state = codec.open(mrtr.requestState())
                .orElseThrow(() -> new RequestStateException(
                        "requestState is not valid: it was altered, expired, or issued by another install"));
        if (!state.path("sub").asText().equals(mrtr.principal() == null ? "" : mrtr.principal())) {
            throw new RequestStateException("requestState was issued to another caller");
        }
        if (!tool.equals(state.path("tool").asText())
                || !argsDigest.equals(state.path("args").asText())
                || Math.abs(state.path("usd").asDouble() - estimate.usd()) > 0.000_001) {
            throw new RequestStateException(
                    "requestState was issued for other arguments; call the tool again without it");
        }
        String nonce = state.path("nonce").asText();
        JsonNode answer =
                mrtr.inputResponses() == null ? null : mrtr.inputResponses().get(INPUT_KEY);
        if (answer == null || !answer.isObject()) {
            // Asked but not answered: ask again with the same state, not an error.
            ObjectNode requests = JSON.createObjectNode();
            requests.set(INPUT_KEY, elicitation(endpoint, estimate));
            throw new InputRequiredException(requests, mrtr.requestState());
        }
        if (!usedNonces.add(nonce)) {
            throw new RequestStateException("requestState was already used; a confirmation covers one submit only");
        }
        boolean accepted = "accept".equals(answer.path("action").asText())
                && answer.path("content").path("confirm").asBoolean(false);
        if (!accepted) {
            return declined(estimate);
        }
        return new Confirmed("confirmed-" + nonce);
    }

    private Verdict legacy(
            McpSyncServerExchange exchange, JsonNode arguments, FalEndpoint endpoint, CostEstimate estimate) {
        ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.elicitation() == null) {
            return argumentConfirmation(arguments, estimate);
        }
        JsonNode request = elicitation(endpoint, estimate).path("params");
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = JSON.convertValue(request.path("requestedSchema"), Map.class);
        ElicitFormRequest ask = ElicitFormRequest.builder(
                        request.path("message").asText(), schema)
                .build();
        Duration left = CallDeadline.remainingHere();
        ElicitResult answer;
        if (left == null) {
            answer = exchange.createElicitation(ask);
        } else {
            // The person's answer must come while the call can still be answered: an answer after the deadline would
            // submit a job the agent was never told about (it was told the call timed out, and calls again).
            Duration wait = left.minus(ANSWER_MARGIN);
            Future<ElicitResult> asked = ASKING.submit(() -> exchange.createElicitation(ask));
            try {
                if (wait.isNegative()) {
                    throw new TimeoutException();
                }
                answer = asked.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                asked.cancel(true);
                return new Declined("The user did not answer the price confirmation (" + usd(estimate.usd()) + ", "
                        + estimate.basis() + ") within " + Math.max(0, wait.toSeconds())
                        + " s; nothing was submitted or charged. Call generate again when they can answer.");
            } catch (ExecutionException e) {
                // A client that declares elicitation but cannot answer it: the argument is the way left.
                log.warn(
                        "the client could not answer the price confirmation: {}",
                        e.getCause().toString());
                return argumentConfirmation(arguments, estimate);
            } catch (InterruptedException e) {
                asked.cancel(true);
                Thread.currentThread().interrupt();
                return declined(estimate);
            }
        }
        boolean accepted = answer != null
                && answer.action() == ElicitResult.Action.ACCEPT
                && answer.content() != null
                && Boolean.TRUE.equals(answer.content().get("confirm"));
        return accepted ? new Confirmed(null) : declined(estimate);
    }

    private Verdict argumentConfirmation(JsonNode arguments, CostEstimate estimate) {
        JsonNode given = arguments == null ? null : arguments.get(CONFIRM_ARG);
        if (given != null && given.isNumber() && Math.abs(given.asDouble() - estimate.usd()) < 0.005) {
            return new Confirmed(null);
        }
        String price = usd(estimate.usd());
        String problem = given == null
                ? "this job costs " + price + " (" + estimate.basis() + "), above the confirmation threshold of "
                        + usd(confirmAboveUsd) + "; show the price to the user and, if they agree, call again with "
                        + CONFIRM_ARG + ": " + plain(estimate.usd())
                : CONFIRM_ARG + " is " + given + " but this job costs " + price + " (" + estimate.basis() + ")";
        return new Unconfirmed(problem, "the estimate in dollars, " + plain(estimate.usd()));
    }

    private static Verdict declined(CostEstimate estimate) {
        return new Declined("The user did not confirm the price of " + usd(estimate.usd()) + " (" + estimate.basis()
                + "); nothing was submitted or charged.");
    }

    /** The form elicitation asking the person to confirm the price. */
    static ObjectNode elicitation(FalEndpoint endpoint, CostEstimate estimate) {
        ObjectNode request = JSON.createObjectNode().put("method", "elicitation/create");
        ObjectNode params = request.putObject("params");
        params.put("mode", "form");
        params.put(
                "message",
                "Generate a " + estimate.seconds() + " s video with " + endpoint.shortName() + " (audio "
                        + (estimate.audio() ? "on" : "off") + ") for about " + usd(estimate.usd()) + " ("
                        + estimate.basis() + ")? This is charged to the fal account.");
        ObjectNode schema = params.putObject("requestedSchema").put("type", "object");
        schema.putObject("properties")
                .putObject("confirm")
                .put("type", "boolean")
                .put("title", "Spend " + usd(estimate.usd()))
                .put("description", "Yes to submit the job and pay for it");
        schema.putArray("required").add("confirm");
        return request;
    }

    private static JsonNode withoutConfirmation(JsonNode arguments) {
        if (arguments instanceof ObjectNode o && o.has(CONFIRM_ARG)) {
            ObjectNode copy = o.deepCopy();
            copy.remove(CONFIRM_ARG);
            return copy;
        }
        return arguments == null ? JSON.createObjectNode() : arguments;
    }

    private byte[] nonce() {
        byte[] n = new byte[16];
        random.nextBytes(n);
        return n;
    }

    private static String usd(double v) {
        return String.format(Locale.ROOT, "$%.2f", v);
    }

    private static String plain(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
