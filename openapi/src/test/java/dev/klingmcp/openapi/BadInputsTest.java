package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of bad inputs: each must fail with the offending field's path named, a type code, and a statement of what
 * is allowed, so that an agent can repair its call from the error alone.
 */
class BadInputsTest {

    private static final String PRO = "o3/pro/reference-to-video";

    private static final String K4 = "o3/4k/reference-to-video";

    private static final String STD = "o3/standard/image-to-video";

    private static final String IMG = "https://example.com/a.png";

    static Stream<Arguments> badInputs() {
        String longPrompt = "x".repeat(2501);
        return Stream.of(
                // model, input, path that must be named, type code, a fragment of "allowed"
                bad(PRO, "{'prompt':'a','duration':'20'}", "/duration", "enum", "\"15\""),
                bad(PRO, "{'prompt':'a','duration':8}", "/duration", "string_type", "\"8\""),
                bad(
                        STD,
                        "{'image_url':'" + IMG + "','prompt':'a','duration':5.5}",
                        "/duration",
                        "string_type",
                        "\"5\""),
                bad(PRO, "{'prompt':'a','aspect_ratio':'4:3'}", "/aspect_ratio", "enum", "\"16:9\""),
                bad(K4, "{'prompt':'a','aspect_ratio':'21:9'}", "/aspect_ratio", "enum", "\"1:1\""),
                bad(STD, "{'prompt':'a'}", "/image_url", "missing", "start frame"),
                bad(STD, "{'image_url':null,'prompt':'a'}", "/image_url", "string_type", "string"),
                bad(PRO, "{'prompt':'" + longPrompt + "'}", "/prompt", "string_too_long", "2500"),
                bad(
                        STD,
                        "{'image_url':'" + IMG + "','prompt':'" + longPrompt + "'}",
                        "/prompt",
                        "string_too_long",
                        "2500"),
                bad(
                        PRO,
                        "{'prompt':'@Element1','elements':[{'frontal_image_url':'" + IMG
                                + "','reference_image_urls':['a','b','c','d']}]}",
                        "/elements/0/reference_image_urls",
                        "too_long",
                        "3"),
                bad(PRO, "{'prompt':'a','negative_prompt':'blur'}", "/negative_prompt", "extra_forbidden", "prompt"),
                bad(
                        STD,
                        "{'image_url':'" + IMG + "','prompt':'a','aspect_ratio':'16:9'}",
                        "/aspect_ratio",
                        "extra_forbidden",
                        "image_url"),
                bad(
                        STD,
                        "{'image_url':'" + IMG + "','prompt':'a','tail_image_url':'" + IMG + "'}",
                        "/tail_image_url",
                        "extra_forbidden",
                        "end_image_url"),
                bad(
                        PRO,
                        "{'prompt':'a','input_image':['" + IMG + "']}",
                        "/input_image",
                        "extra_forbidden",
                        "image_urls"),
                bad(PRO, "{'prompt':'a','generate_audio':'yes'}", "/generate_audio", "bool_type", "boolean"),
                bad(PRO, "{'prompt':'a','shot_type':'auto'}", "/shot_type", "enum", "intelligent"),
                bad(PRO, "{'prompt':42}", "/prompt", "string_type", "string"),
                bad(PRO, "{'prompt':'a','image_urls':'" + IMG + "'}", "/image_urls", "list_type", "array"),
                bad(
                        PRO,
                        "{'multi_prompt':[{'duration':'3'}]}",
                        "/multi_prompt/0/prompt",
                        "missing",
                        "prompt for this shot"),
                bad(
                        PRO,
                        "{'multi_prompt':[{'prompt':'a','duration':'16'}]}",
                        "/multi_prompt/0/duration",
                        "enum",
                        "\"15\""),
                bad(
                        K4,
                        "{'prompt':'a','elements':[{'frontal_image_url':'" + IMG + "','reference_image_urls':['" + IMG
                                + "'],'voice':'x'}]}",
                        "/elements/0/voice",
                        "extra_forbidden",
                        "voice_id"),
                bad(
                        PRO,
                        "{'prompt':'a','elements':[{'reference_image_urls':[]}]}",
                        "/elements/0/reference_image_urls",
                        "too_short",
                        "1"),
                // cross-field rules
                bad(
                        PRO,
                        "{'prompt':'a','multi_prompt':[{'prompt':'b'}]}",
                        "/multi_prompt",
                        "value_error",
                        "exactly one"),
                bad(PRO, "{'duration':'5'}", "/prompt", "missing", "exactly one"),
                bad(
                        K4,
                        "{'prompt':'a','image_urls':['1','2','3','4','5','6','7','8']}",
                        "/image_urls",
                        "too_long",
                        "at most 7"),
                bad(
                        PRO,
                        "{'prompt':'a','elements':[{'video_url':'v.mp4'}],'image_urls':['1','2','3','4']}",
                        "/image_urls",
                        "too_long",
                        "at most 4"),
                bad(
                        K4,
                        "{'prompt':'a','elements':[{'video_url':'v.mp4'},{'video_url':'w.mp4'}]}",
                        "/elements/1/video_url",
                        "value_error",
                        "one video element"),
                bad(
                        PRO,
                        "{'prompt':'@Element3 waves','elements':[{'video_url':'v'},{'frontal_image_url':'f','reference_image_urls':['r']}]}",
                        "/prompt",
                        "value_error",
                        "@Element1..@Element2"),
                bad(
                        K4,
                        "{'prompt':'in the style of @Image2','image_urls':['" + IMG + "']}",
                        "/prompt",
                        "value_error",
                        "@Image1"),
                bad(
                        STD,
                        "{'image_url':'" + IMG + "','prompt':'like @Image1'}",
                        "/prompt",
                        "value_error",
                        "takes no references"),
                bad(
                        PRO,
                        "{'prompt':'a','end_image_url':'" + IMG + "'}",
                        "/end_image_url",
                        "value_error",
                        "start_image_url"),
                bad(
                        PRO,
                        "{'prompt':'a','elements':[{'voice_id':'v1'}]}",
                        "/elements/0",
                        "value_error",
                        "frontal_image_url"));
    }

    private static Arguments bad(
            String model, String singleQuotedJson, String path, String type, String allowedFragment) {
        return Arguments.of(model, singleQuotedJson.replace('\'', '"'), path, type, allowedFragment);
    }

    @ParameterizedTest(name = "[{index}] {0} {2} {3}")
    @MethodSource("badInputs")
    void failsWithPathNamed(String model, String json, String path, String type, String allowedFragment)
            throws Exception {
        JsonNode input = Json.MAPPER.readTree(json);
        List<Violation> violations = InputValidator.forEndpoint(
                        FalEndpoints.load().require(model), true)
                .validate(input);
        assertThat(violations)
                .as("violations of %s", json.length() > 200 ? json.substring(0, 200) : json)
                .anySatisfy(v -> {
                    assertThat(v.path()).isEqualTo(path);
                    assertThat(v.type()).isEqualTo(type);
                    assertThat(v.allowed() + " " + v.problem()).contains(allowedFragment);
                    assertThat(v.toString()).startsWith(v.field() + ": ");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notObjects")
    void nonObjectInputIsAViolationNotACrash(String json) throws Exception {
        List<Violation> violations = InputValidator.forEndpoint(
                        FalEndpoints.load().require(PRO), true)
                .validate(Json.MAPPER.readTree(json));
        assertThat(violations).singleElement().satisfies(v -> assertThat(v.path())
                .isEmpty());
    }

    static Stream<String> notObjects() {
        return Stream.of("[]", "\"prompt\"", "42", "null");
    }

    @org.junit.jupiter.api.Test
    void lenientModeIgnoresUnknownFieldsLikeFal() throws Exception {
        ObjectNode input = (ObjectNode) Json.MAPPER.readTree("{\"prompt\":\"a\",\"negative_prompt\":\"blur\"}");
        assertThat(InputValidator.forEndpoint(FalEndpoints.load().require(PRO), false)
                        .validate(input))
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    void locFollowsFalsShape() {
        Violation v = Violation.of("/elements/1/video_url", "value_error", "p", "a");
        assertThat(v.loc()).containsExactly("body", "elements", 1, "video_url");
        assertThat(v.field()).isEqualTo("elements[1].video_url");
    }
}
