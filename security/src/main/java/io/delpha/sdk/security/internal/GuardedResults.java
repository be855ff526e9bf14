package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.ExecutionInfo;
import com.datastax.oss.driver.api.core.cql.QueryTrace;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import io.delpha.sdk.core.internal.cql.MappedResultSet;
import io.delpha.sdk.core.DelphaException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Result sets of a scoped session that check the session's key and the current owner of every keyspace read
 * before every page they fetch, so that revocation, expiry, an unassigned keyspace or {@code close()} stop an open
 * read within the revocation check interval, whether it is iterated synchronously or paged asynchronously.
 *
 * <p>They never hand the caller what the session ran: {@link ExecutionInfo#getStatement()} answers the caller's own
 * statement, so the session's prepared statements (what the guard's records were made from) stay out of the
 * tenant's reach. Failures of a later page pass through the session's mapping of refusals, so a refusal by the
 * cluster reads like any other.
 */
final class GuardedResults {

  /** The check run before a page is fetched; throws when the session may no longer read. */
  interface PageGuard {
    void beforeFetch();
  }

  private GuardedResults() {}

  /**
   * @param delegate what the session's connection answered
   * @param guard runs before each further page
   * @param uniform maps a failure of a later page to what the tenant sees
   * @param callers the statement the caller passed (what {@link ExecutionInfo#getStatement()} answers)
   */
  static ResultSet sync(ResultSet delegate, PageGuard guard, UnaryOperator<RuntimeException> uniform,
      Statement<?> callers) {
    return new MappedResultSet(delegate, guard::beforeFetch, uniform, i -> new CallersInfo(i, callers));
  }

  static AsyncResultSet async(AsyncResultSet delegate, PageGuard guard, UnaryOperator<RuntimeException> uniform,
      Statement<?> callers) {
    return new Async(delegate, guard, uniform, callers);
  }

  /** Unwraps a failed stage's exception and maps it as a synchronous call would. */
  static Throwable mapped(Throwable error, UnaryOperator<RuntimeException> uniform) {
    Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return t instanceof RuntimeException r ? uniform.apply(r) : t;
  }

  private record Async(AsyncResultSet delegate, PageGuard guard, UnaryOperator<RuntimeException> uniform,
      Statement<?> callers) implements AsyncResultSet {
    @Override
    public ColumnDefinitions getColumnDefinitions() {
      return delegate.getColumnDefinitions();
    }

    @Override
    public ExecutionInfo getExecutionInfo() {
      return new CallersInfo(delegate.getExecutionInfo(), callers);
    }

    @Override
    public int remaining() {
      return delegate.remaining();
    }

    @Override
    public Iterable<Row> currentPage() {
      return delegate.currentPage();
    }

    @Override
    public boolean hasMorePages() {
      return delegate.hasMorePages();
    }

    @Override
    public CompletionStage<AsyncResultSet> fetchNextPage() {
      try {
        guard.beforeFetch();
      } catch (DelphaException e) {
        return CompletableFuture.failedFuture(e);
      }
      CompletableFuture<AsyncResultSet> next = new CompletableFuture<>();
      delegate.fetchNextPage().whenComplete((rs, error) -> {
        if (error != null) {
          next.completeExceptionally(mapped(error, uniform));
        } else {
          next.complete(new Async(rs, guard, uniform, callers));
        }
      });
      return next;
    }

    @Override
    public boolean wasApplied() {
      return delegate.wasApplied();
    }
  }

  /** The driver's execution info, but naming the caller's statement rather than the one the session ran. */
  private record CallersInfo(ExecutionInfo delegate, Statement<?> callers) implements ExecutionInfo {
    @Override
    public Statement<?> getStatement() {
      return callers;
    }

    @Override
    public com.datastax.oss.driver.api.core.session.Request getRequest() {
      return callers;
    }

    @Override
    public @Nullable Node getCoordinator() {
      return delegate.getCoordinator();
    }

    @Override
    public int getSpeculativeExecutionCount() {
      return delegate.getSpeculativeExecutionCount();
    }

    @Override
    public int getSuccessfulExecutionIndex() {
      return delegate.getSuccessfulExecutionIndex();
    }

    @Override
    public List<Map.Entry<Node, Throwable>> getErrors() {
      return delegate.getErrors();
    }

    @Override
    public @Nullable ByteBuffer getPagingState() {
      return delegate.getPagingState();
    }

    @Override
    public List<String> getWarnings() {
      return delegate.getWarnings();
    }

    @Override
    public Map<String, ByteBuffer> getIncomingPayload() {
      return delegate.getIncomingPayload();
    }

    @Override
    public boolean isSchemaInAgreement() {
      return delegate.isSchemaInAgreement();
    }

    @Override
    public @Nullable UUID getTracingId() {
      return delegate.getTracingId();
    }

    @Override
    public CompletionStage<QueryTrace> getQueryTraceAsync() {
      return delegate.getQueryTraceAsync();
    }

    @Override
    public int getResponseSizeInBytes() {
      return delegate.getResponseSizeInBytes();
    }

    @Override
    public int getCompressedResponseSizeInBytes() {
      return delegate.getCompressedResponseSizeInBytes();
    }
  }
}
