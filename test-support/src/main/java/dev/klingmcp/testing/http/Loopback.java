package dev.klingmcp.testing.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * 127.0.0.1 as an address, never as a name to resolve: tests bind and connect to IPv4 loopback exactly, whatever the
 * machine's resolver or IPv6 preference says (the URLs they build say 127.0.0.1 too).
 */
public final class Loopback {

    private static final InetAddress IPV4 = ipv4();

    private Loopback() {}

    /** 127.0.0.1. */
    public static InetAddress address() {
        return IPV4;
    }

    /** 127.0.0.1:{@code port} ({@code 0}: any free port when binding). */
    public static InetSocketAddress socket(int port) {
        return new InetSocketAddress(IPV4, port);
    }

    private static InetAddress ipv4() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a four-byte address is always valid", e);
        }
    }
}
