package io.delpha.sdk.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A host's first hour with the published artifacts: the library's jar and POM, its tests jar, the BOM and the
 * capability and testing artifacts (target/artifacts) are installed in the build's local repository as a release
 * would publish them, and fresh host projects that import the BOM and name one artifact each, without a version,
 * compile and run: the core alone, Parquet on the class path and on the module path, and the test harness starting
 * Cassandra (its jars provisioned by the harness itself), PostgreSQL and S3.
 */
@Tag("process")
@DisplayName("Host projects on the BOM and one capability artifact each: compiled by Maven, run on class and module path")
class HostArtifactsTest {

  private static final Path BASE = Path.of("").toAbsolutePath();
  private static final Path WORK = BASE.resolve("target/host-artifacts");
  private static final String VERSION = PomProperties.get("project.version");

  static List<Path> core;
  static List<Path> parquet;
  static List<Path> testing;

  @BeforeAll
  static void installAndResolve() throws Exception {
    deleteTree(WORK);
    Files.createDirectories(WORK);
    // each module of the library as its jar and published POM, the everything artifact, and the harness
    List<Path> modules = new ArrayList<>(io.delpha.sdk.testing.ProjectFiles.modules());
    modules.add(Path.of("bundle"));
    for (Path module : modules) {
      Path classes = BASE.resolve(module).resolve("target/classes");
      if (!Files.isRegularFile(classes.resolve("module-info.class"))) {
        continue; // the command line is no library module
      }
      Path jar = jar(classes, WORK.resolve(module.getFileName() + ".jar"), p -> true, null);
      maven(WORK, "install:install-file", "-Dfile=" + jar,
          "-DpomFile=" + BASE.resolve(module).resolve("target/.flattened-pom.xml"));
    }
    Path tests = jar(BASE.resolve("integration-tests/target/test-classes"), WORK.resolve("delpha-data-sdk-tests.jar"),
        p -> (p.startsWith("io/delpha/sdk/testing/") || p.startsWith("totesys/"))
            && !p.matches("io/delpha/sdk/testing/[^/]*Test(\\$[^/]*)?\\.class"), "io.delpha.sdk.testing");
    Path empty = jar(Files.createDirectories(WORK.resolve("empty")), WORK.resolve("empty.jar"), p -> true, null);
    maven(WORK, "install:install-file", "-Dfile=" + empty,
        "-DpomFile=" + BASE.resolve("integration-tests/target/.flattened-pom.xml"));
    maven(WORK, "install:install-file", "-Dfile=" + tests, "-DgroupId=io.delpha", "-DartifactId=delpha-data-sdk-tests",
        "-Dversion=" + VERSION, "-Dpackaging=jar", "-Dclassifier=tests", "-DgeneratePom=false");
    maven(WORK, "-f", BASE.resolve("target/artifacts/pom.xml").toString(), "install");

    host("core", "delpha-data-sdk", "", PARQUET_HOST);
    host("parquet", "delpha-data-sdk-parquet", "", PARQUET_HOST);
    host("testing", "delpha-data-sdk-testing", "<type>pom</type>", TESTING_HOST);
    Files.writeString(WORK.resolve("hosts/pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example.host</groupId><artifactId>hosts</artifactId><version>1</version><packaging>pom</packaging>
          <modules><module>parquet</module><module>testing</module></modules>
        </project>
        """);
    // the core host only resolves (its program needs Parquet); the others compile their program with Maven
    maven(WORK.resolve("hosts/core"), "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt",
        "-Dmdep.includeScope=runtime");
    maven(WORK.resolve("hosts"), "compile", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt",
        "-Dmdep.includeScope=runtime");
    core = classPath("core");
    parquet = classPath("parquet");
    testing = classPath("testing");
  }

  @Test
  @DisplayName("the core alone: the library's modules and exactly the dependencies its published POM lists")
  void coreAlone() {
    assertThat(core.stream().filter(j -> !j.toString().contains("/io/delpha/")).toList())
        .hasSize(CapabilityHosts.coreJars().size());
    assertThat(core.stream().filter(j -> j.toString().contains("/io/delpha/")).toList())
        .as("the everything artifact and every module's jar").hasSize(io.delpha.sdk.testing.ProjectFiles.classFolders()
            .size() + 1);
    assertThat(core).anyMatch(j -> j.getFileName().toString().equals("delpha-data-sdk-" + VERSION + ".jar"))
        .noneMatch(j -> !j.toString().contains("/io/delpha/")
            && (j.toString().contains("parquet") || j.toString().contains("hadoop")));
  }

  @Test
  @DisplayName("BOM + the module delpha-data-sdk-parquet alone: compiled by Maven, a file written and read on the class path")
  void parquetOnTheClassPath() throws Exception {
    assertThat(parquet).anyMatch(j -> j.getFileName().toString().startsWith("parquet-hadoop-"))
        .anyMatch(j -> j.getFileName().toString().equals("delpha-data-sdk-parquet-" + VERSION + ".jar"))
        .anyMatch(j -> j.getFileName().toString().equals("delpha-data-sdk-core-" + VERSION + ".jar"))
        .noneMatch(j -> j.getFileName().toString().startsWith("delpha-data-sdk-aws-"));
    List<String> cp = new ArrayList<>(List.of(WORK.resolve("hosts/parquet/target/classes").toString()));
    parquet.forEach(j -> cp.add(j.toString()));

    List<String> lines = CapabilityHosts.runChild(List.of("-cp", String.join(File.pathSeparator, cp),
        "example.host.Host", WORK.resolve("rows.parquet").toString()), Duration.ofMinutes(2));

    assertThat(lines).contains("PARQUET 100 148.50");
  }

  @Test
  @DisplayName("BOM + delpha-data-sdk-parquet on the module path: the library a named module, Parquet on the class path")
  void parquetOnTheModulePath() throws Exception {
    Path sources = Path.of("integration-tests/src/test/resources/module-host").toAbsolutePath();
    Path classes = WORK.resolve("module-host");
    List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(),
        "--module-path", join(core)));
    try (Stream<Path> s = Files.walk(sources)) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
    List<Path> stack = parquet.stream().filter(j -> !core.contains(j)).toList();
    Path file = WORK.resolve("module-rows.parquet");
    runParquetHost(file);

    List<String> lines = CapabilityHosts.runChild(List.of("--module-path", classes + File.pathSeparator + join(core),
        "-cp", join(stack), "-m", "example.host/example.host.ModuleHost", "parquet", file.toString()),
        Duration.ofMinutes(2), "IllegalAccessError", "InaccessibleObjectException");

    assertThat(lines).contains("LIBRARY io.delpha.sdk.cassandra automatic=false", "PARQUET 100 148.50", "DONE");
  }

  @Test
  @DisplayName("BOM + delpha-data-sdk-testing: Cassandra (jars provisioned by the harness), PostgreSQL and S3 start")
  void testingHarness() throws Exception {
    List<String> cp = new ArrayList<>(List.of(WORK.resolve("hosts/testing/target/classes").toString()));
    testing.forEach(j -> cp.add(j.toString()));
    Path cache = WORK.resolve("cache");
    String repo = System.getProperty("delpha.maven.repo", System.getProperty("user.home") + "/.m2/repository");

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Ddelpha.cache=" + cache, "-Dmaven.repo.local=" + repo, "-cp", String.join(File.pathSeparator, cp),
        "example.host.Harness"));
    Process p = new ProcessBuilder(cmd).directory(WORK.resolve("hosts/testing").toFile()).redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("CASSANDRA 5.").contains("POSTGRES 1").contains("S3 host-bucket");
    try (Stream<Path> jars = Files.list(cache.resolve("cassandra-server-5.0.6/lib"))) {
      assertThat(jars.filter(j -> j.toString().endsWith(".jar")).count()).isEqualTo(91);
    }
    assertThat(testing).noneMatch(j -> j.getFileName().toString().startsWith("cassandra-all"));
  }

  private static void runParquetHost(Path file) throws Exception {
    List<String> cp = new ArrayList<>(List.of(WORK.resolve("hosts/parquet/target/classes").toString()));
    parquet.forEach(j -> cp.add(j.toString()));
    CapabilityHosts.runChild(List.of("-cp", String.join(File.pathSeparator, cp), "example.host.Host",
        file.toString()), Duration.ofMinutes(2));
  }

  private static final String PARQUET_HOST = """
      package example.host;

      import io.delpha.sdk.core.storage.LocalObjectStore;
      import io.delpha.sdk.parquet.Column;
      import io.delpha.sdk.parquet.ColumnType;
      import io.delpha.sdk.parquet.ParquetRows;
      import io.delpha.sdk.parquet.Row;
      import io.delpha.sdk.parquet.RowReader;
      import io.delpha.sdk.parquet.RowSchema;
      import java.math.BigDecimal;
      import java.nio.file.Path;
      import java.util.ArrayList;
      import java.util.List;

      public final class Host {
        public static void main(String[] args) {
          Path file = Path.of(args[0]);
          RowSchema schema = RowSchema.of(Column.required("id", ColumnType.LONG),
              Column.nullable("amount", ColumnType.decimal(12, 2)));
          List<Row> rows = new ArrayList<>();
          for (long i = 0; i < 100; i++) {
            rows.add(Row.of(schema, i, BigDecimal.valueOf(i * 3, 2)));
          }
          ParquetRows.write(LocalObjectStore.at(file.getParent()), file.getFileName().toString(), schema, rows);
          long n = 0;
          BigDecimal sum = BigDecimal.ZERO;
          try (RowReader reader = ParquetRows.read(file)) {
            while (reader.hasNext()) {
              sum = sum.add(reader.next().getDecimal("amount"));
              n++;
            }
          }
          System.out.println("PARQUET " + n + " " + sum);
        }
      }
      """;

  private static final String TESTING_HOST = """
      package example.host;

      import com.datastax.oss.driver.api.core.cql.Row;
      import io.delpha.sdk.cassandra.CassandraManager;
      import io.delpha.sdk.testing.CassandraServer;
      import io.delpha.sdk.testing.PostgresServer;
      import io.delpha.sdk.testing.S3Server;
      import java.sql.Connection;
      import java.sql.ResultSet;

      public final class Harness {
        public static void main(String[] args) throws Exception {
          CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
          try (CassandraManager cass = CassandraManager.builder().contactPoint(c.host(), c.port())
              .localDatacenter(c.localDatacenter()).build()) {
            Row row = cass.execute("SELECT release_version FROM system.local").one();
            System.out.println("CASSANDRA " + row.getString("release_version"));
          }
          try (Connection db = PostgresServer.shared().dataSource("postgres").getConnection();
              ResultSet rs = db.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            System.out.println("POSTGRES " + rs.getInt(1));
          }
          S3Server s3 = S3Server.shared();
          s3.client().createBucket(b -> b.bucket("host-bucket"));
          s3.client().listBuckets().buckets().forEach(b -> System.out.println("S3 " + b.name()));
          System.exit(0);
        }
      }
      """;

  /** A host project: the BOM imported, one artifact of ours named without a version, and its program. */
  private static void host(String name, String artifact, String type, String program) throws IOException {
    Path dir = WORK.resolve("hosts").resolve(name);
    String main = program.contains("class Harness") ? "Harness" : "Host";
    Path src = Files.createDirectories(dir.resolve("src/main/java/example/host"));
    Files.writeString(src.resolve(main + ".java"), program);
    Files.writeString(dir.resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example.host</groupId><artifactId>%s</artifactId><version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>io.delpha</groupId><artifactId>delpha-data-sdk-bom</artifactId><version>%s</version>
                <type>pom</type><scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency><groupId>io.delpha</groupId><artifactId>%s</artifactId>%s</dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
              <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
            </plugins>
          </build>
        </project>
        """.formatted(name, VERSION, artifact, type));
  }

  private static List<Path> classPath(String host) throws IOException {
    String cp = Files.readString(WORK.resolve("hosts").resolve(host).resolve("classpath.txt")).trim();
    return cp.isEmpty() ? List.of() : Stream.of(cp.split(File.pathSeparator)).map(Path::of).toList();
  }

  private static String join(List<Path> paths) {
    return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
  }

  /** Runs Maven in {@code dir} with the build's Maven and local repository; it must succeed. */
  private static void maven(Path dir, String... args) throws IOException, InterruptedException {
    String home = System.getProperty("delpha.maven.home", "/usr/share/maven");
    List<String> cmd = new ArrayList<>(List.of(Path.of(home, "bin", "mvn").toString(), "-B", "-q", "-ntp"));
    String repo = System.getProperty("delpha.maven.repo");
    if (repo != null) {
      cmd.add("-Dmaven.repo.local=" + repo);
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().merge("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", (a, b) -> a + " " + b);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("mvn " + String.join(" ", args)).isTrue();
    assertThat(p.exitValue()).as("mvn %s in %s:%n%s", String.join(" ", args), dir, output).isZero();
  }

  /** A jar of the files under {@code root} that {@code include} takes (paths with {@code /}). */
  private static Path jar(Path root, Path out, Predicate<String> include, String moduleName) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (moduleName != null) {
      manifest.getMainAttributes().putValue("Automatic-Module-Name", moduleName);
    }
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), manifest);
        Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = root.relativize(f).toString().replace(File.separatorChar, '/');
        if (include.test(name)) {
          jar.putNextEntry(new JarEntry(name));
          jar.write(Files.readAllBytes(f));
          jar.closeEntry();
        }
      }
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
