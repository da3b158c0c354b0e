package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The quorum rule of voter changes: no empty voter set, a live majority of the old and the new set. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VoterChangesTest {

    @Test
    void theLastVoterCannotBeRemoved() {
        SluiceException e = assertThrows(SluiceException.class,
                () -> VoterChanges.checkQuorumKept(Set.of(4), Set.of(), Set.of(4)));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertTrue(e.getMessage().contains("last voter"), e.getMessage());
    }

    @Test
    void removingALiveVoterWhenAnotherIsDownLeavesNoMajority() {
        // [2, 3, 4] with 2 down: without 3, [2, 4] has one live voter of the two a majority needs.
        SluiceException e = assertThrows(SluiceException.class,
                () -> VoterChanges.checkQuorumKept(Set.of(2, 3, 4), Set.of(2, 4), Set.of(3, 4)));
        assertTrue(e.getMessage().contains("majority"), e.getMessage());
    }

    @Test
    void removingTheDownVoterKeepsTheMajority() {
        assertDoesNotThrow(() -> VoterChanges.checkQuorumKept(Set.of(2, 3, 4), Set.of(3, 4), Set.of(3, 4)));
    }

    @Test
    void theOldSetNeedsALiveMajorityToo() {
        // Four voters, two down: the new set [1, 2, 3] would have two live of three, but joint consensus
        // also needs three of the old four, which are not there.
        assertThrows(SluiceException.class,
                () -> VoterChanges.checkQuorumKept(Set.of(1, 2, 3, 4), Set.of(1, 2, 3), Set.of(1, 2)));
        assertDoesNotThrow(() -> VoterChanges.checkQuorumKept(Set.of(1, 2, 3, 4), Set.of(1, 2, 3), Set.of(1, 2, 3)));
    }

    @Test
    void addingToAHealthyQuorumIsAllowed() {
        assertDoesNotThrow(() -> VoterChanges.checkQuorumKept(Set.of(1, 2, 3), Set.of(1, 2, 3, 4), Set.of(1, 2, 3, 4)));
        // Adding a fourth voter while two of three are down would need three live of four: refused.
        assertThrows(SluiceException.class,
                () -> VoterChanges.checkQuorumKept(Set.of(1, 2, 3), Set.of(1, 2, 3, 4), Set.of(1, 4)));
    }

    @Test
    void aControllerListenerMatchesTheRaftAddressByNameOrAddress() {
        io.sluice.protocol.rpc.Endpoint localhost = io.sluice.protocol.rpc.Endpoint.newBuilder().setHost("localhost")
                .setPort(33104).build();
        assertTrue(VoterChanges.sameAddress(localhost, "localhost:33104"));
        assertTrue(VoterChanges.sameAddress(localhost, "127.0.0.1:33104"));
        org.junit.jupiter.api.Assertions.assertFalse(VoterChanges.sameAddress(localhost, "127.0.0.1:33105"));
    }
}
