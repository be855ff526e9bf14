package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A process racing keyspace assignments, for {@code KeyspaceOwnershipRingTest}: connects through one coordinator
 * (the driver then uses every node), prints {@code READY}, waits for a start file, then runs random assign and
 * unassign calls for two organisations over a few keyspaces, and prints {@code DONE <ops> <conflicts> <unknown outcomes>} (or {@code FAILED <error>}).
 */
public final class KeyspaceRaceProcess {

  private KeyspaceRaceProcess() {}

  /**
   * @param args host, port, local data center, security keyspace, start file, seed, operations, keyspaces
   *     (comma-separated)
   * @throws Exception on any failure, which ends the process
   */
  public static void main(String[] args) throws Exception {
    try {
      race(args);
    } catch (Throwable t) {
      System.out.println("FAILED " + t);
      System.out.flush();
      System.exit(1);
    }
  }

  private static void race(String[] args) throws Exception {
    Path go = Path.of(args[4]);
    Random random = new Random(Long.parseLong(args[5]));
    int ops = Integer.parseInt(args[6]);
    List<String> keyspaces = List.of(args[7].split(","));
    List<String> organisations = List.of("acme", "globex");
    try (CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).requestTimeout(Duration.ofSeconds(20)).build();
        AccessKeys keys = AccessKeys.on(cass).keyspace(args[3]).build()) {
      System.out.println("READY");
      System.out.flush();
      while (!Files.exists(go)) {
        Thread.sleep(5);
      }
      int conflicts = 0;
      int unknown = 0;
      for (int i = 0; i < ops; i++) {
        String org = organisations.get(random.nextInt(organisations.size()));
        String ks = keyspaces.get(random.nextInt(keyspaces.size()));
        try {
          if (random.nextBoolean()) {
            keys.assignKeyspace(org, ks);
          } else {
            keys.unassignKeyspace(org, ks);
          }
        } catch (ConflictException e) {
          conflicts++;
        } catch (io.delpha.sdk.core.ServiceUnavailableException e) {
          unknown++; // a contended lightweight transaction timed out: its outcome is unknown, part of the race
        }
      }
      System.out.println("DONE " + ops + " " + conflicts + " " + unknown);
      System.out.flush();
    }
  }
}
