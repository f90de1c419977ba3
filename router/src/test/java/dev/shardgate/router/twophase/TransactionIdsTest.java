package dev.shardgate.router.twophase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.qdb.MemoryQdb;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionIdsTest {
    @Test
    void namesAreUniqueCarryTheRouterIdAndAreInFlightUntilDone() {
        TransactionIds ids = new TransactionIds("r1");
        String first = ids.next();
        String second = ids.next();
        assertThat(first).startsWith("sg_r1_").isNotEqualTo(second);
        assertThat(ids.isInFlight(first)).isTrue();
        ids.done(first);
        assertThat(ids.isInFlight(first)).isFalse();
        assertThat(ids.isInFlight(second)).isTrue();
        // LIKE must not take another router's names: _ is a wildcard there
        assertThat(ids.likePattern()).isEqualTo("sg\\_r1\\_%");
    }

    @Test
    void aRestartedRouterDoesNotReuseNames() {
        String before = new TransactionIds("r1").next();
        // the counter starts from the clock in milliseconds: a restart takes longer than one
        long started = System.currentTimeMillis();
        while (System.currentTimeMillis() == started) {
            Thread.onSpinWait();
        }
        String after = new TransactionIds("r1").next();
        assertThat(Long.parseLong(after.substring(6))).isGreaterThan(Long.parseLong(before.substring(6)));
    }

    @Test
    void aClientsChosenNameKeepsTheRouterPrefixSoRecoveryFindsIt() {
        TransactionIds ids = new TransactionIds("r1");
        String gid = ids.named("zzz1");
        assertThat(gid).isEqualTo("sg_r1_zzz1");
        assertThat(ids.isInFlight(gid)).isTrue();
        ids.done(gid);
        assertThat(ids.isInFlight(gid)).isFalse();
        assertThat(ids.isValidClientGid("with space")).isFalse();
        assertThat(ids.isValidClientGid("quote'")).isFalse();
        assertThat(ids.isValidClientGid("x".repeat(TransactionIds.MAX_GID_LENGTH - "sg_r1_".length()))).isTrue();
        assertThat(ids.isValidClientGid("x".repeat(TransactionIds.MAX_GID_LENGTH - "sg_r1_".length() + 1))).isFalse();
        assertThatThrownBy(() -> ids.named("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routerIdsAreLettersAndDigits() {
        assertThatThrownBy(() -> new TransactionIds("a_b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decisionsAreKeptInTheQdbUntilForgotten() {
        try (MemoryQdb qdb = new MemoryQdb()) {
            CommitDecisions decisions = new CommitDecisions(qdb);
            decisions.recordCommit("sg_r1_5", List.of("sh1", "sh2"));
            decisions.recordCommit("sg_r10_7", List.of("sh2"));
            assertThat(new String(qdb.get("2pc/sg_r1_5").orElseThrow())).isEqualTo("commit:sh1,sh2");
            assertThat(decisions.all(new TransactionIds("r1").prefix()))
                    .as("another router's decisions are its own business").containsOnlyKeys("sg_r1_5")
                    .containsEntry("sg_r1_5", List.of("sh1", "sh2"));
            decisions.forget("sg_r1_5");
            assertThat(decisions.all("sg_r1_")).isEmpty();
            assertThat(decisions.all("sg_r10_")).containsOnlyKeys("sg_r10_7");
        }
    }
}
