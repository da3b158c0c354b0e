package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.network.Connections;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProtocolDetectorTest {
    @Test
    void aTlsClientOnAPlaintextListenerIsClosedWithoutChoosingAProtocol() {
        AtomicReference<String> chosen = new AtomicReference<>();
        Listener plaintext = new Listener("PLAINTEXT", SecurityProtocol.PLAINTEXT, new InetSocketAddress(0), null, true);
        ConnectionProtocol kafka = new ConnectionProtocol() {
            @Override
            public String name() {
                return "kafka";
            }

            @Override
            public void initConnection(io.netty.channel.ChannelPipeline pipeline, Listener listener) {
                chosen.set("kafka");
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new ProtocolDetector(p -> chosen.set("native"), kafka, plaintext,
                new Connections()));
        // The start of a TLS 1.2/1.3 ClientHello: handshake record, version 3.1, length, ClientHello.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc}));
        assertFalse(ch.isOpen());
        assertNull(chosen.get());
    }
}
