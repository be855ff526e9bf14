package io.delpha.sdk.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM's Logback root logger while open, so a test can show that no secret
 * reached a log line. Needs {@code logback-classic} on the test class path.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Starts capturing. */
  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** @return every message captured so far, with the stack traces logged with them */
  public String text() {
    List<ILoggingEvent> events;
    synchronized (appender) { // ListAppender appends under its own lock (AppenderBase.doAppend), from any thread
      events = new ArrayList<>(appender.list);
    }
    return events.stream()
        .map(e -> e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
