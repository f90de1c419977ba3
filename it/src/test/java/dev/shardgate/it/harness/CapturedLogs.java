package dev.shardgate.it.harness;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM (an in-process router's and console's) while open, at the level
 * asked for, as lines: the formatted message and, for an event with an exception, its whole stack
 * trace text. The level of Shardgate's loggers is restored on close.
 */
public final class CapturedLogs implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger shardgate = (Logger) LoggerFactory.getLogger("dev.shardgate");
    private final Level rootLevel = root.getLevel();
    private final Level shardgateLevel = shardgate.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()
                    + (thrown == null ? "" : "\n" + ThrowableProxyUtil.asString(thrown)));
        }
    };

    private CapturedLogs(Level level) {
        appender.setContext(root.getLoggerContext());
        appender.setName("captured");
        appender.start();
        root.addAppender(appender);
        root.setLevel(level);
        shardgate.setLevel(level);
    }

    /** Captures from now on, Shardgate's loggers and the root at {@code level} (TRACE: everything). */
    public static CapturedLogs at(Level level) {
        return new CapturedLogs(level);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(rootLevel);
        shardgate.setLevel(shardgateLevel);
    }
}
