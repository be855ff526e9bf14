package io.delpha.sdk.changes;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream's executor with a fault at a chosen point of its work: once the stream has checkpointed {@code after}
 * times, its {@code at}-th table write after that is sent, and then the fault runs on the stream's thread, mid-answer
 * (some of the answer's writes sent, its checkpoint not; a table write is a request, a batch or a single write). While
 * the fault runs no checkpoint is sent (a process killed there sends none): one asked for meanwhile is sent once it
 * returns, and the stream goes on. Everything else goes to the real executor.
 */
final class FaultAtWrite extends CqlExecutorWrapper {

  private final int after;
  private final int at;
  private final Runnable fault;
  private final AtomicInteger checkpoints = new AtomicInteger();
  private final AtomicInteger writesSince = new AtomicInteger();
  private final AtomicInteger saving = new AtomicInteger();
  private volatile boolean held;
  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> heldBack =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

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

  private static boolean checkpoint(Statement<?> s) {
    String text = text(s);
    return text.startsWith("INSERT INTO") && text.contains("salesforce_change_checkpoints");
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    ResultSet rs = super.execute(statement);
    if (checkpoint(statement)) {
      checkpoints.incrementAndGet();
    }
    return rs;
  }

  /**
   * A checkpoint (saved asynchronously, once the writes it covers are acknowledged) counts when acknowledged; after
   * the fault none is sent, as in a process killed there, and the fault waits for those sent before it to land.
   */
  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    if (checkpoint(statement)) {
      if (held) {
        // sent once the fault returns: a request delayed, as a checkpoint the stream never learns the fate of would
        // hold it for ever (the writes of an earlier answer may be acknowledged, and their checkpoint sent, meanwhile)
        CompletableFuture<AsyncResultSet> later = new CompletableFuture<>();
        heldBack.add(() -> super.executeAsync(statement).whenComplete((r, x) -> {
          if (x == null) {
            checkpoints.incrementAndGet();
            later.complete(r);
          } else {
            later.completeExceptionally(x);
          }
        }));
        return later;
      }
      saving.incrementAndGet();
      return super.executeAsync(statement).whenComplete((r, x) -> {
        if (x == null) {
          checkpoints.incrementAndGet();
        }
        saving.decrementAndGet();
      });
    }
    CompletionStage<AsyncResultSet> sent = super.executeAsync(statement);
    if (after > 0 && checkpoints.get() >= after && writesSince.incrementAndGet() == at) {
      held = true;
      while (saving.get() > 0) {
        Thread.onSpinWait();
      }
      fault.run();
      held = false; // a fault that returns (a node killed) lets the stream go on; one that holds never returns
      for (Runnable r; (r = heldBack.poll()) != null; ) {
        r.run();
      }
    }
    return sent;
  }
}
