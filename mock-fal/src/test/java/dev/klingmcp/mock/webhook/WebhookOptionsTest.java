package dev.klingmcp.mock.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebhookOptionsTest {

    @Test
    void defaultsSpreadTenAttemptsOverAboutTwoHoursLikeFal() {
        WebhookOptions options = WebhookOptions.defaults();

        assertThat(options.maxAttempts()).isEqualTo(10);
        assertThat(options.delayBefore(1)).isZero();
        assertThat(options.delayBefore(2)).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.delayBefore(3)).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.delayBefore(10)).isEqualTo(Duration.ofMinutes(64));
        long totalSeconds = IntStream.rangeClosed(2, 10)
                .mapToLong(n -> options.delayBefore(n).toSeconds())
                .sum();
        assertThat(Duration.ofSeconds(totalSeconds)).isBetween(Duration.ofMinutes(110), Duration.ofMinutes(135));
    }

    @Test
    void speedDividesDelaysButKeepsThemPositive() {
        WebhookOptions fast = WebhookOptions.defaults().withSpeed(60);

        assertThat(fast.delayBefore(2)).isEqualTo(Duration.ofMillis(250));
        assertThat(WebhookOptions.defaults().withSpeed(1e9).delayBefore(2)).isEqualTo(Duration.ofMillis(1));
        assertThat(fast.attemptTimeout())
                .as("a real socket timeout is not scaled")
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void capsASingleDelay() {
        WebhookOptions options = WebhookOptions.defaults().withMaxAttempts(20);

        assertThat(options.delayBefore(20)).isEqualTo(Duration.ofMinutes(64));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> WebhookOptions.defaults().withMaxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> WebhookOptions.defaults().withSpeed(0)).hasMessageContaining("speed");
        assertThatThrownBy(() -> WebhookOptions.defaults().withAttemptTimeout(Duration.ZERO))
                .hasMessageContaining("attemptTimeout");
    }
}
