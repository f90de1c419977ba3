package dev.shardgate.router.metrics;

import dev.shardgate.console.exec.StatsInfo;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code SHOW stats}, read from the same counters /metrics serves. */
public final class StatsTable {
    private StatsTable() {
    }

    public static List<StatsInfo> rows(RouterMetrics metrics) {
        Map<Labels, HistogramSnapshot.HistogramDataPointSnapshot> histograms = new HashMap<>();
        for (var point : metrics.transactionSeconds.collect().getDataPoints()) {
            histograms.put(point.getLabels(), point);
        }
        List<StatsInfo> rows = new ArrayList<>();
        for (var point : metrics.statements.collect().getDataPoints()) {
            Labels labels = point.getLabels();
            long statements = (long) point.getValue();
            long transactions = (long) value(metrics.transactions, labels);
            var histogram = histograms.get(labels);
            double transactionSeconds = histogram == null ? 0 : histogram.getSum();
            rows.add(new StatsInfo(labels.get("database"), labels.get("user"), labels.get("shard"), labels.get("route"),
                    transactions, statements, (long) value(metrics.receivedBytes, labels),
                    (long) value(metrics.sentBytes, labels),
                    micros(transactions == 0 ? 0 : transactionSeconds / transactions),
                    micros(statements == 0 ? 0 : value(metrics.statementSeconds, labels) / statements),
                    micros(quantile(histogram, 0.50)), micros(quantile(histogram, 0.95)),
                    micros(quantile(histogram, 0.99))));
        }
        rows.sort(Comparator.comparing(StatsInfo::database).thenComparing(StatsInfo::user)
                .thenComparing(StatsInfo::shard).thenComparing(StatsInfo::route));
        return rows;
    }

    private static double value(io.prometheus.metrics.core.metrics.Counter counter, Labels labels) {
        for (var point : counter.collect().getDataPoints()) {
            if (point.getLabels().equals(labels)) {
                return point.getValue();
            }
        }
        return 0;
    }

    /**
     * As Prometheus's histogram_quantile: find the bucket holding the q-th observation and interpolate
     * linearly inside it; in the last (+Inf) bucket, its lower bound. So the estimate is exact at
     * bucket bounds and off by at most the width of one bucket in between.
     */
    static double quantile(HistogramSnapshot.HistogramDataPointSnapshot histogram, double q) {
        if (histogram == null || histogram.getCount() == 0) {
            return 0;
        }
        ClassicHistogramBuckets buckets = histogram.getClassicBuckets();
        double rank = q * histogram.getCount();
        long seen = 0;
        double lower = 0;
        for (int i = 0; i < buckets.size(); i++) {
            long count = buckets.getCount(i);
            double upper = buckets.getUpperBound(i);
            if (count > 0 && seen + count >= rank) {
                if (Double.isInfinite(upper)) {
                    return lower;
                }
                return lower + (upper - lower) * ((rank - seen) / count);
            }
            seen += count;
            lower = upper;
        }
        return lower;
    }

    private static long micros(double seconds) {
        return Math.round(seconds * 1_000_000);
    }
}
