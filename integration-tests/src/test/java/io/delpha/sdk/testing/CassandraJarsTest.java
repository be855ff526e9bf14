package io.delpha.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness provisions the Cassandra server's jars for a host's tests: the list it carries is the build's, a local
 * repository is used first, and a mirror that lies (other bytes, too many bytes, no jar) leaves nothing behind.
 */
@DisplayName("CassandraJars: the server's jars provisioned from a listed, hashed set")
class CassandraJarsTest {

  private static final Path BUILT = Path.of("integration-tests/target/cassandra-server/lib").toAbsolutePath();

  @TempDir
  Path work;

  private HttpServer mirror;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startMirror() throws IOException {
    mirror = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    mirror.start();
  }

  @AfterEach
  void stopMirror() {
    mirror.stop(0);
  }

  @Test
  @DisplayName("the list names exactly the jars the build resolved, with their sizes and hashes")
  void listIsTheBuilds() throws IOException {
    Map<String, String> built = new TreeMap<>();
    try (Stream<Path> jars = Files.list(BUILT)) {
      for (Path jar : jars.toList()) {
        built.put(jar.getFileName().toString(), Files.size(jar) + " " + CassandraJars.sha256(jar));
      }
    }
    Map<String, String> listed = new TreeMap<>();
    for (CassandraJars.Jar jar : CassandraJars.manifest()) {
      listed.put(jar.fileName(), jar.size() + " " + jar.sha256());
    }

    assertThat(listed).as("integration-tests/src/test/resources/io/delpha/sdk/testing/%s against %s (a new Cassandra version: list "
        + "the build's jars again, `mvn -f integration-tests/src/test/cassandra-server/pom.xml dependency:list` gives their "
        + "coordinates)", CassandraJars.MANIFEST, BUILT).isEqualTo(built);
  }

  @Test
  @DisplayName("from the local repository: every jar copied, byte for byte the build's, nothing downloaded")
  void fromTheLocalRepository() throws IOException {
    Path repo = Path.of(System.getProperty("delpha.maven.repo",
        System.getProperty("user.home") + "/.m2/repository"));
    Path lib = work.resolve("lib");

    CassandraJars.provision(lib, CassandraJars.manifest(), repo, "http://127.0.0.1:" + mirror.getAddress().getPort());

    try (Stream<Path> jars = Files.list(BUILT)) {
      for (Path jar : jars.toList()) {
        assertThat(CassandraJars.sha256(lib.resolve(jar.getFileName()))).as(jar.getFileName().toString())
            .isEqualTo(CassandraJars.sha256(jar));
      }
    }
    try (Stream<Path> files = Files.list(lib)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).hasSize(CassandraJars.manifest().size())
          .noneMatch(n -> n.endsWith(".part"));
    }
    assertThat(requests).hasValue(0);
  }

  @Test
  @DisplayName("from a mirror: the listed bytes are kept; a second run downloads nothing")
  void fromAMirror() throws IOException {
    byte[] bytes = "a jar's bytes".getBytes(StandardCharsets.UTF_8);
    CassandraJars.Jar jar = jar(bytes);
    serve(jar, bytes, false);
    Path lib = work.resolve("lib");

    CassandraJars.provision(lib, List.of(jar), work.resolve("empty-repo"), url());
    CassandraJars.provision(lib, List.of(jar), work.resolve("empty-repo"), url());

    assertThat(Files.readAllBytes(lib.resolve(jar.fileName()))).isEqualTo(bytes);
    assertThat(requests).hasValue(1);
  }

  @Test
  @DisplayName("a mirror serving other bytes of the listed size: refused, nothing kept")
  void tamperedJarRefused() throws IOException {
    byte[] bytes = "a jar's bytes".getBytes(StandardCharsets.UTF_8);
    CassandraJars.Jar jar = jar(bytes);
    serve(jar, "a jar's bytez".getBytes(StandardCharsets.UTF_8), false);
    Path lib = work.resolve("lib");

    assertThatThrownBy(() -> CassandraJars.provision(lib, List.of(jar), work.resolve("empty-repo"), url()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused, nothing kept");
    assertThat(filesIn(lib)).isEmpty();
  }

  @Test
  @DisplayName("a mirror that never stops answering: cut one byte past the listed size, nothing kept")
  void endlessAnswerCut() throws IOException {
    byte[] bytes = "a jar's bytes".getBytes(StandardCharsets.UTF_8);
    CassandraJars.Jar jar = jar(bytes);
    serve(jar, bytes, true);
    Path lib = work.resolve("lib");

    assertThatThrownBy(() -> CassandraJars.provision(lib, List.of(jar), work.resolve("empty-repo"), url()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sent more than the 13 bytes");
    assertThat(filesIn(lib)).isEmpty();
  }

  @Test
  @DisplayName("a mirror without the jar: its status in the error, nothing kept")
  void missingJar() throws IOException {
    CassandraJars.Jar jar = jar("x".getBytes(StandardCharsets.UTF_8));
    Path lib = work.resolve("lib");

    assertThatThrownBy(() -> CassandraJars.provision(lib, List.of(jar), work.resolve("empty-repo"), url()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered 404");
    assertThat(filesIn(lib)).isEmpty();
  }

  private static CassandraJars.Jar jar(byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile("jar", ".bin");
    try {
      Files.write(tmp, bytes);
      return new CassandraJars.Jar("org.example", "server-part", "1.0", "", bytes.length, CassandraJars.sha256(tmp));
    } finally {
      Files.delete(tmp);
    }
  }

  /** Serves {@code body} at the jar's path, or, {@code endless}, that body followed by zeros for ever. */
  private void serve(CassandraJars.Jar jar, byte[] body, boolean endless) {
    mirror.createContext("/" + jar.repositoryPath(), exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, endless ? 0 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
        byte[] more = new byte[8192];
        for (int i = 0; endless && i < 100_000; i++) { // 800 MB at most, the client hangs up long before
          out.write(more);
        }
      } catch (IOException e) {
        // the client hung up
      }
    });
  }

  private String url() {
    return "http://127.0.0.1:" + mirror.getAddress().getPort() + "/";
  }

  private static List<String> filesIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return new ArrayList<>(files.map(f -> f.getFileName().toString()).toList());
    }
  }
}
