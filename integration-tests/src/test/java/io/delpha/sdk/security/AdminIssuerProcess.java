package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ConflictException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A second process issuing admin keys, for {@link AdminIssuanceTest}: connects, prints {@code READY},
 * then for each {@code go <keyspace>} line on stdin calls {@code issueAdmin()} on that keyspace at once
 * and prints {@code RESULT ISSUED <id>} or {@code RESULT CONFLICT}.
 */
public final class AdminIssuerProcess {

  private AdminIssuerProcess() {}

  /**
   * @param args host, port, local data center
   * @throws Exception on any failure, which ends the process
   */
  public static void main(String[] args) throws Exception {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).build();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      System.out.println("READY");
      System.out.flush();
      for (String line = in.readLine(); line != null && line.startsWith("go "); line = in.readLine()) {
        AccessKeys keys = AccessKeys.on(cass).keyspace(line.substring(3)).build();
        try {
          System.out.println("RESULT ISSUED " + keys.issueAdmin().id());
        } catch (ConflictException e) {
          System.out.println("RESULT CONFLICT");
        }
        System.out.flush();
      }
    }
  }
}
