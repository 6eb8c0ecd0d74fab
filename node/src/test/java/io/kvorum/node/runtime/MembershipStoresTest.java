package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.node.transfer.TransferProgress;
import io.kvorum.node.transfer.TransferProgress.RangeProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node keeps of a membership change across a restart: whether it still joins, and how far its transfers got. */
class MembershipStoresTest {
    @TempDir
    Path dir;

    @Test
    void aJoinerThatHasNotFinishedIsRememberedAsJoining() throws IOException {
        TokenStore.save(dir, List.of(-7L, 3L, 99L), false);
        assertEquals(Optional.of(new TokenStore.Stored(List.of(-7L, 3L, 99L), false)), TokenStore.loadStored(dir));
        assertEquals(Optional.of(List.of(-7L, 3L, 99L)), TokenStore.load(dir), "the tokens read as before");

        TokenStore.save(dir, List.of(-7L, 3L, 99L), true);
        assertEquals(Optional.of(new TokenStore.Stored(List.of(-7L, 3L, 99L), true)), TokenStore.loadStored(dir));
    }

    @Test
    void aNodeThatLeftHasNoTokensAndJoinsAgainAsANewNode() throws IOException {
        TokenStore.save(dir, List.of(1L, 2L), true);
        assertEquals(false, TokenStore.hasLeft(dir));
        TokenStore.markLeft(dir);
        assertEquals(true, TokenStore.hasLeft(dir));
        assertEquals(Optional.of(List.of()), TokenStore.load(dir), "its old tokens are not its own any more");
    }

    @Test
    void aTokensFileFromBeforeJoinsStreamedReadsAsJoined() throws IOException {
        Files.writeString(dir.resolve("tokens"), "5\n-6\n");
        assertEquals(Optional.of(new TokenStore.Stored(List.of(5L, -6L), true)), TokenStore.loadStored(dir));
    }

    @Test
    void transferProgressRoundTripsWithKeysOfAnyBytes() throws IOException {
        Key odd = new Key(Bytes.utf8("k é/%20 \n"));
        TransferProgress progress = new TransferProgress(-123456789L, List.of(
                new RangeProgress(new TokenRange(Long.MIN_VALUE, -5), Optional.of(odd), 1, false, 42, 4200),
                new RangeProgress(new TokenRange(-5, Long.MAX_VALUE), Optional.empty(), 0, true, 0, 0)));
        TransferStore.save(dir, progress);
        assertEquals(Optional.of(progress), TransferStore.load(dir));
    }

    @Test
    void noProgressFileMeansNothingToResumeAndACorruptOneIsAnError() throws IOException {
        assertEquals(Optional.empty(), TransferStore.load(dir));
        Files.writeString(dir.resolve("transfers"), "12\n1 2 zero true 3 4\n");
        assertThrows(IOException.class, () -> TransferStore.load(dir));
    }
}
