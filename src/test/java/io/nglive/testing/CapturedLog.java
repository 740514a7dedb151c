package io.nglive.testing;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** What a logger (and the loggers below it) logs while it is open, as "LEVEL message" lines. */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public CapturedLog(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** The lines at {@code level} or above. */
    public List<String> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /** The exceptions logged (with their stack traces) by the lines at {@code level} or above, by class name. */
    public List<String> traces(Level level) {
        return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level) && e.getThrowableProxy() != null)
                .map(e -> e.getThrowableProxy().getClassName()).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
