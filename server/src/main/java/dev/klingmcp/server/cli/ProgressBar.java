package dev.klingmcp.server.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for a terminal (stderr): redrawn in place with {@code \r}; log lines are printed above it.
 * When the stream is not a terminal (CI logs) each update is its own line, so nothing is lost.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;

    private final boolean inPlace;

    private String current = "";

    /**
     * A bar redrawn in place when this process has a terminal, else plain lines. JDK 22+ always has a console object, so
     * there {@code isTerminal()} (looked up reflectively: this code is compiled for Java 17) decides.
     */
    @SuppressWarnings("SystemConsoleNull")
    static ProgressBar onTerminal(PrintStream out) {
        java.io.Console console = System.console();
        boolean terminal = console != null;
        if (terminal && Runtime.version().feature() >= 22) {
            try {
                terminal =
                        (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                terminal = false;
            }
        }
        return new ProgressBar(out, terminal);
    }

    ProgressBar(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    synchronized void update(double progress, Double total, String message) {
        double fraction = total == null || total <= 0 ? 0 : Math.max(0, Math.min(1, progress / total));
        int filled = (int) Math.round(fraction * WIDTH);
        current = String.format(
                Locale.ROOT,
                "[%s%s] %3.0f%% %s",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                fraction * 100,
                message == null ? "" : message);
        if (inPlace) {
            out.print("\r" + current + "\u001b[K");
            out.flush();
        } else {
            out.println(current);
        }
    }

    /** A line printed above the bar (fal's log lines). */
    synchronized void log(String line) {
        if (inPlace) {
            out.print("\r\u001b[K" + line + "\n" + current);
            out.flush();
        } else {
            out.println(line);
        }
    }

    synchronized void finish() {
        if (inPlace && !current.isEmpty()) {
            out.println();
        }
        current = "";
    }
}
