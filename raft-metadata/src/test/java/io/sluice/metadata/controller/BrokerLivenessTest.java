package io.sluice.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.ClusterImage;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.metadata.BrokerRef;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions on a hand-moved clock: a broker expires only once more than a session passed since it was
 * last heard (or since the controller took over, whichever is later); fenced brokers are not expired
 * again; a new controller's reset gives every broker a full session.
 */
@Timeout(10)
class BrokerLivenessTest {
    private static final long SESSION = 1_000;
    private final MockTime time = new MockTime();
    private final BrokerLiveness liveness = new BrokerLiveness(time, SESSION);

    private static ClusterImage cluster(boolean thirdFenced) {
        var brokers = new TreeMap<Integer, BrokerRegistration>();
        brokers.put(1, new BrokerRegistration(1, 1, "h", 1, "", 11, false, false));
        brokers.put(2, new BrokerRegistration(2, 1, "h", 2, "", 12, false, false));
        brokers.put(3, new BrokerRegistration(3, 1, "h", 3, "", 13, thirdFenced, false));
        return new ClusterImage(brokers, new TreeMap<>());
    }

    private List<Integer> expired(ClusterImage image) {
        return liveness.expired(image).stream().map(BrokerRef::getBrokerId).toList();
    }

    @Test
    void aBrokerExpiresOnlyAfterMoreThanASessionWithoutHeartbeat() {
        ClusterImage image = cluster(false);
        time.sleep(SESSION);
        assertEquals(List.of(), expired(image), "exactly a session since the start: not yet");
        liveness.touch(1);
        time.sleep(1);
        assertEquals(List.of(2, 3), expired(image), "1 was just heard; 2 and 3 never");
        assertEquals(12L, liveness.expired(image).get(0).getBrokerEpoch(), "fenced at the epoch it registered");
        time.sleep(SESSION - 1);
        assertEquals(List.of(2, 3), expired(image));
        time.sleep(1);
        assertEquals(List.of(1, 2, 3), expired(image));
        assertEquals(List.of(1, 2), expired(cluster(true)), "a fenced broker is not fenced again");
    }

    @Test
    void aNewControllerGivesEveryBrokerAFullSessionFromItsElection() {
        time.sleep(10 * SESSION); // long after this controller object was made
        liveness.resetAll();
        time.sleep(SESSION);
        assertEquals(List.of(), expired(cluster(false)));
        time.sleep(1);
        assertEquals(List.of(1, 2, 3), expired(cluster(false)));
    }
}
