package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A transaction over two shards shows on /metrics as one multi-shard transaction and one two-phase commit. */
class TwoPhaseMetricsTest extends TwoAccountsTest {
    TwoPhaseMetricsTest() {
        super("twophase_metrics");
    }

    @Test
    void aTwoPhaseCommitCountsAsPreparedCommittedAndOneMultiShardTransaction() throws Exception {
        double prepared = counter("shardgate_two_phase_transactions", Map.of("outcome", "prepared"));
        double committed = counter("shardgate_two_phase_transactions", Map.of("outcome", "committed"));
        double multiShard = counter("shardgate_transactions", Map.of("route", "multi_shard"));
        double all = counter("shardgate_transactions", Map.of());
        try (Connection client = cluster.connect(true)) {
            execute(client, "SET __spqr__commit_strategy = '2pc'");
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            execute(client, "UPDATE accounts SET balance = balance + 30 WHERE id = 1001");
            execute(client, "COMMIT");
        }
        assertThat(counter("shardgate_two_phase_transactions", Map.of("outcome", "prepared"))).isEqualTo(prepared + 1);
        assertThat(counter("shardgate_two_phase_transactions", Map.of("outcome", "committed"))).isEqualTo(committed + 1);
        assertThat(counter("shardgate_transactions", Map.of("route", "multi_shard"))).isEqualTo(multiShard + 1);
        assertThat(counter("shardgate_transactions", Map.of())).as("SET and the block: two transactions")
                .isEqualTo(all + 2);
        assertThat(balance(1, 1001)).isEqualTo(130);
    }

    /** The sum of a router counter's samples whose labels include {@code labels} (name without _total). */
    private double counter(String name, Map<String, String> labels) {
        double sum = 0;
        for (MetricSnapshot metric : cluster.router.context().metrics().registry().scrape()) {
            if (!metric.getMetadata().getName().equals(name)) {
                continue;
            }
            for (var point : ((CounterSnapshot) metric).getDataPoints()) {
                if (labels.entrySet().stream().allMatch(l -> l.getValue().equals(point.getLabels().get(l.getKey())))) {
                    sum += point.getValue();
                }
            }
        }
        return sum;
    }
}
