package dev.klingmcp.mock.queue;

import java.util.Random;
import java.util.UUID;

/**
 * UUIDv7-shaped request ids (48-bit millisecond timestamp, version 7, variant 10), as fal hands out in 2026. The random
 * bits come from a seeded {@link Random} so a run with a manual clock and a fixed seed gets the same ids every time.
 */
public final class RequestIds {

    private final Random random;

    public RequestIds(long seed) {
        this.random = new Random(seed);
    }

    public synchronized String next(long epochMillis) {
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16;
        msb |= 0x7000L | (random.nextInt() & 0x0FFF);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
