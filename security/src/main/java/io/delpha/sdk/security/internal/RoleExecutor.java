package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.AccessDeniedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A roles-mode session's connection as the session sees it: Cassandra's own refusals (its authorizer's {@code
 * UnauthorizedException}, which names the table and the permission) become the library's uniform denial, audited
 * with Cassandra's reason; everything else passes through (the optional parts forwarded by {@link
 * CqlExecutorWrapper}).
 */
public final class RoleExecutor extends CqlExecutorWrapper {

  private final Function<String, AccessDeniedException> refuse;

  /**
   * @param delegate the connection logged in as the key's role
   * @param refuse audits a reason and gives the uniform denial
   */
  public RoleExecutor(CqlExecutor delegate, Function<String, AccessDeniedException> refuse) {
    super(delegate);
    this.refuse = refuse;
  }

  @Override
  public ResultSet execute(Statement<?> statement) {
    try {
      return super.execute(statement);
    } catch (AccessDeniedException e) {
      throw uniform(e);
    }
  }

  @Override
  public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
    CompletionStage<AsyncResultSet> stage;
    try {
      stage = super.executeAsync(statement);
    } catch (AccessDeniedException e) {
      return CompletableFuture.failedFuture(uniform(e));
    }
    return stage.handle((rs, error) -> {
      Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
      if (cause instanceof AccessDeniedException denied) {
        throw uniform(denied);
      }
      if (error != null) {
        throw error instanceof CompletionException c ? c : new CompletionException(error);
      }
      return rs;
    });
  }

  @Override
  public PreparedStatement prepare(String cql) {
    try {
      return super.prepare(cql);
    } catch (AccessDeniedException e) {
      throw uniform(e);
    }
  }

  @Override
  public PreparedStatement prepareUncached(String cql) {
    try {
      return super.prepareUncached(cql);
    } catch (AccessDeniedException e) {
      throw uniform(e);
    }
  }

  private AccessDeniedException uniform(AccessDeniedException cassandras) {
    return refuse.apply("Cassandra refused: " + cassandras.getMessage());
  }

  @Override
  public String toString() {
    return "RoleExecutor";
  }
}
