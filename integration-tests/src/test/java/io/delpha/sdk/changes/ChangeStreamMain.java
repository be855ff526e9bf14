package io.delpha.sdk.changes;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceStubs;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

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
        .cql(new FaultAtWrite(cass, Integer.parseInt(args[7]), Integer.parseInt(args[8]), ChangeStreamMain::hold))
        .salesforce(sf)
        .login(() -> new PubSubSession(Secret.of("00Dx0000000BV7z!token"), restUrl, "00Dx0000000BV7z"))
        .replayPreset(ReplayPreset.EARLIEST).endpoint(args[4]).batchSize(Integer.parseInt(args[6])).build();
    stream.start();
    System.out.println("STARTED");
    new CountDownLatch(1).await();
  }

  /** Holds the stream's thread for good, for the parent to kill the process there. */
  private static void hold() {
    System.out.println("HOLD");
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
