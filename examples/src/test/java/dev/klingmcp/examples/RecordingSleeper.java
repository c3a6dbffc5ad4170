package dev.klingmcp.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the waits a client asks for and waits a moment instead, so retry tests take milliseconds. */
final class RecordingSleeper implements Sleeper {

    final List<Duration> waits = new ArrayList<>();

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        waits.add(duration);
        Thread.sleep(10);
    }
}
