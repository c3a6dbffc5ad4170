package dev.klingmcp.server.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stateless lane's answer writer must give exactly Jackson's bytes, or decline so that Jackson writes them. */
class JsonTreeBytesTest {

    private static final String[] TEXTS = {
        "", "job_id", "RUNNING", "5 s × $0.224/s (o3/pro, audio off) = $1.12", "line\nbreak \"quoted\" back\\slash",
        "\b\t\f\r\u0000\u0001\u001f\u007f", "a\uD83D\uDE00b", "\uD800 lone", "lone \uDC00", "é€\u2028\u00ff\u0100",
        "/slash </script>", "2026-11-27T05:57:51.122Z"
    };

    @Test
    void writesWhatJacksonWritesForEveryKindItHandles() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 3_000; i++) {
            JsonNode tree = random(random, 0);
            ReplyBytes out = ReplyBytes.take();
            try {
                assertThat(JsonTreeBytes.write(tree, out)).as("%s", tree).isTrue();
                assertThat(bytes(out)).isEqualTo(ModernJson.MAPPER.writeValueAsBytes(tree));
            } finally {
                out.release();
            }
        }
    }

    @Test
    void declinesWhatItDoesNotWriteSoJacksonWritesIt() {
        for (JsonNode odd : new JsonNode[] {
            ModernJson.MAPPER.getNodeFactory().numberNode(new BigInteger("123456789012345678901234567890")),
            ModernJson.MAPPER.getNodeFactory().numberNode(new BigDecimal("1.10")),
            ModernJson.MAPPER.getNodeFactory().numberNode(0.1f),
            ModernJson.MAPPER.getNodeFactory().numberNode(Double.NaN),
            ModernJson.MAPPER.getNodeFactory().binaryNode(new byte[] {1, 2}),
            ModernJson.MAPPER.getNodeFactory().pojoNode(new Object())
        }) {
            ObjectNode tree = ModernJson.object().put("ok", 1);
            tree.putArray("list").add("x").add(odd);
            ReplyBytes out = ReplyBytes.take();
            try {
                assertThat(JsonTreeBytes.write(tree, out)).as("%s", odd).isFalse();
            } finally {
                out.release();
            }
        }
    }

    private static byte[] bytes(ReplyBytes out) throws Exception {
        java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
        out.writeTo(copy);
        return copy.toByteArray();
    }

    private static JsonNode random(Random random, int depth) {
        int kind = depth > 4 ? 2 + random.nextInt(7) : random.nextInt(9);
        switch (kind) {
            case 0 -> {
                ObjectNode o = ModernJson.object();
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    o.set(text(random) + i, random(random, depth + 1));
                }
                return o;
            }
            case 1 -> {
                ArrayNode a = ModernJson.MAPPER.createArrayNode();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.add(random(random, depth + 1));
                }
                return a;
            }
            case 2, 3 -> {
                return ModernJson.MAPPER.getNodeFactory().textNode(text(random));
            }
            case 4 -> {
                return ModernJson.MAPPER.getNodeFactory().numberNode(random.nextInt() >> random.nextInt(31));
            }
            case 5 -> {
                return ModernJson.MAPPER.getNodeFactory().numberNode(random.nextLong() >> random.nextInt(63));
            }
            case 6 -> {
                double[] special = {0.0, -0.0, 318.0, 0.224, 1.12, 1e21, 1e-7, Double.MAX_VALUE, Double.MIN_VALUE};
                return ModernJson.MAPPER
                        .getNodeFactory()
                        .numberNode(
                                random.nextBoolean()
                                        ? special[random.nextInt(special.length)]
                                        : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
            }
            case 7 -> {
                return ModernJson.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            }
            default -> {
                return ModernJson.MAPPER.getNodeFactory().nullNode();
            }
        }
    }

    private static String text(Random random) {
        if (random.nextInt(4) == 0) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(20);
            for (int i = 0; i < n; i++) {
                s.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
            }
            return s.toString();
        }
        return TEXTS[random.nextInt(TEXTS.length)];
    }
}
