package dev.klingmcp.mock.media;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fal's {@code File} object as it appears in model outputs ({@code {"url","content_type","file_name","file_size"}}).
 *
 * @param url         absolute URL on the mock's CDN route
 * @param contentType MIME type served with the bytes
 * @param fileName    name fal reports (e.g. {@code output.mp4})
 * @param fileSize    exact byte count of what the URL serves
 */
public record MediaFile(String url, String contentType, String fileName, long fileSize) {

    /** The fal wire form with snake_case keys, ready for Jackson or Vert.x JSON. Insertion order matches fal's. */
    public Map<String, Object> toFalJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("url", url);
        json.put("content_type", contentType);
        json.put("file_name", fileName);
        json.put("file_size", fileSize);
        return json;
    }
}
