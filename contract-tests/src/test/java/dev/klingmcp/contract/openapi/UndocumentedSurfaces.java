package dev.klingmcp.contract.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The mock's routes that no fal OpenAPI document describes, because on fal they are not fal's API: presigned upload
 * targets and CDN downloads (a storage bucket / media host), the webhook JWKS, and the mock's own control API. Each
 * gets the check its real counterpart implies; any other path that matches no document is a failure.
 */
final class UndocumentedSurfaces {

	private static final ObjectMapper JSON = new ObjectMapper();

	private record Surface(String name, Pattern route, BiConsumer<RecordedExchange, List<String>> check) {
	}

	private static final List<Surface> SURFACES = List.of(
			new Surface("CDN video", Pattern.compile("(GET|HEAD) /cdn/videos/.+"), UndocumentedSurfaces::mediaDownload),
			new Surface("CDN file", Pattern.compile("(GET|HEAD) /cdn/files/.+"), UndocumentedSurfaces::mediaDownload),
			new Surface("presigned upload", Pattern.compile("PUT /cdn/upload/[^/]+"), UndocumentedSurfaces::success),
			// @fal-ai/client reads {partNumber, etag} from every part answer and sends them back on completion.
			new Surface("multipart part", Pattern.compile("PUT /cdn/multipart/[^/]+/\\d+"), (exchange, problems) -> {
				success(exchange, problems);
				JsonNode body = json(exchange, problems);
				if (body != null && (!body.path("partNumber").isInt() || !body.path("etag").isTextual())) {
					problems.add("part answer lacks partNumber/etag: " + exchange.bodyText());
				}
			}),
			new Surface("multipart complete", Pattern.compile("POST /cdn/multipart/[^/]+/complete"),
					UndocumentedSurfaces::success),
			new Surface("webhook JWKS", Pattern.compile("GET /\\.well-known/jwks\\.json"), (exchange, problems) -> {
				JsonNode body = json(exchange, problems);
				if (body != null && !body.path("keys").path(0).path("x").isTextual()) {
					problems.add("JWKS without keys[].x: " + exchange.bodyText());
				}
			}),
			new Surface("mock control", Pattern.compile("[A-Z]+ /_mock(/.*)?"), (exchange, problems) -> {
			}));

	private UndocumentedSurfaces() {
	}

	/** Problems of an exchange on an undocumented surface; empty Optional when it is on none of them. */
	static Optional<List<String>> check(RecordedExchange exchange) {
		String route = exchange.method() + " " + exchange.path();
		for (Surface surface : SURFACES) {
			if (surface.route().matcher(route).matches()) {
				List<String> problems = new ArrayList<>();
				surface.check().accept(exchange, problems);
				return Optional.of(problems.stream().map(p -> surface.name() + " " + route + ": " + p).toList());
			}
		}
		return Optional.empty();
	}

	/** Which surface an exchange belongs to, for the suite's report. */
	static String surfaceOf(RecordedExchange exchange) {
		String route = exchange.method() + " " + exchange.path();
		return SURFACES.stream().filter(s -> s.route().matcher(route).matches()).map(Surface::name).findFirst()
			.orElse("documented");
	}

	private static void mediaDownload(RecordedExchange exchange, List<String> problems) {
		if (exchange.status() == 200 || exchange.status() == 206) {
			if (exchange.headers().get("content-type") == null) {
				problems.add("no content-type");
			}
			if (exchange.method().equals("GET") && exchange.bodyBytes() == 0) {
				problems.add("empty body");
			}
		} else if (exchange.status() != 404 && exchange.status() != 416) {
			problems.add("status " + exchange.status());
		}
	}

	private static void success(RecordedExchange exchange, List<String> problems) {
		if (exchange.status() / 100 != 2) {
			problems.add("status " + exchange.status() + " " + exchange.bodyText());
		}
	}

	private static JsonNode json(RecordedExchange exchange, List<String> problems) {
		try {
			return JSON.readTree(exchange.bodyText());
		} catch (IOException e) {
			problems.add("not JSON: " + exchange.bodyText());
			return null;
		}
	}
}
