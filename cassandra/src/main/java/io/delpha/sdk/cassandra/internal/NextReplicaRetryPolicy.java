package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.retry.RetryDecision;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.internal.core.retry.DefaultRetryPolicy;

/**
 * The driver's default retry policy, plus one retry on the next node for a coordinator's timeout of an idempotent
 * request. When a replica dies or hangs, coordinators that still count on it time out ("2 responses were required but
 * only 1 replica responded") until they convict it; another coordinator, or the same query a moment later, usually
 * picks the two live replicas. Only idempotent statements are retried (reads and upserts: the library marks them, see
 * {@link io.delpha.sdk.cassandra.QuorumExecutor}); a lightweight transaction or anything unmarked keeps the default, so it runs at most once.
 * Set by {@code CassandraManager} on the sessions it builds; a host's own session keeps its own policy.
 */
@SuppressWarnings("deprecation") // the RetryDecision methods are the ones DefaultRetryPolicy implements
public final class NextReplicaRetryPolicy extends DefaultRetryPolicy {

  /**
   * @param context the driver's context
   * @param profileName the execution profile
   */
  public NextReplicaRetryPolicy(DriverContext context, String profileName) {
    super(context, profileName);
  }

  @Override
  public RetryDecision onReadTimeout(Request request, ConsistencyLevel cl, int blockFor, int received,
      boolean dataPresent, int retryCount) {
    if (retryCount == 0 && idempotent(request)) {
      return RetryDecision.RETRY_NEXT;
    }
    return super.onReadTimeout(request, cl, blockFor, received, dataPresent, retryCount);
  }

  @Override
  public RetryDecision onWriteTimeout(Request request, ConsistencyLevel cl, WriteType writeType, int blockFor,
      int received, int retryCount) {
    // the driver asks only for idempotent statements; a CAS write (an LWT) is never retried
    if (retryCount == 0 && idempotent(request) && (writeType == WriteType.SIMPLE || writeType == WriteType.BATCH
        || writeType == WriteType.UNLOGGED_BATCH)) {
      return RetryDecision.RETRY_NEXT;
    }
    return super.onWriteTimeout(request, cl, writeType, blockFor, received, retryCount);
  }

  private static boolean idempotent(Request request) {
    return request instanceof Statement<?> s && Boolean.TRUE.equals(s.isIdempotent());
  }
}
