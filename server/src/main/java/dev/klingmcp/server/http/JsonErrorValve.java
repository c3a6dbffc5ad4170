package dev.klingmcp.server.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Replaces Tomcat's HTML error page (which names Tomcat and its version, and can show a stack trace) with a short
 * JSON-RPC error object. Used for every {@code sendError} and every exception that escapes a servlet.
 */
public final class JsonErrorValve extends ErrorReportValve {

    public JsonErrorValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < HttpServletResponse.SC_BAD_REQUEST
                || response.getContentWritten() > 0
                || !response.setErrorReported()) {
            return;
        }
        String message = response.getMessage();
        if (message == null || message.isBlank() || throwable != null) {
            message = "HTTP " + status;
        }
        try {
            String json =
                    JsonErrors.JSON.writeValueAsString(JsonErrors.body(null, JsonErrors.codeFor(status), message));
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away; nothing else to tell it
        }
    }
}
