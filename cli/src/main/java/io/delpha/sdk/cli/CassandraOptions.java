package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CassandraManagerBuilder;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach Cassandra: the options of {@link CassandraManagerBuilder}, shared by every command that needs it. */
final class CassandraOptions {

  @Option(names = "--contact-point", paramLabel = "HOST:PORT", split = ",", defaultValue = "127.0.0.1:9042",
      description = "A Cassandra node to connect to, repeatable (default: ${DEFAULT-VALUE}).")
  List<String> contactPoints;

  @Option(names = "--local-dc", paramLabel = "DC", defaultValue = "datacenter1",
      description = "The local data center (default: ${DEFAULT-VALUE}).")
  String localDc;

  @Option(names = "--cassandra-user", paramLabel = "USER", description = "Log in to Cassandra as this role.")
  String username;

  @Option(names = "--cassandra-password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
      description = "The role's password: asked for when given without a value; else from "
          + "DELPHA_CASSANDRA_PASSWORD, else asked for.")
  char[] password;

  @Option(names = "--ca-pem", paramLabel = "FILE", description = "Connect with TLS, trusting this CA (PEM).")
  Path caPem;

  @Option(names = "--client-cert", paramLabel = "FILE", description = "Client certificate chain (PEM) for mutual TLS.")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "FILE", description = "Client private key (PEM) for mutual TLS.")
  Path clientKey;

  /**
   * @return a connected manager; close it
   */
  CassandraManager connect() {
    CassandraManagerBuilder b = CassandraManager.builder().localDatacenter(localDc).applicationName("delpha-cli");
    for (String cp : contactPoints) {
      HostPort hp = HostPort.parse(cp, "--contact-point", 9042);
      b.contactPoint(hp.host(), hp.port());
    }
    if (username != null) {
      b.credentials(username, Passwords.resolve(password, "DELPHA_CASSANDRA_PASSWORD",
          "Cassandra password for " + username + ": ", "--cassandra-password"));
    }
    if (caPem != null) {
      b.pemFile(caPem);
    }
    if (clientCert != null || clientKey != null) {
      if (clientCert == null || clientKey == null) {
        throw Usage.error("--client-cert and --client-key go together");
      }
      b.clientCertificate(clientCert, clientKey);
    }
    return b.build();
  }
}
