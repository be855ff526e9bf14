package io.delpha.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

@DisplayName("The real-server harness")
class HarnessTest {

  @Test
  @DisplayName("starts a Cassandra 5.0 node that answers CQL")
  void cassandraAnswers() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CqlSession s = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(c.host(), c.port()))
        .withLocalDatacenter(c.localDatacenter()).build()) {
      String version = s.execute("SELECT release_version FROM system.local").one().getString(0);
      assertThat(version).startsWith("5.0");
    }
  }

  @Test
  @DisplayName("starts a PostgreSQL 17 server")
  void postgresAnswers() throws Exception {
    try (Connection c = PostgresServer.shared().createDatabase("harness").getConnection();
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      assertThat(rs.getString(1)).matches("\\d+(\\.\\d+)?.*");
    }
  }

  @Test
  @DisplayName("starts an S3 server that stores objects")
  void s3Stores() {
    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("harness");
    try (S3Client client = s3.client()) {
      client.putObject(b -> b.bucket(bucket).key("a/b.txt"), RequestBody.fromString("hello"));
      assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("a/b.txt")).asUtf8String()).isEqualTo("hello");
    }
  }
}
