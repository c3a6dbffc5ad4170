package dev.klingmcp.server.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.fal.client.model.FalFile;

/**
 * A completed request's output: every Kling O3 endpoint answers {@code {"video": File}}.
 *
 * @param video the output video
 * @param raw   the whole output as fal sent it (kept in the ledger)
 */
public record FalOutput(FalFile video, JsonNode raw) {}
