package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import io.delpha.sdk.core.internal.cql.StatementText;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consistency decisions for the library's own tables (key store, audit log, ingest registry, leases
 * and metrics), applied to every statement they run, whatever the host's session defaults to:
 *
 * <ul>
 *   <li>reads and writes at {@code LOCAL_QUORUM}: with three replicas in the local data center, any
 *       two agree, so a write acknowledged before a node dies is seen by the next read, and one node
 *       may be down;
 *   <li>lightweight transactions (leases, the admin slot, keyspace ownership) with serial consistency
 *       {@code LOCAL_SERIAL} (Paxos among the local replicas) and their commit at {@code LOCAL_QUORUM};
 *   <li>idempotence marked: plain reads and upserts (same values, same result when run twice) may be
 *       retried by the driver on another node; a conditional statement ({@code IF ...}) never is, as a
 *       retried LWT could report "not applied" for its own first attempt.
 *   <li>a batch ({@link BatchStatement}) runs at {@code LOCAL_QUORUM} too, and is idempotent unless one of its
 *       statements is conditional or calls {@code now()} (unless marked either way by the caller); an idempotent
 *       batch of upserts sent asynchronously is attempted as an upsert is, below (its attempts timed by this executor:
 *       the driver drops a batch's own timeout); run blocking, a batch runs once with the request timeout.
 *   <li>an idempotent read, upsert or batch of upserts has a short attempt ({@link io.delpha.sdk.cassandra.CassandraConfig#attemptTimeout()},
 *       2 s by default) and is sent again at once when an attempt times out (the driver's client timeout, or a
 *       coordinator's read or write timeout), until the request timeout is used up: a coordinator that hangs holds
 *       a request until the driver's heartbeat gives up on it (about 4 s), the next attempt goes through the driver's
 *       load balancing afresh. Only over an executor whose {@link CqlExecutor#cluster()} gives an attempt timeout
 *       (a {@link CassandraManager}, or a decorator forwarding to one); over another executor each statement runs
 *       once, as the executor times it. A dead or hung <em>replica</em> is the tables'
 *       business ({@link #TABLE_OPTIONS}): every coordinator would ask the same one.
 * </ul>
 *
 * A level the caller set explicitly on a statement is kept. Everything else ({@link #prepare}, the optional parts
 * {@link #cluster()}, {@link #prepareUncached}, {@link #schema()}) is forwarded to the executor wrapped.
 *
 * <p>The library runs its own tables through it (the access keys' store and audit log, the ingest registry), and a
 * host keeping small tables of its own beside them can do the same, creating them {@code WITH }{@link
 * #TABLE_OPTIONS}:
 *
 * <pre>{@code
 * CqlExecutor own = new QuorumExecutor(manager);
 * own.execute("CREATE TABLE IF NOT EXISTS app.leases (name text PRIMARY KEY, holder text) WITH "
 *     + QuorumExecutor.TABLE_OPTIONS);
 * own.execute("INSERT INTO app.leases (name, holder) VALUES (?, ?) IF NOT EXISTS", "nightly", me); // LOCAL_SERIAL
 * }</pre>
 *
 * <p>Thread-safe; it holds no state beyond the timeouts read from {@code delegate.cluster()} when built.
 */
public final class QuorumExecutor extends CqlExecutorWrapper {

  /**
   * The table options of the library's own tables, for their {@code CREATE TABLE ... WITH}: a read whose replicas have
   * not all answered within 50 ms asks the next replica ({@code speculative_retry = '50ms'}), for its data if the data
   * was not back yet. A replica that died or hangs, and that the coordinators have not convicted yet (10 s or more),
   * then costs a read 50 ms instead of the coordinator's read timeout. {@code 'ALWAYS'} does not do it with three
   * replicas: a {@code LOCAL_QUORUM} read then contacts all three but asks only the first (by the snitch's order, the
   * same one for every read of a partition) for the data, so while that replica is dead every read of its partitions
   * times out; a percentile ({@code 99p}, {@code MIN(99p,50ms)}) keeps its initial threshold, half the read timeout,
   * until the coordinator has read samples of the table, which the library's small, rarely read tables often lack.
   * A fixed threshold applies from the coordinator's first periodic update after the table is created (every read
   * timeout, 5 s by default). docs/scale-out.md, "A node dies or hangs".
   */
  public static final String TABLE_OPTIONS = "speculative_retry = '50ms'";

  /** An INSERT/UPDATE/DELETE with a condition: {@code IF NOT EXISTS}, {@code IF EXISTS} or {@code IF col = ?}. */
  private static final Pattern CONDITIONAL = Pattern.compile(
      "^\\s*(INSERT|UPDATE|DELETE)\\b.*\\sIF\\s", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern DML_OR_READ = Pattern.compile(
      "^\\s*(SELECT|INSERT|UPDATE|DELETE)\\b", Pattern.CASE_INSENSITIVE);

  private static final Logger LOG = LoggerFactory.getLogger(QuorumExecutor.class);
  /** Less time than this left of the request timeout: no attempt more. */
  private static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(100);

  private final @Nullable Duration attemptTimeout;
  private final Duration requestTimeout;

  /**
   * @param delegate the host's executor; its {@link CqlExecutor#cluster()} gives the attempt and request timeouts
   */
  public QuorumExecutor(CqlExecutor delegate) {
    super(delegate);
    ClusterView cluster = delegate.cluster();
    this.attemptTimeout = cluster.attemptTimeout().orElse(null);
    this.requestTimeout = cluster.requestTimeout();
  }

  /** Whether a statement's text is a lightweight transaction. */
  private static boolean conditional(String cql) {
    return CONDITIONAL.matcher(cql).find();
  }

  /** The statement with the consistency decisions above applied. */
  private static Statement<?> decide(Statement<?> statement) {
    String cql = StatementText.of(statement);
    if (cql == null || !DML_OR_READ.matcher(cql).find()) {
      return statement instanceof BatchStatement batch ? decideBatch(batch) : statement; // DDL as given
    }
    Statement<?> s = statement;
    if (s.getConsistencyLevel() == null) {
      s = s.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM);
    }
    boolean lwt = conditional(cql);
    if (lwt && s.getSerialConsistencyLevel() == null) {
      s = s.setSerialConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL);
    }
    if (s.isIdempotent() == null) {
      s = s.setIdempotent(!lwt && !cql.toLowerCase(Locale.ROOT).contains("now()"));
    }
    return s;
  }

  /**
   * A batch at {@code LOCAL_QUORUM} unless set; idempotent unless marked, when none of its statements is conditional
   * or calls {@code now()} (a statement's own level is ignored inside a batch: the batch's applies).
   */
  private static Statement<?> decideBatch(BatchStatement batch) {
    Statement<?> s = batch;
    if (s.getConsistencyLevel() == null) {
      s = s.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM);
    }
    if (s.isIdempotent() == null) {
      boolean idempotent = true;
      for (BatchableStatement<?> child : batch) {
        String cql = StatementText.of(child);
        if (cql == null || conditional(cql) || cql.toLowerCase(Locale.ROOT).contains("now()")) {
          idempotent = false;
          if (cql != null && conditional(cql) && s.getSerialConsistencyLevel() == null) {
            s = s.setSerialConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL);
          }
        }
      }
      s = s.setIdempotent(idempotent);
    }
    return s;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    Statement<?> s = decide(statement);
    if (!attempted(s) || s instanceof BatchStatement) {
      return delegate().execute(s); // a batch blocking: once, with the request timeout (the driver drops its own)
    }
    long deadline = System.nanoTime() + budget(s).toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate().execute(s.setTimeout(attemptTime(deadline)));
      } catch (RuntimeException e) {
        if (!again(e, deadline, attempt, s)) {
          throw e;
        }
      }
    }
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    Statement<?> s = decide(statement);
    if (!attempted(s)) {
      return delegate().executeAsync(s);
    }
    return attemptAsync(s, System.nanoTime() + budget(s).toNanos(), 1);
  }

  private CompletionStage<AsyncResultSet> attemptAsync(Statement<?> s, long deadline, int attempt) {
    Duration time = attemptTime(deadline);
    Statement<?> timed = s.setTimeout(time);
    CompletionStage<AsyncResultSet> sent = delegate().executeAsync(timed);
    if (timed.getTimeout() == null) {
      sent = timedHere(sent, time); // a batch: the driver does not keep its timeout
    }
    return sent.handle((rs, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(rs);
      }
      Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      return again(e, deadline, attempt, s) ? attemptAsync(s, deadline, attempt + 1)
          : CompletableFuture.<AsyncResultSet>failedFuture(e);
    }).thenCompose(next -> next);
  }

  /**
   * An attempt timed by this executor rather than the driver: the driver (4.19) drops a batch's own timeout ({@code
   * BatchStatement.getTimeout()} is always null), so the request runs with the session's request timeout; the attempt
   * fails with the driver's timeout exception after {@code time} (the next attempt goes out then, the first one left to
   * complete or time out unheeded: the writes are idempotent).
   */
  private static CompletionStage<AsyncResultSet> timedHere(CompletionStage<AsyncResultSet> sent, Duration time) {
    CompletableFuture<AsyncResultSet> out = new CompletableFuture<>();
    ScheduledFuture<?> timer = Timer.INSTANCE.schedule(() -> out.completeExceptionally(
        new DriverTimeoutException("Query timed out after " + time)), time.toNanos(), TimeUnit.NANOSECONDS);
    sent.whenComplete((rs, error) -> {
      timer.cancel(false);
      if (error == null) {
        out.complete(rs);
      } else {
        out.completeExceptionally(error);
      }
    });
    return out;
  }

  /** The timer of the attempts timed here: one daemon thread, a cancelled timer removed at once. */
  private static final class Timer {
    static final ScheduledThreadPoolExecutor INSTANCE = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "delpha-quorum-attempts");
      t.setDaemon(true);
      return t;
    });

    static {
      INSTANCE.setRemoveOnCancelPolicy(true);
    }
  }

  /**
   * Whether the statement runs in attempts: an idempotent read, upsert or batch of upserts over a manager with a
   * shorter attempt.
   */
  private boolean attempted(Statement<?> s) {
    return attemptTimeout != null && Boolean.TRUE.equals(s.isIdempotent())
        && (s instanceof SimpleStatement || s instanceof BoundStatement || s instanceof BatchStatement)
        && attemptTimeout.compareTo(budget(s)) < 0;
  }

  /** The statement's own timeout, else the manager's request timeout. */
  private Duration budget(Statement<?> s) {
    Duration own = s.getTimeout();
    return own != null ? own : requestTimeout;
  }

  private Duration attemptTime(long deadline) {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    Duration attempt = java.util.Objects.requireNonNull(attemptTimeout);
    return left.compareTo(attempt) < 0 ? left : attempt;
  }

  /** Whether a failed attempt is followed by another: it timed out, and time is left. */
  private static boolean again(Throwable failure, long deadline, int attempt, Statement<?> s) {
    if (!timedOut(failure) || deadline - System.nanoTime() < SHORTEST_ATTEMPT.toNanos()) {
      return false;
    }
    LOG.info("attempt {} of an idempotent statement timed out ({}); sending it again: {}", attempt,
        failure.getMessage(), text(s));
    return true;
  }

  /** A statement's text for the log: a batch's is its size and first statement's. */
  private static String text(Statement<?> s) {
    String cql = StatementText.of(s);
    if (cql != null) {
      return cql;
    }
    if (s instanceof BatchStatement batch) {
      java.util.Iterator<BatchableStatement<?>> it = batch.iterator();
      return "a batch of " + batch.size() + " statements" + (it.hasNext() ? ", the first " + text(it.next()) : "");
    }
    return s.getClass().getSimpleName();
  }


  /** A client timeout, or a coordinator's read or write timeout, anywhere in the failure's causes. */
  static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DriverTimeoutException || t instanceof ReadTimeoutException
          || t instanceof WriteTimeoutException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "QuorumExecutor[" + delegate() + "]";
  }
}
