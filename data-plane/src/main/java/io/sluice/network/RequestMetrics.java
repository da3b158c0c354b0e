package io.sluice.network;

/**
 * Where a protocol's dispatcher reports each request's API and duration. The node's metrics
 * implement it (a latency histogram per protocol and API); codecs see only this interface, so they
 * need no metrics library and tests can pass {@link #NONE}.
 *
 * <p>Implementations are thread-safe; {@link Recorder#record} is called once per request on an I/O
 * event loop and must not allocate or block.
 */
public interface RequestMetrics {
    RequestMetrics NONE = (protocol, apis) -> (api, nanos) -> { };

    /**
     * The recorder of one protocol ({@code "sluice"}, {@code "kafka"}), whose APIs are the constants of
     * one enum ({@code apis} is that enum's {@code values()}); call once per protocol and node.
     */
    Recorder forProtocol(String protocol, Enum<?>[] apis);

    /** Records requests of one protocol. */
    @FunctionalInterface
    interface Recorder {
        /** One request of {@code api}, {@code nanos} from its arrival to its response being ready. */
        void record(Enum<?> api, long nanos);
    }
}
