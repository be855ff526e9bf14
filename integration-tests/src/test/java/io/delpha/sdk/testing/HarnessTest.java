package io.delpha.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  static final int SPINNERS = 4;

  /**
   * A child JVM whose threads never stop counting, each into its own long of a file mapped into memory (the file
   * is its argument): the test reads the counts while the child is paused.
   */
  public static final class Spinner {
    public static void main(String[] args) throws IOException {
      try (FileChannel f = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MappedByteBuffer counts = f.map(FileChannel.MapMode.READ_WRITE, 0, 8L * SPINNERS);
        for (int i = 0; i < SPINNERS; i++) {
          int slot = i * 8;
          Thread t = new Thread(() -> {
            for (long n = 1; ; n++) {
              counts.putLong(slot, n);
            }
          }, "spinner-" + i);
          t.start();
        }
        System.out.println("SPINNING");
        ServerSupport.sleep(Duration.ofDays(1));
      }
    }
  }

  @Test
  @DisplayName("signal(STOP) returns once no thread of the process runs: four threads counting without pause are "
      + "still, pause after pause, and count again once resumed")
  void stopMeansStopped(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("counts");
    java.nio.file.Files.write(file, new byte[8 * SPINNERS]);
    try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ);
        JavaProcess child = JavaProcess.start(Spinner.class, List.of("-Xmx64m"), file.toString())) {
      child.awaitLine("SPINNING"::equals, Duration.ofSeconds(60));
      MappedByteBuffer counts = f.map(FileChannel.MapMode.READ_ONLY, 0, 8L * SPINNERS);
      for (int pause = 0; pause < 20; pause++) {
        ServerSupport.signal("STOP", child.pid());
        long[] first = read(counts);
        ServerSupport.sleep(Duration.ofMillis(20));
        assertThat(read(counts)).as("pause %d: the counts once signal(STOP) returned, and 20 ms later", pause)
            .containsExactly(first);
        assertThat(ServerSupport.isStopped(child.pid())).isTrue();
        ServerSupport.signal("CONT", child.pid());
        ServerSupport.await("every thread counting again", Duration.ofSeconds(30), () -> {
          long[] now = read(counts);
          for (int i = 0; i < SPINNERS; i++) {
            if (now[i] == first[i]) {
              return false;
            }
          }
          return true;
        });
      }
    }
  }

  private static long[] read(MappedByteBuffer counts) {
    long[] values = new long[SPINNERS];
    for (int i = 0; i < SPINNERS; i++) {
      values[i] = counts.getLong(i * 8);
    }
    return values;
  }
}
