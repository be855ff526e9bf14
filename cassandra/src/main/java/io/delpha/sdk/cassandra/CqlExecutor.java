package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import io.delpha.sdk.core.InvalidInputException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The small interface components depend on to run CQL: {@link CassandraManager} implements it, and so
 * do access-key scoped sessions, so a component works the same under either.
 *
 * <p>Convenience overloads are default methods that funnel into {@link #execute(Statement)} and
 * {@link #executeAsync(Statement)}: a statement with bound values is prepared once (implementations
 * cache prepared statements) and executed with the values bound by position.
 *
 * <pre>{@code
 * List<Row> rows = cql.execute("SELECT * FROM ks.t WHERE id = ?", 42).all();
 * for (Row r : cql.execute("SELECT * FROM ks.big")) { ... }     // pages fetched as you iterate
 * cql.executeAsync("INSERT INTO ks.t (id, v) VALUES (?, ?)", 1, "a").toCompletableFuture().join();
 * }</pre>
 *
 * <p>Implementations are thread-safe. Failures are {@link io.delpha.sdk.core.DelphaException}s: {@link
 * io.delpha.sdk.core.InvalidInputException} for a syntax error or an invalid query (with the server's
 * message), {@link io.delpha.sdk.core.NotFoundException} for an unknown keyspace or table, {@link
 * io.delpha.sdk.core.AccessDeniedException} when the server refuses a permission, and {@link
 * io.delpha.sdk.core.ServiceUnavailableException} when no node answers in time.
 */
public interface CqlExecutor {

  /**
   * Executes a statement synchronously. The result is paged: iterating it past the first page fetches
   * the next pages synchronously, so large results never sit in memory whole.
   *
   * @param statement the statement
   * @return the result
   */
  ResultSet execute(Statement<?> statement);

  /**
   * Executes a statement asynchronously.
   *
   * @param statement the statement
   * @return the first page of the result; errors complete the stage exceptionally with a {@link
   *     io.delpha.sdk.core.DelphaException}
   */
  CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement);

  /**
   * Prepares a statement, or returns the cached one prepared before for the same text.
   *
   * @param cql the statement's text
   * @return the prepared statement
   */
  PreparedStatement prepare(String cql);

  /**
   * Optional part of the role: what the library's writers and retries know of the cluster behind this executor
   * (token ring, a node's request capacity, attempt and request timeouts). An executor that wraps another forwards
   * this to the one it wraps, so that the library's writes through it stay token-aware and bounded by the pool.
   *
   * @return the view; {@link ClusterView#UNKNOWN} by default
   */
  default ClusterView cluster() {
    return ClusterView.UNKNOWN;
  }

  /**
   * Optional part of the role: prepares a statement outside any cache this executor keeps, so that the caller holds
   * the only reference to what it gets (an organisation's scoped session prepares this way, so that no other caller
   * can change the statement it checks). An executor that wraps another forwards this to the one it wraps.
   *
   * @param cql the statement's text
   * @return a prepared statement; by default {@link #prepare(String)}'s
   */
  default PreparedStatement prepareUncached(String cql) {
    return prepare(cql);
  }

  /**
   * Executes CQL text; with values, the text is prepared (once) and the values bound by position.
   *
   * @param cql the statement's text, with {@code ?} markers for the values
   * @param values the values, in marker order ({@code null} binds a CQL null)
   * @return the result
   */
  default ResultSet execute(String cql, @Nullable Object... values) {
    return execute(statementOf(cql, values));
  }

  /**
   * Executes CQL text asynchronously; see {@link #execute(String, Object...)}.
   *
   * @param cql the statement's text
   * @param values the values, in marker order
   * @return the first page of the result
   */
  default CompletionStage<AsyncResultSet> executeAsync(String cql, @Nullable Object... values) {
    return executeAsync(statementOf(cql, values));
  }

  /**
   * The cluster's schema as this executor may see it, read afresh (bounded by the request timeout):
   * {@link DictionaryManager} describes through it. A {@link CassandraManager} sees every keyspace; an
   * organisation key's scoped session only the organisation's.
   *
   * @return the schema
   * @throws InvalidInputException when this executor cannot see the schema (the default)
   * @throws io.delpha.sdk.core.ServiceUnavailableException when the cluster does not answer in time
   */
  default Metadata schema() {
    throw new InvalidInputException(getClass().getSimpleName() + " does not expose the cluster's schema");
  }

  /**
   * Every row of a query as a lazy stream: pages are fetched as the stream is consumed.
   *
   * @param cql the query's text
   * @param values the values, in marker order
   * @return the rows
   */
  default Stream<Row> stream(String cql, @Nullable Object... values) {
    return StreamSupport.stream(execute(cql, values).spliterator(), false);
  }

  /**
   * The statement {@link #execute(String, Object...)} runs.
   *
   * @param cql the statement's text
   * @param values the values, in marker order
   * @return a simple statement without values, else a bound prepared statement
   */
  private Statement<?> statementOf(String cql, @Nullable Object... values) {
    if (values == null || values.length == 0) {
      return SimpleStatement.newInstance(cql);
    }
    PreparedStatement prepared = prepare(cql);
    try {
      return prepared.bind(values);
    } catch (RuntimeException e) {
      // the driver's message names the CQL and Java types, never the values, which may be secrets
      throw new InvalidInputException("cannot bind " + values.length + " value(s) to '" + cql + "': "
          + e.getMessage(), e);
    }
  }
}
