package io.delpha.sdk.totesys;

import io.delpha.sdk.core.DelphaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each run through SLF4J: one INFO line per successful run with its JSON report, one ERROR line
 * per failed run (a log-based alarm, such as a CloudWatch metric filter on {@code ERROR}, can fire on such lines),
 * and step progress at DEBUG.
 */
public final class LoggingPipelineListener implements PipelineListener {

  private final Logger log;

  /** Logs to the {@code io.delpha.sdk.totesys.TotesysPipeline} logger. */
  public LoggingPipelineListener() {
    this(LoggerFactory.getLogger(TotesysPipeline.class));
  }

  /**
   * @param log the logger to write to
   */
  public LoggingPipelineListener(Logger log) {
    this.log = log;
  }

  @Override
  public void onStart(String task) {
    log.debug("{} started", task);
  }

  @Override
  public void onSuccess(String task, String summary) {
    log.debug("{}: {}", task, summary);
  }

  @Override
  public void onFailure(String task, DelphaException error) {
    log.debug("{} failed: {}", task, error.getMessage());
  }

  @Override
  public void onRunFinished(RunReport report) {
    if (report.succeeded()) {
      log.info("totesys run succeeded: {}", report.toJson());
    } else {
      log.error("totesys run FAILED: {}", report.toJson());
    }
  }

  @Override
  public String toString() {
    return "LoggingPipelineListener[" + log.getName() + "]";
  }
}
