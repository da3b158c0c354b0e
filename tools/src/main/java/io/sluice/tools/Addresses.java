package io.sluice.tools;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Parsing of {@code host:port[,host:port...]} as the tools take it, with a message that says what is wrong. */
public final class Addresses {
    private Addresses() {
    }

    public static InetSocketAddress parse(String hostPort) {
        String s = hostPort.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new UsageException("'" + hostPort + "' is not an address; write host:port, e.g. localhost:9092");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("'" + hostPort + "' has no valid port; write host:port, e.g. localhost:9092");
        }
        if (port < 1 || port > 65535) {
            throw new UsageException("port " + port + " of '" + hostPort + "' is out of range 1-65535");
        }
        return InetSocketAddress.createUnresolved(s.substring(0, colon), port);
    }

    public static List<InetSocketAddress> parseList(String list) {
        List<InetSocketAddress> result = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                result.add(resolved(parse(part)));
            }
        }
        if (result.isEmpty()) {
            throw new UsageException("no address given; write host:port[,host:port...], e.g. localhost:9092");
        }
        return result;
    }

    public static InetSocketAddress resolved(InetSocketAddress unresolved) {
        return new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    }
}
