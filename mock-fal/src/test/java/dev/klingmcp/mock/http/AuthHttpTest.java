package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import org.junit.jupiter.api.Test;

class AuthHttpTest {

    @Test
    void onlyConfiguredKeysPassAndTheKeyIsNeverEchoed() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            Response none = mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().get("detail").asText()).contains("Authorization: Key");
            assertThat(none.header("x-fal-request-id")).isNotBlank();

            Response wrong = mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", "Key wrong-secret-123");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("wrong-secret-123").contains("Invalid API key");

            Response bearer =
                    mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", "Bearer " + MockFalHarness.KEY);
            assertThat(bearer.status()).isEqualTo(401);

            assertThat(mock.post("/" + STANDARD, STANDARD_INPUT).status()).isEqualTo(200);
            assertThat(mock.control().submits().get(STANDARD).accepted()).isEqualTo(1);
        }
    }

    @Test
    void everyQueueCallIsGuarded() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            String base = "/fal-ai/kling-video/requests/" + id;
            assertThat(mock.get(base + "/status", "Authorization", null).status())
                    .isEqualTo(401);
            assertThat(mock.get(base + "/status/stream", "Authorization", null).status())
                    .isEqualTo(401);
            assertThat(mock.get(base, "Authorization", null).status()).isEqualTo(401);
            assertThat(mock.put(base + "/cancel", null, "Authorization", null).status())
                    .isEqualTo(401);
            assertThat(mock.get(base + "/status").status()).isEqualTo(202);
        }
    }

    @Test
    void withoutConfiguredKeysAnyKeyPasses() {
        ApiKeyAuth open = new ApiKeyAuth(java.util.Set.of(), false);
        assertThat(open.refusal("Key anything")).isEmpty();
        assertThat(open.refusal("key  spaced-and-lower-case ")).isEmpty();
        assertThat(open.refusal((String) null)).isPresent();
        assertThat(open.refusal("Key ")).isPresent();
    }

    @Test
    void publicModeAcceptsKeylessCallsButStillChecksASentKey() {
        try (MockFalHarness mock = MockFalHarness.start(o -> o.setPublicMode(true))) {
            assertThat(mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", null)
                            .status())
                    .isEqualTo(200);
            assertThat(mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", "Key not-a-key")
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void cdnAndJwksNeedNoKey() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            assertThat(mock.get("/.well-known/jwks.json", "Authorization", null).status())
                    .isEqualTo(200);
        }
    }
}
