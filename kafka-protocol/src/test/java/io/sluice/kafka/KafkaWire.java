package io.sluice.kafka;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Kafka's wire format by hand, over a blocking socket, for tests that must send what no client
 * would: frames are built with kafka-clients' message classes and then cut, bent or corrupted.
 * One connection per instance; not thread-safe.
 */
final class KafkaWire implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    KafkaWire(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 10_000);
        socket.setSoTimeout(30_000); // a safety net for a hung server; no test waits on it
        in = new DataInputStream(socket.getInputStream());
    }

    /** A whole request frame: size, header, body. */
    static byte[] frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, version, "wire-test", correlationId);
        short headerVersion = key.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.data().size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        return buffer.array();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Sends a well-formed request and parses its response. */
    AbstractResponse roundTrip(ApiKeys key, short version, int correlationId, ApiMessage body) throws IOException {
        send(frame(key, version, correlationId, body));
        return read(key, version, correlationId);
    }

    AbstractResponse read(ApiKeys key, short version, int correlationId) throws IOException {
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response),
                new RequestHeader(key, version, "wire-test", correlationId));
    }

    /**
     * Ends the request side and reads until the broker closes the connection: the sizes of the
     * response frames it sent first. Fails if a frame is cut short or has an impossible size.
     */
    List<Integer> drainUntilClosed() throws IOException {
        socket.shutdownOutput();
        InputStream raw = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        raw.transferTo(all);
        ByteBuffer buffer = ByteBuffer.wrap(all.toByteArray());
        List<Integer> sizes = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < 4) {
                throw new EOFException("a response frame's size is cut short");
            }
            int size = buffer.getInt();
            if (size < 4 || size > buffer.remaining()) {
                throw new EOFException("response frame of " + size + " bytes with " + buffer.remaining() + " left");
            }
            buffer.position(buffer.position() + size);
            sizes.add(size);
        }
        return sizes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
