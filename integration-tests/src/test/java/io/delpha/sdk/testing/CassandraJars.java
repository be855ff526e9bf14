package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder of the Apache Cassandra server's jars that {@link CassandraServer} and {@link CassandraRing} launch from
 * (never on a test class path: Cassandra's Guava and Netty are not the driver's).
 *
 * <p>In order: the folder named by {@code -Ddelpha.cassandra.lib}; {@code target/cassandra-server/lib} when it holds
 * the jars (this project's build copies them there); else the harness provisions them itself, for a host's tests
 * with nothing to set up: each jar of {@code cassandra-server-jars.txt} (Cassandra 5.0.6 and its dependencies, with
 * their SHA-256) is copied from the local Maven repository ({@code -Dmaven.repo.local}, else {@code
 * ~/.m2/repository}) or downloaded from Maven Central ({@code -Ddelpha.maven.mirror}, default {@code
 * https://repo.maven.apache.org/maven2}, for a host behind a repository manager), checked against its SHA-256, and
 * kept in {@code ~/.cache/delpha/cassandra-server-5.0.6/lib} ({@code -Ddelpha.cache} moves the cache). A jar whose
 * hash differs is refused, and nothing of it is kept; JVMs provisioning at once take turns on a file lock.
 */
public final class CassandraJars {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraJars.class);
  /** The list of jars, beside this class in the harness's jar. */
  static final String MANIFEST = "cassandra-server-jars.txt";
  private static final String CENTRAL = "https://repo.maven.apache.org/maven2";

  private CassandraJars() {}

  /** One jar: its Maven coordinates, its size and the SHA-256 of its bytes. */
  record Jar(String group, String artifact, String version, String classifier, long size, String sha256) {

    /** @return the file name, as Maven names it in a repository and the build copies it */
    String fileName() {
      return artifact + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
    }

    /** @return the path under a repository's root, in Maven's layout */
    String repositoryPath() {
      return group.replace('.', '/') + "/" + artifact + "/" + version + "/" + fileName();
    }
  }

  /**
   * @return the folder of the server's jars, provisioned first if need be
   * @throws IllegalStateException when a jar cannot be had, or its bytes are not the ones listed
   */
  public static synchronized Path lib() {
    String named = System.getProperty("delpha.cassandra.lib");
    if (named != null) {
      return Path.of(named).toAbsolutePath();
    }
    Path built = Path.of("target/cassandra-server/lib").toAbsolutePath();
    if (hasServer(built)) {
      return built;
    }
    Path cache = Path.of(System.getProperty("delpha.cache", System.getProperty("user.home") + "/.cache/delpha"));
    return provision(cache.resolve("cassandra-server-" + serverVersion()).resolve("lib"), manifest(),
        localRepository(), System.getProperty("delpha.maven.mirror", CENTRAL));
  }

  /**
   * Makes {@code lib} hold every listed jar, each checked against its size and hash.
   *
   * @param lib the folder to fill (created)
   * @param jars the jars it must hold
   * @param localRepository a Maven repository folder to copy from first
   * @param mirror a Maven repository URL to download what the local one lacks
   * @return {@code lib}
   */
  static Path provision(Path lib, List<Jar> jars, Path localRepository, String mirror) {
    try {
      Files.createDirectories(lib);
      try (FileChannel lockFile = FileChannel.open(lib.resolveSibling("provisioning.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
        int fetched = 0;
        HttpClient http = null;
        for (Jar jar : jars) {
          Path target = lib.resolve(jar.fileName());
          if (Files.isRegularFile(target)) {
            continue; // only a checked jar is ever moved into lib
          }
          Path part = lib.resolve(jar.fileName() + ".part");
          Path local = localRepository.resolve(jar.repositoryPath());
          if (Files.isRegularFile(local) && jar.sha256().equals(sha256(local))) {
            Files.copy(local, part, StandardCopyOption.REPLACE_EXISTING);
          } else {
            if (http == null) {
              http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                  .followRedirects(HttpClient.Redirect.NORMAL).build();
            }
            download(http, URI.create(mirror.replaceAll("/+$", "") + "/" + jar.repositoryPath()), part, jar.size());
            fetched++;
          }
          String actual = sha256(part);
          if (Files.size(part) != jar.size() || !actual.equals(jar.sha256())) {
            Files.deleteIfExists(part);
            throw new IllegalStateException(jar.fileName() + " from " + mirror + " has SHA-256 " + actual
                + ", not the " + jar.sha256() + " the harness lists: refused, nothing kept");
          }
          Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        }
        if (fetched > 0) {
          LOG.info("Cassandra server jars provisioned in {} ({} downloaded from {})", lib, fetched, mirror);
        }
        return lib;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not provision the Cassandra server's jars in " + lib, e);
    }
  }

  /** Downloads at most {@code size + 1} bytes: a mirror that answers forever fills no disk. */
  private static void download(HttpClient http, URI uri, Path to, long size) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while downloading " + uri, e);
    }
    try (InputStream body = response.body();
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
      }
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      for (int n; (n = body.read(buffer)) > 0; ) {
        total += n;
        if (total > size) {
          throw new IllegalStateException("GET " + uri + " sent more than the " + size + " bytes the harness lists");
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(to);
      throw e;
    }
  }

  /** @return the jars the harness lists, in the order of the list */
  static List<Jar> manifest() {
    try (InputStream in = CassandraJars.class.getResourceAsStream(MANIFEST)) {
      if (in == null) {
        throw new IllegalStateException(MANIFEST + " is not beside " + CassandraJars.class.getName());
      }
      List<Jar> jars = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(" ");
        String[] gav = parts[0].split(":");
        jars.add(new Jar(gav[0], gav[1], gav[2], gav.length > 3 ? gav[3] : "", Long.parseLong(parts[1]), parts[2]));
      }
      return jars;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the server's version, as the list names {@code cassandra-all} */
  static String serverVersion() {
    return manifest().stream().filter(j -> j.artifact().equals("cassandra-all")).map(Jar::version).findFirst()
        .orElseThrow(() -> new IllegalStateException(MANIFEST + " lists no cassandra-all"));
  }

  private static boolean hasServer(Path lib) {
    if (!Files.isDirectory(lib)) {
      return false;
    }
    try (Stream<Path> files = Files.list(lib)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("cassandra-all-"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Path localRepository() {
    String repo = System.getProperty("maven.repo.local");
    return repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  /** @return the SHA-256 of a file's bytes, in lower-case hex */
  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
