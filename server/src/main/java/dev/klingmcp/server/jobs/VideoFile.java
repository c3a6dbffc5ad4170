package dev.klingmcp.server.jobs;

/** fal's {@code File} for the output video; everything but the URL may be null. */
public record VideoFile(String url, String contentType, String fileName, Long fileSize) {}
