package dev.klingmcp.mock;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads a command-line number of seconds ("10", "0.5") as a {@link Duration}, the unit people type. */
final class Seconds implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    /** The inverse, for showing a default in {@code --help}: whole seconds without a fraction. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
