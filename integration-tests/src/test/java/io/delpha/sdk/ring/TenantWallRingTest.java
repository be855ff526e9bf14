package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.TenantWall;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stateful test of the tenant wall (issue 33) at length on the three-node ring: three key stores on one key
 * store keyspace, one per coordinator (as three host processes would be), each step done through one of them at
 * random, every keyspace replicated three times. Replay a seed with {@code -Ddelpha.wall.seed=<seed>}.
 */
@Tag("ring")
@DisplayName("the tenant wall holds over thousands of random steps across three coordinators")
class TenantWallRingTest {

  private static final List<String> KEYSPACES = List.of("ringwall_ks0", "ringwall_ks1", "ringwall_ks2", "ringwall_ks3");

  @Test
  @DisplayName("a seeded sequence of 3,000 steps through three coordinators keeps every tenant to its own keyspaces")
  void longSequenceAcrossCoordinators() {
    CassandraRing ring = CassandraRing.shared();
    long seed = TenantWall.seed();
    int steps = Integer.getInteger("delpha.wall.steps", 3_000);
    String replication = "{'class': 'NetworkTopologyStrategy', '" + ring.localDatacenter() + "': 3}";
    String store = "sec_ringwall_" + Long.toHexString(seed & 0xffffffL);
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    List<CassandraManager> hosts = new ArrayList<>();
    List<AccessKeys> stores = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        hosts.add(CassandraManager.builder().contactPoint(ring.node(i).host(), ring.port())
            .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build());
      }
      TenantWall.createKeyspaces(hosts.get(0), KEYSPACES, replication);
      for (CassandraManager host : hosts) {
        stores.add(AccessKeys.on(host).keyspace(store).replication(replication).clock(clock)
            .revocationCheckInterval(TenantWall.INTERVAL).build());
      }
      String summary = new TenantWall(stores, hosts, clock, KEYSPACES, seed,
          "mvn -B -ntp -Pring test -Dtest='TenantWallRingTest' -Dsurefire.failIfNoSpecifiedTests=false "
              + "-Ddelpha.wall.seed={seed} -Ddelpha.wall.steps=" + steps, owners -> { }).run(steps);
      System.out.println("TenantWallRingTest: " + summary);
      assertThat(summary).startsWith(steps + " steps");
    } finally {
      stores.forEach(AccessKeys::close);
      if (!hosts.isEmpty()) {
        hosts.get(0).execute("DROP KEYSPACE IF EXISTS " + store);
      }
      hosts.forEach(CassandraManager::close);
    }
  }
}
