package io.delpha.sdk.testing;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Exact row counts of large tables: the Murmur3 token ring split into slices, one {@code count(*)} per
 * slice at {@code LOCAL_QUORUM}, each small enough to finish within a read timeout (a single {@code
 * count(*)} over a million rows outlasts it on a busy node). A slice that fails as unavailable (a node
 * killed and not yet convicted by the others) is asked again, up to five times. Used by tests and
 * benchmarks that must prove every row arrived before they say anything else.
 */
public final class TokenRangeCount {

  private TokenRangeCount() {}

  /**
   * @param cass where to count
   * @param table {@code keyspace.table}
   * @param partitionKey the table's partition key column(s), as in {@code token(...)}
   * @param slices how many token ranges to count separately
   * @return the number of rows
   */
  public static long exact(CqlExecutor cass, String table, String partitionKey, int slices) {
    BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
    BigInteger span = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    long total = 0;
    long lo = Long.MIN_VALUE;
    for (int i = 1; i <= slices; i++) {
      long hi = i == slices ? Long.MAX_VALUE
          : min.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(slices))).longValue();
      SimpleStatement count = SimpleStatement.newInstance("SELECT count(*) FROM " + table + " WHERE token("
              + partitionKey + ") > ? AND token(" + partitionKey + ") <= ?", lo, hi)
          .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setTimeout(Duration.ofMinutes(1));
      for (int attempt = 1; ; attempt++) {
        try {
          total += cass.execute(count).one().getLong(0);
          break;
        } catch (ServiceUnavailableException e) {
          if (attempt == 5) {
            throw e;
          }
          ServerSupport.sleep(Duration.ofSeconds(3));
        }
      }
      lo = hi;
    }
    return total;
  }
}
