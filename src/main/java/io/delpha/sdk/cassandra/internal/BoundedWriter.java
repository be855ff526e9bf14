package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one bounded asynchronous Cassandra writer: statements run with at most {@link #bound()} requests
 * in flight, a bound kept below what the executor's connection pool carries ({@link
 * ClusterView#requestCapacity()}, less room for other requests on the same session) so the driver never
 * refuses a request as busy. The first failure is kept; {@link #awaitAll(Duration)} waits for every
 * outstanding request, so none outlives the work that submitted it.
 */
public final class BoundedWriter {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedWriter.class);

  private final CqlExecutor cql;
  private final int bound;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong acknowledged = new AtomicLong();

  /**
   * @param cql where statements run
   * @param wanted the in-flight bound asked for; lowered to what the pool carries
   */
  public BoundedWriter(CqlExecutor cql, int wanted) {
    this.cql = cql;
    this.bound = boundedByPool(cql.cluster().requestCapacity(), wanted);
    this.permits = new Semaphore(bound);
  }

  /**
   * @param capacity requests the pool carries per node
   * @param wanted the bound asked for
   * @return the bound used: at most the capacity less room for leases, metrics and reads on the session
   */
  public static int boundedByPool(int capacity, int wanted) {
    int usable = Math.max(1, capacity - Math.max(16, capacity / 8));
    if (wanted > usable) {
      LOG.info("maxInFlight {} lowered to {}: the session's pool carries {} requests per node", wanted, usable, capacity);
      return usable;
    }
    return wanted;
  }

  /** @return the in-flight bound in use */
  public int bound() {
    return bound;
  }

  /**
   * Runs a statement once a permit is free.
   *
   * @param statement the statement
   * @param rows how many rows it writes (counted when acknowledged)
   * @throws ServiceUnavailableException when interrupted while waiting for a permit
   */
  public void submit(Statement<?> statement, long rows) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while writing to Cassandra", e);
    }
    cql.executeAsync(statement).whenComplete((rs, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
      } else {
        acknowledged.addAndGet(rows);
      }
      permits.release();
    });
  }

  /**
   * Waits until no request is in flight (or the timeout passes).
   *
   * @param timeout the longest wait
   * @return whether every request completed
   */
  public boolean awaitAll(Duration timeout) {
    try {
      if (permits.tryAcquire(bound, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        permits.release(bound);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while waiting for Cassandra writes", e);
    }
  }

  /** @return the first failure of a completed request, or {@code null} */
  public @Nullable Throwable failure() {
    return failure.get();
  }

  /** @return rows acknowledged so far */
  public long acknowledged() {
    return acknowledged.get();
  }
}
