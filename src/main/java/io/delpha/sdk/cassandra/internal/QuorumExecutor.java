package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import io.delpha.sdk.cassandra.CqlExecutor;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

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
 * </ul>
 *
 * A level the caller set explicitly on a statement is kept.
 */
public final class QuorumExecutor implements CqlExecutor, ClusterView {

  /**
   * The table options of the library's own tables, for their {@code CREATE TABLE ... WITH}: every read asks one replica
   * more than its consistency level needs ({@code speculative_retry = 'ALWAYS'}), so a replica that died or hangs, and
   * that the coordinators have not convicted yet (10 s or more), never holds a read up. A threshold does not do it
   * here: the library's tables are small and read rarely, so a percentile ({@code 99p}, or {@code MIN(99p,50ms)}) has
   * few samples and keeps its initial threshold, half the read timeout, and any threshold only takes effect at the
   * table's first periodic update (docs/scale-out.md, "A node dies or hangs"). The tables are small, so the extra
   * reads cost little.
   */
  public static final String TABLE_OPTIONS = "speculative_retry = 'ALWAYS'";

  /** An INSERT/UPDATE/DELETE with a condition: {@code IF NOT EXISTS}, {@code IF EXISTS} or {@code IF col = ?}. */
  private static final Pattern CONDITIONAL = Pattern.compile(
      "^\\s*(INSERT|UPDATE|DELETE)\\b.*\\sIF\\s", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern DML_OR_READ = Pattern.compile(
      "^\\s*(SELECT|INSERT|UPDATE|DELETE)\\b", Pattern.CASE_INSENSITIVE);

  private final CqlExecutor delegate;

  /**
   * @param delegate the host's executor
   */
  public QuorumExecutor(CqlExecutor delegate) {
    this.delegate = delegate;
  }

  /**
   * @param cql a statement's text
   * @return whether it is a lightweight transaction
   */
  public static boolean conditional(String cql) {
    return CONDITIONAL.matcher(cql).find();
  }

  /**
   * @param statement a statement of the library's own tables
   * @return it with the consistency decisions above applied
   */
  public static Statement<?> decide(Statement<?> statement) {
    String cql = statement instanceof SimpleStatement s ? s.getQuery()
        : statement instanceof BoundStatement b ? b.getPreparedStatement().getQuery() : null;
    if (cql == null || !DML_OR_READ.matcher(cql).find()) {
      return statement; // DDL and batches as given
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

  @Override
  public ResultSet execute(Statement<?> statement) {
    return delegate.execute(decide(statement));
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    return delegate.executeAsync(decide(statement));
  }

  @Override
  public PreparedStatement prepare(String cql) {
    return delegate.prepare(cql);
  }

  @Override
  public Metadata schema() {
    return delegate.schema();
  }

  @Override
  public int requestCapacity() {
    return ClusterView.of(delegate).requestCapacity();
  }

  @Override
  public java.util.Optional<com.datastax.oss.driver.api.core.metadata.TokenMap> tokenMap() {
    return ClusterView.of(delegate).tokenMap();
  }

  @Override
  public String toString() {
    return "QuorumExecutor[" + delegate + "]";
  }
}
