package dev.klingmcp.server.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What one stateless POST's response becomes: an SSE stream once there is something to send before the answer, unless
 * the client's {@code Accept} header rules SSE out, in which case the answer is plain JSON whatever happened before it.
 */
class HttpChannelTest {

    @Test
    void acceptHeadersThatAllowAnEventStream() {
        assertThat(HttpChannel.acceptsEventStream(null)).isTrue();
        assertThat(HttpChannel.acceptsEventStream("")).isTrue();
        assertThat(HttpChannel.acceptsEventStream("application/json, text/event-stream"))
                .isTrue();
        assertThat(HttpChannel.acceptsEventStream("application/json;q=1, TEXT/Event-Stream;q=0.5"))
                .isTrue();
        assertThat(HttpChannel.acceptsEventStream("*/*")).isTrue();
        assertThat(HttpChannel.acceptsEventStream("text/*")).isTrue();

        assertThat(HttpChannel.acceptsEventStream("application/json")).isFalse();
        assertThat(HttpChannel.acceptsEventStream("application/json, text/event-stream;q=0"))
                .isFalse();
        assertThat(HttpChannel.acceptsEventStream("application/json, */*; q=0.000"))
                .isFalse();
    }

    @Test
    void aClientThatAcceptsOnlyJsonGetsItsAnswerAsJsonAfterNotificationsAndProbes() {
        Recorded response = new Recorded();
        HttpChannel channel = new HttpChannel(response.proxy(), null, "application/json");

        assertThat(channel.streamAccepted()).isFalse();
        assertThat(channel.send(notification())).isTrue();
        assertThat(channel.keepAlive()).isTrue();
        assertThat(channel.probe()).isTrue();
        assertThat(response.body()).isEmpty();

        channel.finish(new ModernServer.Reply(answer(), 200));
        assertThat(response.contentType).isEqualTo("application/json");
        assertThat(response.body()).isEqualTo(answer().toString());
    }

    @Test
    void aClientThatAcceptsBothGetsTheNotificationThenTheAnswerAsEvents() {
        Recorded response = new Recorded();
        HttpChannel channel = new HttpChannel(response.proxy(), null, "application/json, text/event-stream");

        assertThat(channel.streamAccepted()).isTrue();
        assertThat(channel.send(notification())).isTrue();
        channel.finish(new ModernServer.Reply(answer(), 200));

        assertThat(response.contentType).isEqualTo("text/event-stream");
        assertThat(response.body())
                .isEqualTo("event: message\ndata: " + notification() + "\n\n" + "event: message\ndata: " + answer()
                        + "\n\n");
    }

    @Test
    void answersOfEverySizeOnOneThreadEachGoOutWholeWithTheirOwnLength() {
        // The answer's bytes are serialised in a buffer the thread keeps: a long answer, then a short one, then one
        // larger than the kept size, then a short one again, must each be exactly their own JSON.
        for (int size : new int[] {3_000, 10, ReplyBytes.KEPT * 3, 0, 500}) {
            ObjectNode a = answer();
            ((ObjectNode) a.get("result")).put("text", "é".repeat(size));
            Recorded response = new Recorded();
            new HttpChannel(response.proxy(), null, "application/json").finish(new ModernServer.Reply(a, 200));

            assertThat(response.body()).isEqualTo(a.toString());
            assertThat(response.contentLength).isEqualTo(a.toString().getBytes(StandardCharsets.UTF_8).length);
        }
    }

    private static ObjectNode notification() {
        ObjectNode n =
                ModernJson.MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/progress");
        n.putObject("params").put("progressToken", "t").put("progress", 1);
        return n;
    }

    private static ObjectNode answer() {
        ObjectNode a =
                ModernJson.MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", 7);
        a.putObject("result").put("resultType", "complete");
        return a;
    }

    /** An HttpServletResponse that keeps its content type and body (only what the channel uses is answered). */
    private static final class Recorded {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private String contentType;
        private Integer contentLength;

        String body() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {}

                @Override
                public void write(int b) {
                    bytes.write(b);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(
                    HttpServletResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class},
                    (self, method, args) -> switch (method.getName()) {
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "setContentLength" -> {
                            contentLength = (Integer) args[0];
                            yield null;
                        }
                        case "getOutputStream" -> out;
                        default -> null;
                    });
        }
    }
}
