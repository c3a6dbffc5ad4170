package dev.klingmcp.mock.storage;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token fal_client (Python) gets from {@code POST /storage/auth/token} before uploading to
 * {@code POST {base_url}/files/upload} with {@code Authorization: {token_type} {token}}.
 *
 * @param token     opaque bearer secret
 * @param tokenType always {@code Bearer}
 * @param baseUrl   absolute mock URL standing in for {@code https://v3.fal.media}
 * @param expiresAt after this the upload route answers 401; the client compares it with its clock to refresh
 */
public record StorageToken(String token, String tokenType, String baseUrl, Instant expiresAt) {

    public Map<String, Object> toFalJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", token);
        json.put("token_type", tokenType);
        json.put("base_url", baseUrl);
        json.put("expires_at", expiresAt.toString());
        return json;
    }
}
