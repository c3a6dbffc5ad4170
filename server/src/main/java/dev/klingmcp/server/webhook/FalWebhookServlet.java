package dev.klingmcp.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.jobs.JobService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives fal's completion webhooks ({@code POST /fal/webhook}): a delivery whose signature verifies, whose timestamp is
 * fresh and which was not seen before updates the job in the ledger from its payload, so a finished job needs no
 * status poll. Anything else changes nothing and is answered 401 (fal does not retry a 4xx forever; a forger learns
 * nothing). The front filter lets this path through without a bearer token: the signature is its authentication.
 */
public final class FalWebhookServlet extends HttpServlet {

    public static final String PATH = "/fal/webhook";

    /** The URL fal calls back at, on the origin clients reach this server at ({@code http.public-url}). */
    public static String urlFor(URI publicUrl) {
        return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority() + PATH;
    }

    private static final long serialVersionUID = 1L;

    private static final Logger log = LoggerFactory.getLogger(FalWebhookServlet.class);

    private final transient FalWebhookVerifier verifier;

    private final transient JobService jobs;

    private final transient ObjectMapper json = new ObjectMapper();

    public FalWebhookServlet(FalWebhookVerifier verifier, JobService jobs) {
        this.verifier = verifier;
        this.jobs = jobs;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        String requestId = request.getHeader("X-Fal-Webhook-Request-Id");
        String refused = verifier.reject(
                requestId,
                request.getHeader("X-Fal-Webhook-User-Id"),
                request.getHeader("X-Fal-Webhook-Timestamp"),
                request.getHeader("X-Fal-Webhook-Signature"),
                body);
        if (refused != null) {
            log.warn("fal webhook refused: {}", refused);
            answer(response, HttpServletResponse.SC_UNAUTHORIZED, "refused: " + refused);
            return;
        }
        JsonNode delivery;
        try {
            delivery = json.readTree(body);
        } catch (IOException e) {
            answer(response, HttpServletResponse.SC_BAD_REQUEST, "body is not JSON");
            return;
        }
        if (delivery == null || !requestId.equals(delivery.path("request_id").asText(null))) {
            // The signature covers the header's id; a body naming another job must not settle that one.
            answer(response, HttpServletResponse.SC_BAD_REQUEST, "request_id differs from the signed one");
            return;
        }
        boolean ok = "OK".equals(delivery.path("status").asText());
        boolean changed = jobs.recordCallback(
                requestId, ok, delivery.get("payload"), delivery.path("error").asText(null));
        log.info("fal webhook for {}: {} ({})", requestId, ok ? "OK" : "ERROR", changed ? "recorded" : "no change");
        answer(response, HttpServletResponse.SC_OK, changed ? "recorded" : "no change");
    }

    private static void answer(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = ("{\"status\":" + status + ",\"message\":\"" + message.replace('"', '\'') + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
