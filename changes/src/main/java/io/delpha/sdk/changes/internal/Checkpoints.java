package io.delpha.sdk.changes.internal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.core.internal.cql.DriverErrors;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The replay id of each topic, checkpointed in a table of the organisation's keyspace (created if absent, with the
 * library's own tables' options): written at {@code LOCAL_QUORUM} only after the writes it covers were acknowledged.
 * Beside it, the last write timestamp given ({@link WriteClock}), so that changes applied again after a restart get
 * the timestamps they had.
 */
public final class Checkpoints {

  /**
   * A topic's checkpoint.
   *
   * @param replayId the replay id of the last answer applied
   * @param lastTimestamp the last write timestamp given, microseconds
   */
  public record Checkpoint(byte[] replayId, long lastTimestamp) {}

  private final CqlExecutor cql;
  private final String table;
  private volatile @Nullable PreparedStatement prepared;

  /**
   * @param cql the host's executor
   * @param keyspace the keyspace
   * @param table the checkpoint table
   */
  public Checkpoints(CqlExecutor cql, String keyspace, String table) {
    this.cql = new QuorumExecutor(cql);
    this.table = CqlNames.qualified(keyspace, table);
  }

  /** Creates the table if absent. */
  public void ensure() {
    run(() -> cql.execute("CREATE TABLE IF NOT EXISTS " + table + " (topic text PRIMARY KEY, replay_id blob, "
        + "last_timestamp bigint, updated_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS));
  }

  /**
   * @param topic a topic
   * @return its checkpoint, if it has one
   */
  public Optional<Checkpoint> load(String topic) {
    Row row = run(() -> cql.execute("SELECT replay_id, last_timestamp FROM " + table + " WHERE topic = ?", topic)
        .one());
    if (row == null || row.getByteBuffer(0) == null) {
      return Optional.empty();
    }
    ByteBuffer b = row.getByteBuffer(0);
    byte[] id = new byte[b.remaining()];
    b.duplicate().get(id);
    return Optional.of(new Checkpoint(id, row.getLong(1)));
  }

  /**
   * @param topic a topic
   * @param replayId the replay id of the last answer whose writes were acknowledged
   * @param lastTimestamp the last write timestamp given
   * @param now the time of the checkpoint
   */
  public void save(String topic, byte[] replayId, long lastTimestamp, Instant now) {
    run(() -> cql.execute(insert(), topic, ByteBuffer.wrap(replayId), lastTimestamp, now));
  }

  /**
   * {@link #save}, without waiting: the caller orders the saves (each after the writes it covers are acknowledged).
   * Prepares the statement on the calling thread the first time; the save itself may then be made on a driver's
   * thread (a synchronous call there is refused).
   *
   * @param topic a topic
   * @param replayId the replay id of the last answer whose writes were acknowledged
   * @param lastTimestamp the last write timestamp given
   * @return a save to start: it gives a future done when the checkpoint is acknowledged, failed (mapped) if not
   */
  public Function<Instant, CompletableFuture<Void>> saving(String topic, byte[] replayId, long lastTimestamp) {
    PreparedStatement p = prepared;
    if (p == null) {
      p = run(() -> cql.prepare(insert()));
      prepared = p;
    }
    PreparedStatement statement = p;
    return now -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      try {
        cql.executeAsync(statement.bind(topic, ByteBuffer.wrap(replayId), lastTimestamp, now)).whenComplete((r, x) -> {
          if (x == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(TableWriter.mapped(x));
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(TableWriter.mapped(e));
      }
      return done;
    };
  }

  private String insert() {
    return "INSERT INTO " + table + " (topic, replay_id, last_timestamp, updated_at) VALUES (?, ?, ?, ?)";
  }

  /**
   * Forgets a topic's checkpoint (its replay id expired: the object is re-read and the stream starts anew).
   *
   * @param topic a topic
   */
  public void clear(String topic) {
    run(() -> cql.execute("DELETE replay_id FROM " + table + " WHERE topic = ?", topic));
  }

  private static <T> T run(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (DelphaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw DriverErrors.onRequest(e);
    }
  }
}
