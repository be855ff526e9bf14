package io.delpha.sdk.changes;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream's executor with a fault at a chosen point of its work: once the stream has checkpointed {@code after}
 * times, its {@code at}-th table write after that is sent, and then the fault runs on the stream's thread, mid-answer
 * (some of the answer's writes sent, its checkpoint not). Everything else goes to the real executor.
 */
final class FaultAtWrite extends CqlExecutorWrapper {

  private final int after;
  private final int at;
  private final Runnable fault;
  private final AtomicInteger checkpoints = new AtomicInteger();
  private final AtomicInteger writesSince = new AtomicInteger();

  /**
   * @param delegate the real executor
   * @param after how many checkpoints first (0: no fault)
   * @param at which table write after them, from 1
   * @param fault what happens there
   */
  FaultAtWrite(CqlExecutor delegate, int after, int at, Runnable fault) {
    super(delegate);
    this.after = after;
    this.at = at;
    this.fault = fault;
  }

  private static String text(Statement<?> s) {
    return s instanceof SimpleStatement simple ? simple.getQuery()
        : s instanceof BoundStatement b ? b.getPreparedStatement().getQuery() : "";
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    ResultSet rs = super.execute(statement);
    String text = text(statement);
    if (text.startsWith("INSERT INTO") && text.contains("salesforce_change_checkpoints")) {
      checkpoints.incrementAndGet();
    }
    return rs;
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    CompletionStage<AsyncResultSet> sent = super.executeAsync(statement);
    if (after > 0 && checkpoints.get() >= after && writesSince.incrementAndGet() == at) {
      fault.run();
    }
    return sent;
  }
}
