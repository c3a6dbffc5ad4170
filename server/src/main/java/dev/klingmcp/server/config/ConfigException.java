package dev.klingmcp.server.config;

/** A configuration value that can't be used; the message names the key, the bad value and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
