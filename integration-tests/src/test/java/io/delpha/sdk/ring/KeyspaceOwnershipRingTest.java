package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyspaceRaceProcess;
import io.delpha.sdk.security.ScopedSession;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyspace assignment is one linearizable operation (issue 24): two processes race random assign and unassign
 * calls for two organisations over the same keyspaces, through the ring's three coordinators, and afterwards no
 * keyspace is reachable by two organisations, the registry agrees with the owner rows, and each organisation's
 * writes land only in keyspaces it owns (judged by the rows).
 */
@Tag("ring")
@DisplayName("keyspace ownership under racing processes on a three-node ring")
class KeyspaceOwnershipRingTest {

  private static final String STORE = "sec_race";
  private static final List<String> KEYSPACES = List.of("race_ks0", "race_ks1", "race_ks2");

  @Test
  @DisplayName("two processes racing assign/unassign never leave a keyspace with two owners")
  void racingAssignmentsKeepOneOwner(@TempDir Path tmp) throws Exception {
    CassandraRing ring = CassandraRing.shared();
    try (CassandraManager cass = CassandraManager.builder().contactPoint(ring.node(2).host(), ring.port())
        .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS " + STORE + " WITH replication = "
          + "{'class': 'NetworkTopologyStrategy', '" + ring.localDatacenter() + "': 3}");
      for (String ks : KEYSPACES) {
        cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = "
            + "{'class': 'NetworkTopologyStrategy', '" + ring.localDatacenter() + "': 3}");
        cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".marks (id int PRIMARY KEY, v text)");
      }
      try (AccessKeys keys = AccessKeys.on(cass).keyspace(STORE).build()) {
        for (int round = 0; round < 3; round++) {
          Path go = tmp.resolve("go-" + round);
          List<JavaProcess> racers = new ArrayList<>();
          try {
            for (int p = 0; p < 2; p++) {
              racers.add(JavaProcess.start(KeyspaceRaceProcess.class, List.of("-Xmx256m"),
                  ring.node(p).host(), String.valueOf(ring.port()), ring.localDatacenter(), STORE, go.toString(),
                  String.valueOf(round * 10 + p), "150", String.join(",", KEYSPACES)));
            }
            for (JavaProcess r : racers) {
              assertThat(r.awaitLine(l -> "READY".equals(l) || l.startsWith("FAILED"), Duration.ofSeconds(90)))
                  .isEqualTo("READY");
            }
            Files.createFile(go);
            for (JavaProcess r : racers) {
              assertThat(r.awaitLine(l -> l.startsWith("DONE") || l.startsWith("FAILED"), Duration.ofMinutes(5)))
                  .startsWith("DONE 150");
            }
          } finally {
            racers.forEach(JavaProcess::close);
          }
          assertOneOwnerEach(cass, keys, round);
        }
      }
    }
  }

  private static void assertOneOwnerEach(CassandraManager cass, AccessKeys keys, int round) {
    Map<String, String> owners = new HashMap<>();
    for (Row r : cass.execute("SELECT keyspace_name, organisation FROM " + STORE + ".keyspace_owners")) {
      owners.put(r.getString(0), r.getString(1));
    }
    Map<String, List<String>> reachable = new HashMap<>();
    for (String org : List.of("acme", "globex")) {
      for (String ks : keys.keyspacesOf(org)) {
        reachable.computeIfAbsent(ks, k -> new ArrayList<>()).add(org);
      }
    }
    for (String ks : KEYSPACES) {
      List<String> orgs = reachable.getOrDefault(ks, List.of());
      assertThat(orgs).as("round %d: organisations reaching %s", round, ks).hasSizeLessThanOrEqualTo(1);
      assertThat(orgs).as("round %d: %s agrees with its owner row", round, ks)
          .isEqualTo(owners.containsKey(ks) ? List.of(owners.get(ks)) : List.of());
    }
    // by the data: each organisation writes its name into every keyspace; only the owner's write lands
    for (String ks : KEYSPACES) {
      cass.execute("INSERT INTO " + ks + ".marks (id, v) VALUES (?, ?)", round, "nobody");
    }
    for (String org : List.of("acme", "globex")) {
      try (ScopedSession s = keys.open(keys.issue(org).secret())) {
        for (String ks : KEYSPACES) {
          try {
            s.execute("INSERT INTO " + ks + ".marks (id, v) VALUES (?, ?)", round, org);
          } catch (AccessDeniedException refused) {
            // not its keyspace
          }
        }
      }
    }
    for (String ks : KEYSPACES) {
      String mark = cass.execute("SELECT v FROM " + ks + ".marks WHERE id = ?", round).one().getString(0);
      assertThat(mark).as("round %d: who wrote into %s", round, ks).isEqualTo(owners.getOrDefault(ks, "nobody"));
    }
  }
}
