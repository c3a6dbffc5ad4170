package dev.klingmcp.contract.openapi;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The mock's routes that no OpenAPI document describes because they are not fal's: only the mock's own control API
 * ({@code /_mock/...}). Everything fal's clients touch — queue, storage initiate, upload targets, multipart parts, CDN
 * media, the webhook JWKS — is described in {@code openapi/specs/} and checked against those documents; any other
 * path that matches no document is a failure.
 */
final class UndocumentedSurfaces {

    private static final Pattern MOCK_CONTROL = Pattern.compile("[A-Z]+ /_mock(/.*)?");

    private UndocumentedSurfaces() {}

    /** Problems of an exchange on an undocumented surface (none: it is the mock's own); empty Optional otherwise. */
    static Optional<List<String>> check(RecordedExchange exchange) {
        return isMockControl(exchange) ? Optional.of(List.of()) : Optional.empty();
    }

    /** Which surface an exchange belongs to, for the suite's report. */
    static String surfaceOf(RecordedExchange exchange) {
        return isMockControl(exchange) ? "mock control" : "documented";
    }

    private static boolean isMockControl(RecordedExchange exchange) {
        return MOCK_CONTROL.matcher(exchange.method() + " " + exchange.path()).matches();
    }
}
