package dev.klingmcp.server.jobs;

/**
 * A file now on fal storage.
 *
 * @param url         the public URL to put into a model input
 * @param fileName    the name sent to fal
 * @param contentType detected MIME type
 * @param size        bytes
 * @param parts       1 for a single PUT, else the multipart part count
 */
public record UploadView(String url, String fileName, String contentType, long size, int parts) {}
