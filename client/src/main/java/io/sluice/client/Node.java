package io.sluice.client;

/**
 * A broker as clients see it: its id and its data-plane address. Bootstrap addresses, whose ids are
 * not known yet, get negative ids. Immutable.
 *
 * @param id the broker id, negative for a bootstrap address
 * @param host host name or address
 * @param port data-plane port
 */
public record Node(int id, String host, int port) {
    /** The host:port form used in messages and configuration. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return id < 0 ? address() : "node " + id + " (" + address() + ")";
    }
}
