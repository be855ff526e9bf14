package io.delpha.sdk.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.testing.CassandraServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a named module: a host application in its own module ({@code integration-tests/src/test/resources/module-host},
 * compiled here against the module), run in a child JVM whose module path is this build's {@code target/classes}
 * (module {@code io.delpha.sdk}, with the module-info.class the build compiled) and the core's jars, as the published
 * POM lists them. No {@code --add-reads}, {@code --add-opens} or {@code --add-exports} anywhere.
 */
@DisplayName("A host on the module path: the core runs, internal packages stay closed, Parquet reads from the class path")
class ModuleHostTest {

  /** The everything module io.delpha.sdk, which requires every capability's module. */
  private static final Path CLASSES = Path.of("bundle/target/classes").toAbsolutePath();
  private static final Path HOST_SOURCES = Path.of("integration-tests/src/test/resources/module-host").toAbsolutePath();
  // the parquet capability's jars (mvn dependency:tree under parquet-hadoop, brotli and the two Hadoop jars)
  private static final Pattern PARQUET_STACK = Pattern.compile(".*/(org/apache/parquet|org/apache/hadoop|org/brotli"
      + "|org/xerial/snappy|com/github/luben|io/airlift|commons-pool|org/locationtech/jts|javax/annotation)/.*\\.jar");

  static List<Path> core;
  static Path host;

  @TempDir static Path work;

  @BeforeAll
  static void compileHost() throws IOException {
    core = CapabilityHosts.coreJars();
    host = work.resolve("host");
    String errors = compile(sources(HOST_SOURCES), host);
    assertThat(errors).as("the host module compiles against io.delpha.sdk").isEmpty();
  }

  @Test
  @DisplayName("the built descriptors: io.delpha.sdk requires every capability's module; they export their API "
      + "packages to every host and no internal one")
  void descriptor() throws IOException {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("io.delpha.sdk");
    assertThat(d.requires()).filteredOn(r -> r.name().startsWith("io.delpha.sdk."))
        .allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
        .map(ModuleDescriptor.Requires::name).hasSize(io.delpha.sdk.testing.ProjectFiles.classFolders().size());
    List<String> exported = io.delpha.sdk.testing.ProjectFiles.exportedPackages();
    assertThat(exported).allSatisfy(p -> assertThat(p).doesNotContain(".internal"));
    assertThat(exported).contains("io.delpha.sdk.core", "io.delpha.sdk.cassandra", "io.delpha.sdk.parquet");
  }

  @Test
  @DisplayName("the core: a keyspace, a table and a row written and read, the data dictionary through JSON; Parquet, "
      + "absent, refused with what a module-path host does")
  void core() throws Exception {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);

    List<String> lines = run(List.of(), "cassandra", server.host(), String.valueOf(server.port()),
        server.localDatacenter());

    assertThat(lines).contains("LIBRARY io.delpha.sdk.cassandra automatic=false", "READ 7 seven",
        "DICTIONARY module_host [readings]", "MISSING parquet module path named true", "NETTY unsafe=true jdk.unsupported=true", "INTERNAL REFUSED",
        "DONE");
    assertThat(String.join("\n", lines)).as("Netty's direct buffers on the module path")
        .doesNotContain("does not provide complete low-level API");
  }

  @Test
  @DisplayName("a host module that imports an internal package does not compile")
  void internalPackageNotVisible() throws IOException {
    Path sources = work.resolve("intruder");
    Path pkg = Files.createDirectories(sources.resolve("example/intruder"));
    Files.writeString(sources.resolve("module-info.java"), "module example.intruder { requires io.delpha.sdk; }\n");
    Files.writeString(pkg.resolve("Intruder.java"), """
        package example.intruder;

        import io.delpha.sdk.core.internal.Capability;

        public final class Intruder {
          public static String version() {
            return Capability.version("delpha-data-sdk");
          }
        }
        """);

    String errors = compile(sources(sources), work.resolve("intruder-classes"));

    assertThat(errors).contains("package io.delpha.sdk.core.internal is not visible")
        .contains("does not export it");
  }

  @Test
  @DisplayName("parquet: the Parquet and Hadoop jars on the class path, read by the module without --add-reads")
  void parquetFromTheClassPath() throws Exception {
    RowSchema schema = RowSchema.of(Column.required("id", ColumnType.LONG), Column.nullable("amount",
        ColumnType.decimal(12, 2)));
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      rows.add(Row.of(schema, i, BigDecimal.valueOf(i * 3, 2)));
    }
    ParquetRows.write(LocalObjectStore.at(work), "rows.parquet", schema, rows);
    List<Path> parquet = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> PARQUET_STACK.matcher(e).matches()).map(Path::of).toList();
    assertThat(parquet).anyMatch(j -> j.toString().contains("parquet-hadoop"))
        .anyMatch(j -> j.toString().contains("hadoop-common"));

    List<String> lines = run(parquet, "parquet", work.resolve("rows.parquet").toString());

    assertThat(lines).contains("PARQUET 100 148.50", "INTERNAL REFUSED", "DONE");
  }

  private static List<Path> sources(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }

  /** @return javac's diagnostics, empty when the module compiled */
  private static String compile(List<Path> sources, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    // an empty class path: javac run in this JVM would take the test class path (target/classes among it) otherwise
    List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", out.toString(),
        "--class-path", Files.createDirectories(work.resolve("no-class-path")).toString(),
        "--module-path", modulePath(List.of())));
    sources.forEach(s -> args.add(s.toString()));
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    return status == 0 ? "" : diagnostics.toString(StandardCharsets.UTF_8);
  }

  private static String modulePath(List<Path> more) {
    List<String> entries = new ArrayList<>(List.of(CLASSES.toString()));
    io.delpha.sdk.testing.ProjectFiles.classFolders().forEach(c -> entries.add(c.toAbsolutePath().toString()));
    core.forEach(j -> entries.add(j.toString()));
    more.forEach(p -> entries.add(p.toString()));
    return String.join(File.pathSeparator, entries);
  }

  /** Runs the host module; {@code classPath} is what the host puts on the class path beside the module path. */
  private static List<String> run(List<Path> classPath, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("--module-path", modulePath(List.of(host))));
    if (!classPath.isEmpty()) {
      cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList())));
    }
    cmd.addAll(List.of("-m", "example.host/example.host.ModuleHost"));
    cmd.addAll(List.of(args));
    return CapabilityHosts.runChild(cmd, Duration.ofMinutes(2), "IllegalAccessError", "InaccessibleObjectException");
  }

}
