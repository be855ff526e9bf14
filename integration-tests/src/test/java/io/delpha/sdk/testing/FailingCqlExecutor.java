package io.delpha.sdk.testing;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Cassandra executor whose every {@code n}th statement (a batch is one) fails as an unreachable cluster does ({@link
 * ServiceUnavailableException}), the others going to the real one: the fault of a write lost mid-batch, for the
 * components that must record progress only after their writes were acknowledged. Thread-safe.
 */
public final class FailingCqlExecutor extends CqlExecutorWrapper {

  private final long every;
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();

  /**
   * @param delegate the real executor
   * @param every every how many statements one fails (0: none)
   */
  public FailingCqlExecutor(CqlExecutor delegate, long every) {
    super(delegate);
    this.every = every;
  }

  private boolean fails() {
    if (every > 0 && statements.incrementAndGet() % every == 0) {
      failed.incrementAndGet();
      return true;
    }
    return false;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    if (fails()) {
      throw new ServiceUnavailableException("injected: the statement was not acknowledged");
    }
    return super.execute(statement);
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    if (fails()) {
      if (statement instanceof com.datastax.oss.driver.api.core.cql.BatchStatement) {
        failedBatches.incrementAndGet();
      }
      return CompletableFuture.failedFuture(new ServiceUnavailableException("injected: the write was not acknowledged"));
    }
    return super.executeAsync(statement);
  }

  /**
   * @return how many statements failed so far
   */
  public long failed() {
    return failed.get();
  }

  /**
   * @return how many of the statements failed asynchronously were batches (a batch is one statement here)
   */
  public long failedBatches() {
    return failedBatches.get();
  }
}
