package io.delpha.sdk.changes;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.CqlExecutorWrapper;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A change stream in a process of its own, for {@code ChangeStreamProcessTest}: {@code /data/ChangeEvents} from a
 * Pub/Sub endpoint on a loopback port into a keyspace, re-reads from a REST base URL, until killed. Arguments: host
 * port dc keyspace endpoint restUrl batchSize holdAfter holdAt. With {@code holdAfter > 0}, once the stream has
 * checkpointed {@code holdAfter} times, its {@code holdAt}-th table write after that is sent and then the stream's
 * thread is held there, mid-answer, and {@code HOLD} is printed: the parent kills the process at that point. The
 * process ends when its parent does.
 */
public final class ChangeStreamMain {

  private ChangeStreamMain() {}

  public static void main(String[] args) throws Exception {
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).build();
    String restUrl = args[5];
    SalesforceManager sf = SalesforceManager.builder().loginUrl(restUrl).clientId(SalesforceStubs.CLIENT_ID)
        .clientSecret(SalesforceStubs.CLIENT_SECRET).username(SalesforceStubs.USERNAME)
        .password(SalesforceStubs.PASSWORD).securityToken(SalesforceStubs.SECURITY_TOKEN)
        .requestTimeout(Duration.ofSeconds(10)).build();
    ChangeStream stream = SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace(args[3])
        .cql(new Holding(cass, Integer.parseInt(args[7]), Integer.parseInt(args[8]))).salesforce(sf)
        .login(() -> new PubSubSession(Secret.of("00Dx0000000BV7z!token"), restUrl, "00Dx0000000BV7z"))
        .replayPreset(ReplayPreset.EARLIEST).endpoint(args[4]).batchSize(Integer.parseInt(args[6])).build();
    stream.start();
    System.out.println("STARTED");
    new CountDownLatch(1).await();
  }

  /** Counts checkpoints and table writes; holds the stream's thread at the write asked for. */
  private static final class Holding extends CqlExecutorWrapper {
    private final int holdAfter;
    private final int holdAt;
    private final AtomicInteger checkpoints = new AtomicInteger();
    private final AtomicInteger writesSince = new AtomicInteger();

    Holding(CqlExecutor delegate, int holdAfter, int holdAt) {
      super(delegate);
      this.holdAfter = holdAfter;
      this.holdAt = holdAt;
    }

    private static String text(Statement<?> s) {
      return s instanceof SimpleStatement simple ? simple.getQuery()
          : s instanceof BoundStatement b ? b.getPreparedStatement().getQuery() : "";
    }

    @Override
    public ResultSet execute(Statement<?> statement) {
      ResultSet rs = super.execute(statement);
      if (text(statement).startsWith("INSERT INTO") && text(statement).contains("salesforce_change_checkpoints")) {
        checkpoints.incrementAndGet();
      }
      return rs;
    }

    @Override
    public CompletionStage<AsyncResultSet> executeAsync(Statement<?> statement) {
      CompletionStage<AsyncResultSet> sent = super.executeAsync(statement);
      if (holdAfter > 0 && checkpoints.get() >= holdAfter && writesSince.incrementAndGet() == holdAt) {
        System.out.println("HOLD after " + checkpoints.get() + " checkpoints, at write " + holdAt + " of an answer");
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return sent;
    }
  }
}
