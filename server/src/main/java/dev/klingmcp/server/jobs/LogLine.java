package dev.klingmcp.server.jobs;

/** One fal log entry; fal sometimes omits level/source/timestamp, so any of them may be null. */
public record LogLine(String message, String level, String source, String timestamp) {}
