package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.fal.FalException;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FalErrorsTest {

    private static final String KEY = "key-id-4711:secret-part-0815";

    /**
     * A gateway that echoes the Authorization header in its 401 body: the key must be gone from the message, the parsed
     * body (which the ledger stores as the job's error) and the error type, whole or by its secret half.
     */
    @Test
    void anErrorBodyEchoingTheKeyIsScrubbedBeforeAnythingKeepsIt() {
        FalErrors errors = new FalErrors(FalKey.of(KEY), new ObjectMapper());
        HttpHeaders headers = HttpHeaders.of(Map.of("x-fal-error-type", List.of("bad key Key " + KEY)), (a, b) -> true);
        FalException e = errors.http(
                "submitting",
                401,
                headers,
                "{\"detail\":\"Invalid credentials: Key " + KEY + "\",\"hint\":\"secret was secret-part-0815\"}");
        assertThat(e.getMessage()).doesNotContain("secret-part-0815").contains("401");
        assertThat(e.body().toString()).doesNotContain("secret-part-0815").contains("Invalid credentials");
        assertThat(String.valueOf(e.errorType())).doesNotContain("secret-part-0815");
    }
}
