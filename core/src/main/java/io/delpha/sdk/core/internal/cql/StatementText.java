package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import org.jspecify.annotations.Nullable;

/** Internal: the CQL text of a statement, for the executors and guards that decide by it. */
public final class StatementText {

  private StatementText() {}

  /**
   * @param statement a statement
   * @return its CQL text: a simple statement's query, a bound statement's prepared query; {@code null} for any other
   *     (a batch)
   */
  public static @Nullable String of(Statement<?> statement) {
    if (statement instanceof SimpleStatement simple) {
      return simple.getQuery();
    }
    if (statement instanceof BoundStatement bound) {
      return bound.getPreparedStatement().getQuery();
    }
    return null;
  }
}
