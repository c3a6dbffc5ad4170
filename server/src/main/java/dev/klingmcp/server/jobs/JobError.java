package dev.klingmcp.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Why a job failed, as fal said it.
 *
 * @param message    readable summary (for a 422: the first detail's loc + msg)
 * @param errorType  fal's {@code error_type} / {@code X-Fal-Error-Type} / the first detail's {@code type}; may be null
 * @param httpStatus status of the result GET that reported it, 0 if it came from the status answer
 * @param detail     fal's {@code detail} exactly as sent (an array of {loc,msg,type,ctx,...} or a string); may be null
 */
public record JobError(String message, String errorType, int httpStatus, JsonNode detail) {}
