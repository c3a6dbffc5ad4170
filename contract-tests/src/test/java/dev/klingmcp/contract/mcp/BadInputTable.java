package dev.klingmcp.contract.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The foundation's table of bad inputs, read from its one home,
 * {@code openapi/src/test/java/dev/klingmcp/openapi/BadInputsTest.java}, rather than copied: a row added there is
 * automatically sent through the MCP server here. The rows are calls {@code bad(model, json, path, type, allowed)}
 * whose arguments are string literals, the file's {@code String} constants and {@code +}; anything else is reported
 * as unreadable instead of being skipped, and the row count is checked against the number of {@code bad(} calls.
 */
final class BadInputTable {

    /**
     * One row.
     *
     * @param model   short model name
     * @param json    the input (the table writes JSON with single quotes; already turned into double quotes)
     * @param path    JSON Pointer the error must name
     * @param type    the validator's type code
     * @param allowed fragment of the "allowed"/"problem" text
     */
    record Row(String model, String json, String path, String type, String allowed) {

        @Override
        public String toString() {
            return model + " " + path + " " + type;
        }
    }

    private static final Pattern CONSTANT = Pattern.compile("String\\s+(\\w+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*;");

    private static final Pattern REPEATED =
            Pattern.compile("String\\s+(\\w+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\.repeat\\((\\d+)\\)\\s*;");

    private static final Pattern CALL = Pattern.compile("(?<![\\w.])bad\\(");

    private BadInputTable() {}

    static Path source() {
        return Path.of(System.getProperty(
                        "contract.badInputsSource", "../openapi/src/test/java/dev/klingmcp/openapi/BadInputsTest.java"))
                .toAbsolutePath()
                .normalize();
    }

    static List<Row> rows() {
        String java;
        try {
            java = Files.readString(source());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bad-input table " + source(), e);
        }
        Map<String, String> constants = new HashMap<>();
        Matcher c = CONSTANT.matcher(java);
        while (c.find()) {
            constants.put(c.group(1), unescape(c.group(2)));
        }
        Matcher r = REPEATED.matcher(java);
        while (r.find()) {
            constants.put(r.group(1), unescape(r.group(2)).repeat(Integer.parseInt(r.group(3))));
        }
        List<Row> rows = new ArrayList<>();
        Matcher call = CALL.matcher(java);
        while (call.find()) {
            if (java.substring(Math.max(0, call.start() - 10), call.start()).contains("Arguments")) {
                continue; // the helper's own declaration
            }
            List<String> args = arguments(java, call.end(), constants);
            if (args.size() != 5) {
                throw new IllegalStateException(
                        "unreadable row at offset " + call.start() + " of " + source() + ": " + args);
            }
            rows.add(new Row(args.get(0), args.get(1).replace('\'', '"'), args.get(2), args.get(3), args.get(4)));
        }
        return rows;
    }

    /** Evaluates {@code "lit" + CONST + "lit", …} up to the call's closing parenthesis. */
    private static List<String> arguments(String java, int from, Map<String, String> constants) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = from;
        while (i < java.length()) {
            char ch = java.charAt(i);
            if (Character.isWhitespace(ch) || ch == '+') {
                i++;
            } else if (ch == '"') {
                int end = i + 1;
                while (java.charAt(end) != '"') {
                    end += java.charAt(end) == '\\' ? 2 : 1;
                }
                current.append(unescape(java.substring(i + 1, end)));
                i = end + 1;
            } else if (ch == ',' || ch == ')') {
                args.add(current.toString());
                current.setLength(0);
                i++;
                if (ch == ')') {
                    return args;
                }
            } else if (Character.isJavaIdentifierStart(ch)) {
                int end = i;
                while (Character.isJavaIdentifierPart(java.charAt(end))) {
                    end++;
                }
                String name = java.substring(i, end);
                String value = constants.get(name);
                if (value == null) {
                    throw new IllegalStateException(
                            "bad-input table uses '" + name + "', which is not a String constant");
                }
                current.append(value);
                i = end;
            } else {
                throw new IllegalStateException("unexpected '" + ch + "' in a bad-input row at offset " + i);
            }
        }
        throw new IllegalStateException("unterminated bad-input row");
    }

    private static String unescape(String literal) {
        return literal.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** How many {@code bad(} calls the file holds (minus the helper's declaration): each must have become a row. */
    static long callCount() {
        try {
            String java = Files.readString(source());
            return CALL.matcher(java).results().count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
