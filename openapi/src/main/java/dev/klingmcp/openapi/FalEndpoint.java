package dev.klingmcp.openapi;

import java.util.Objects;

/**
 * One fal endpoint this project serves, as declared in {@code openapi/registry.json}.
 *
 * <p>The endpoint id {@code fal-ai/kling-video/o3/pro/reference-to-video} splits into owner {@code fal-ai}, app
 * {@code kling-video} and path {@code o3/pro/reference-to-video}: fal submits on the full id but answers status, result
 * and cancel on {@code owner/app} only.
 *
 * @param id                      full fal endpoint id
 * @param title                   human title
 * @param summary                 one paragraph an agent can choose a model from
 * @param document                classpath resource of the endpoint's OpenAPI document
 * @param inputComponent          component name of the input schema in that document
 * @param outputComponent         component name of the output schema in that document
 * @param references              limits on elements and reference images
 * @param endFrameNeedsStartFrame whether {@code end_image_url} is only accepted together with a start frame
 * @param timing                  typical real-time queue and run durations
 * @param pricing                 default price per second of generated video
 */
public record FalEndpoint(
        String id,
        String title,
        String summary,
        String document,
        String inputComponent,
        String outputComponent,
        ReferenceRules references,
        boolean endFrameNeedsStartFrame,
        Timing timing,
        Pricing pricing) {

    public FalEndpoint {
        Objects.requireNonNull(id, "id == null");
        if (id.split("/").length < 3) {
            throw new IllegalArgumentException("endpoint id must be owner/app/path: " + id);
        }
    }

    /** {@code fal-ai}. */
    public String owner() {
        return id.substring(0, id.indexOf('/'));
    }

    /** {@code kling-video}. */
    public String app() {
        return id.split("/", -1)[1];
    }

    /** {@code fal-ai/kling-video}: the prefix fal's status, result and cancel URLs use. */
    public String appId() {
        return owner() + "/" + app();
    }

    /** {@code o3/pro/reference-to-video}: also accepted as a short model name. Everything after the app's slash. */
    public String shortName() {
        return id.substring(id.indexOf('/', id.indexOf('/') + 1) + 1);
    }

    /**
     * Limits on {@code elements} and {@code image_urls}.
     *
     * @param supported         whether the endpoint takes elements / reference images at all
     * @param maxTotal          max {@code elements + image_urls} without a video element
     * @param maxTotalWithVideo max {@code elements + image_urls} when an element has a {@code video_url}
     * @param maxVideoElements  max elements carrying a {@code video_url}
     */
    public record ReferenceRules(boolean supported, int maxTotal, int maxTotalWithVideo, int maxVideoElements) {}

    /**
     * Typical real-time durations on fal, used for ETAs and by the mock's clock.
     *
     * @param queueSeconds    typical wait before the job starts
     * @param runSecondsPer5s typical run time for 5 seconds of video (scales linearly with duration)
     */
    public record Timing(double queueSeconds, double runSecondsPer5s) {

        /** Typical run time for a clip of {@code videoSeconds}. */
        public double runSeconds(int videoSeconds) {
            return runSecondsPer5s * videoSeconds / 5.0;
        }
    }

    /**
     * Default prices; fal bills per second of generated video.
     *
     * @param usdPerSecondAudioOff price with {@code generate_audio=false}
     * @param usdPerSecondAudioOn  price with {@code generate_audio=true}
     */
    public record Pricing(double usdPerSecondAudioOff, double usdPerSecondAudioOn) {

        public double perSecond(boolean audio) {
            return audio ? usdPerSecondAudioOn : usdPerSecondAudioOff;
        }
    }
}
