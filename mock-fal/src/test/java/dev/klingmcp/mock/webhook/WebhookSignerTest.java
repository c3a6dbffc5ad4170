package dev.klingmcp.mock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signsTheDocumentedMessage() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertThat(new String(WebhookSigner.signedMessage("r", "u", 1700000000L, body), StandardCharsets.UTF_8))
                .isEqualTo("r\nu\n1700000000\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    @Test
    void aSeedGivesTheSameKeysAndSignaturesEveryTime() {
        WebhookSigner one = WebhookSigner.fromSeed(42);
        WebhookSigner two = WebhookSigner.fromSeed(42);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(two.rawPublicKey()).isEqualTo(one.rawPublicKey());
        assertThat(two.keyId()).isEqualTo(one.keyId());
        assertThat(two.sign("r", "u", 1, body))
                .isEqualTo(one.sign("r", "u", 1, body))
                .hasSize(128);
        assertThat(WebhookSigner.fromSeed(43).rawPublicKey()).isNotEqualTo(one.rawPublicKey());
        assertThat(WebhookSigner.generate().rawPublicKey())
                .isNotEqualTo(WebhookSigner.generate().rawPublicKey());
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesOneOkpKeyWithItsId() {
        WebhookSigner signer = WebhookSigner.fromSeed(7);

        List<Map<String, Object>> keys =
                (List<Map<String, Object>>) signer.jwks().get("keys");

        assertThat(keys).singleElement().satisfies(key -> {
            assertThat(key)
                    .containsEntry("kty", "OKP")
                    .containsEntry("crv", "Ed25519")
                    .containsEntry("kid", signer.keyId());
            assertThat((String) key.get("x")).hasSize(43).doesNotContain("=", "+", "/");
        });
    }
}
