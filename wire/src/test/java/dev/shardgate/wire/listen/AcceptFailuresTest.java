package dev.shardgate.wire.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Out of descriptors, accept fails at once every time: 5.4 million log lines in 20 s before. Now
 * one line per interval with a count, pauses growing to a second, and a line when it works again.
 */
class AcceptFailuresTest {

    @Test
    void aStormOfFailuresIsOneLineAnIntervalWithACountAndGrowingPauses() {
        RecordingLogger log = new RecordingLogger();
        List<Long> pauses = new ArrayList<>();
        long[] clock = {0};
        AcceptFailures failures = new AcceptFailures(log, "router", () -> clock[0], nanos -> {
            pauses.add(nanos);
            clock[0] += nanos;
        });
        IOException tooManyFiles = new SocketException("Too many open files");

        for (int i = 0; i < 1000; i++) {
            failures.failed(tooManyFiles);
        }

        // 1000 failures, most of them a second apart: one line per 10 s interval
        assertThat(log.lines).hasSizeBetween(90, 110);
        assertThat(log.lines.getFirst()).contains("event=accept_failed listener=router failures=1 ")
                .contains("Too many open files");
        assertThat(log.lines.getLast()).contains("failures=10 ");
        assertThat(pauses.subList(0, 4)).containsExactly(10_000_000L, 20_000_000L, 40_000_000L, 80_000_000L);
        assertThat(pauses.getLast()).isEqualTo(Duration.ofSeconds(1).toNanos());

        failures.succeeded();
        assertThat(log.lines.getLast()).isEqualTo("event=accept_recovered listener=router failures=1000");
        failures.failed(tooManyFiles);
        assertThat(pauses.getLast()).as("after a success the pause starts small again").isEqualTo(10_000_000L);
    }

    private static final class RecordingLogger extends LegacyAbstractLogger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] arguments,
                                                   Throwable throwable) {
            lines.add(MessageFormatter.basicArrayFormat(message, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
