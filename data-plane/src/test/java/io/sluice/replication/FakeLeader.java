package io.sluice.replication;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.rpc.ResponseHeader;
import io.sluice.protocol.wire.ResponseFrame;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays the leader for a broker's follower fetchers: every fetch waits in a queue until the test
 * takes it ({@link #next}) and answers it. An answer is given only once the fetcher listens for it,
 * so the fetcher handles it on the answering thread: when {@link Fetch#answer} returns, the follower
 * has acted on it. Thread-safe.
 */
final class FakeLeader implements ReplicaClient {
    private final BlockingQueue<Fetch> fetches = new LinkedBlockingQueue<>();
    /** Run on the fetcher's thread as each fetch is sent: a test notes the follower's state at that moment. */
    volatile Runnable onSend = () -> { };
    /** Read as each fetch is sent: the delay the fetcher's scheduler ran the sending task after. */
    volatile java.util.function.LongSupplier sentAfterMs = () -> -1;

    /**
     * One fetch sent by a follower, to be answered once; {@code delayMs} is how long the fetcher's
     * scheduler was asked to wait before the task that sent it, {@code timeoutMs} the request's timeout.
     */
    record Fetch(InetSocketAddress address, FetchRequest request, CompletableFuture<ResponseFrame> response,
                 long delayMs, long timeoutMs) {
        void answer(FetchPartitionResponse.Builder partition, ByteBuffer records) {
            answer(List.of(partition), java.util.Arrays.asList(records));
        }

        /** Answers for several partitions, {@code records.get(i)} (null for none) for {@code partitions.get(i)}. */
        void answer(List<FetchPartitionResponse.Builder> partitions, List<ByteBuffer> records) {
            awaitListener();
            FetchResponse.Builder body = FetchResponse.newBuilder();
            ByteBuf raw = Unpooled.buffer();
            for (int i = 0; i < partitions.size(); i++) {
                ByteBuffer r = records.get(i);
                int size = r == null ? 0 : r.remaining();
                if (r != null) {
                    raw.writeBytes(r.duplicate());
                }
                body.addPartitions(partitions.get(i).setRecordsSize(size));
            }
            ByteBuf frame = Unpooled.buffer(1);
            response.complete(new ResponseFrame(ResponseHeader.newBuilder().setError(ErrorCode.NONE).build(),
                    Unpooled.wrappedBuffer(body.build().toByteArray()), raw, frame));
            if (frame.refCnt() != 0) { // the fetcher handled the answer on this thread: it is done with it
                throw new AssertionError("the fetcher did not release the response frame");
            }
        }

        private void awaitListener() {
            FakeLeader.awaitListener(response);
        }

        /** An answer whose partition claims more record bytes than the frame holds: a malformed frame. */
        void answerMalformed(FetchPartitionResponse.Builder partition) {
            awaitListener();
            FetchResponse body = FetchResponse.newBuilder().addPartitions(partition.setRecordsSize(100)).build();
            response.complete(new ResponseFrame(ResponseHeader.newBuilder().setError(ErrorCode.NONE).build(),
                    Unpooled.wrappedBuffer(body.toByteArray()), Unpooled.buffer(), Unpooled.buffer(1)));
        }

        /** Refuses the whole request: an error in the response header, no partitions. */
        void refuse(ErrorCode error) {
            awaitListener();
            response.complete(new ResponseFrame(ResponseHeader.newBuilder().setError(error).setErrorMessage("refused (fake)")
                    .build(), Unpooled.EMPTY_BUFFER, Unpooled.buffer(), Unpooled.buffer(1)));
        }

        void fail() {
            awaitListener();
            response.completeExceptionally(new java.io.IOException("connection refused (fake)"));
        }
    }

    /** Waits until the fetcher has attached its handler, which it does right after sending. */
    static void awaitListener(CompletableFuture<ResponseFrame> response) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (response.getNumberOfDependents() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fetcher never listened for its response");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public CompletableFuture<ResponseFrame> send(InetSocketAddress address, ApiKey api, MessageLite body, ByteBuf raw,
                                                 long timeoutMs) {
        onSend.run();
        CompletableFuture<ResponseFrame> response = new CompletableFuture<>();
        fetches.add(new Fetch(address, (FetchRequest) body, response, sentAfterMs.getAsLong(), timeoutMs));
        return response;
    }

    /** The next fetch a follower sent within {@code ms}, or null: for a fetch that must not be sent. */
    Fetch poll(long ms) throws InterruptedException {
        return fetches.poll(ms, TimeUnit.MILLISECONDS);
    }

    /** The next fetch a follower sent, waiting up to 10 s for it. */
    Fetch next() throws InterruptedException {
        Fetch f = fetches.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no follower fetch within 10 s");
        }
        return f;
    }
}
