package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/**
 * Writes a JSON tree to bytes exactly as {@link ModernJson#MAPPER} (Jackson's defaults) does, for the node kinds an
 * answer is built of: objects, arrays, strings, ints, longs, finite doubles, booleans and nulls. Jackson's generator
 * checks its writing context and looks up a serializer for every value and name; for a status answer (about 2 KB,
 * 80 values) that was a tenth of the server's time per call. Any other kind (big numbers, floats, binary, POJOs, a
 * NaN) makes {@link #write} answer false, and the caller writes the whole tree with Jackson instead.
 */
final class JsonTreeBytes {

    private JsonTreeBytes() {}

    /** Writes {@code node}; false (with {@code out} partly written) when the tree holds a kind this does not write. */
    static boolean write(JsonNode node, ReplyBytes out) {
        if (node instanceof ObjectNode object) {
            out.ascii('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (!first) {
                    out.ascii(',');
                }
                first = false;
                out.quoted(field.getKey());
                out.ascii(':');
                if (!write(field.getValue(), out)) {
                    return false;
                }
            }
            out.ascii('}');
            return true;
        }
        if (node instanceof ArrayNode array) {
            out.ascii('[');
            for (int i = 0; i < array.size(); i++) {
                if (i > 0) {
                    out.ascii(',');
                }
                if (!write(array.get(i), out)) {
                    return false;
                }
            }
            out.ascii(']');
            return true;
        }
        if (node instanceof TextNode text) {
            out.quoted(text.textValue());
            return true;
        }
        if (node instanceof IntNode || node instanceof LongNode) {
            out.ascii(Long.toString(node.longValue()));
            return true;
        }
        if (node instanceof DoubleNode number && Double.isFinite(number.doubleValue())) {
            out.ascii(Double.toString(number.doubleValue()));
            return true;
        }
        if (node instanceof BooleanNode) {
            out.ascii(node.booleanValue() ? "true" : "false");
            return true;
        }
        if (node instanceof NullNode) {
            out.ascii("null");
            return true;
        }
        return false;
    }
}
