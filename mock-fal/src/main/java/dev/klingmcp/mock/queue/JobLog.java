package dev.klingmcp.mock.queue;

/**
 * One line of runner output, as fal reports it in status bodies: {@code {message, level, source, timestamp}}.
 *
 * @param atMillis simulated epoch millis the line was written at
 */
public record JobLog(String message, String level, String source, long atMillis) {

    static JobLog info(String message, long atMillis) {
        return new JobLog(message, "INFO", "USER", atMillis);
    }

    static JobLog error(String message, long atMillis) {
        return new JobLog(message, "ERROR", "USER", atMillis);
    }
}
