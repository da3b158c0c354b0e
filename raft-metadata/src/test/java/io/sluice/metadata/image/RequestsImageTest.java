package io.sluice.metadata.image;

import io.sluice.protocol.metadata.MetadataCommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.metadata.image.RequestsImage.GENERATION_SIZE;
import static io.sluice.metadata.image.RequestsImage.MAX_GENERATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

@Timeout(10)
class RequestsImageTest {

    private static List<Map.Entry<String, MetadataCommandResult>> ids(int from, int to) {
        List<Map.Entry<String, MetadataCommandResult>> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(new AbstractMap.SimpleImmutableEntry<>("r" + i,
                    MetadataCommandResult.newBuilder().setBrokerEpoch(i).build()));
        }
        return ids;
    }

    @Test
    void keepsTheLastFullGenerationsAndTheCurrentOne() {
        int total = GENERATION_SIZE * (MAX_GENERATIONS + 1);
        RequestsImage image = RequestsImage.EMPTY.with(ids(0, total));

        // 17 generations filled: the oldest two were dropped when the 16th and 17th filled up.
        assertEquals(GENERATION_SIZE * (MAX_GENERATIONS - 1), image.size());
        int oldestKept = 2 * GENERATION_SIZE;
        assertNull(image.outcome("r" + (oldestKept - 1)));
        assertEquals(oldestKept, image.outcome("r" + oldestKept).getBrokerEpoch());
        assertEquals(total - 1, image.outcome("r" + (total - 1)).getBrokerEpoch());

        // One more id starts a new current generation; nothing is dropped until it fills.
        RequestsImage next = image.with(ids(total, total + 1));
        assertEquals(image.size() + 1, next.size());
        assertNotNull(next.outcome("r" + oldestKept));
        assertEquals(image.size(), image.entries().size(), "the old image never changes");
    }

    @Test
    void sameIdsAppliedOneAtATimeOrTogetherGiveTheSameImage() {
        int total = GENERATION_SIZE * 2 + 3;
        RequestsImage oneByOne = RequestsImage.EMPTY;
        for (Map.Entry<String, MetadataCommandResult> id : ids(0, total)) {
            oneByOne = oneByOne.with(List.of(id));
        }
        RequestsImage together = RequestsImage.EMPTY.with(ids(0, total));
        assertEquals(together, oneByOne);
        assertEquals(ids(0, total), together.entries());
    }
}
