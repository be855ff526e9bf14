package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.MissingDependencyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's optional capabilities and the one place that checks whether a capability's stack is on the class
 * path. The core (Cassandra, the data dictionary, access keys, core's seams) needs only the Cassandra driver, Jackson
 * and SLF4J; every other stack is an optional dependency the host declares. A builder that needs one calls {@link
 * #require} first, so a host without the stack gets a {@link MissingDependencyException} naming the exact Maven
 * coordinates to add, never a {@code NoClassDefFoundError} at first use.
 *
 * <p>The check loads the capability's probe classes without initialising them, with this library's class loader,
 * once per capability (the answer is cached). On the module path it also makes module {@code io.delpha.sdk} read
 * the modules the stack was found in (the class path's included), so a host needs no {@code --add-reads}. The
 * versions named come from the build (a filtered resource), so they are the ones the tests ran on.
 * docs/dependencies.md has one section per capability, headed by {@link #id()}.
 */
public enum Capability {

  /** Parquet files: {@code parquet.ParquetRows}, and through it AppFlow data, Totesys and Delta Sharing. */
  PARQUET("parquet", List.of("org.apache.parquet.hadoop.ParquetFileWriter", "org.apache.hadoop.conf.Configuration",
      "org.apache.hadoop.mapreduce.lib.input.FileInputFormat", "com.github.luben.zstd.Zstd",
      "org.xerial.snappy.Snappy", "org.brotli.dec.BrotliInputStream"),
      List.of("org.apache.parquet:parquet-hadoop:${parquet}", "org.brotli:dec:${brotli}",
          "org.apache.hadoop:hadoop-common:${hadoop} (excluding *:*)",
          "org.apache.hadoop:hadoop-mapreduce-client-core:${hadoop} (excluding *:*)")),
  /** Amazon S3: {@code aws.S3ObjectStore}, and the data of AppFlow flows. */
  AWS_S3("aws-s3", List.of("software.amazon.awssdk.services.s3.S3Client",
      "software.amazon.awssdk.http.apache.ApacheHttpClient"),
      List.of("software.amazon.awssdk:s3:${aws-sdk} (excluding software.amazon.awssdk:netty-nio-client)")),
  /** AWS Secrets Manager: {@code aws.AwsSecretsManagerProvider}. */
  AWS_SECRETS_MANAGER("aws-secrets-manager", List.of(
      "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient",
      "software.amazon.awssdk.http.apache.ApacheHttpClient"),
      List.of("software.amazon.awssdk:secretsmanager:${aws-sdk} (excluding software.amazon.awssdk:netty-nio-client)")),
  /** Amazon SNS: {@code totesys.SnsPipelineListener}. */
  AWS_SNS("aws-sns", List.of("software.amazon.awssdk.services.sns.SnsClient",
      "software.amazon.awssdk.http.apache.ApacheHttpClient"),
      List.of("software.amazon.awssdk:sns:${aws-sdk} (excluding software.amazon.awssdk:netty-nio-client)")),
  /** Amazon AppFlow: {@code aws.AWSManager} (which also needs {@link #AWS_S3} and {@link #PARQUET}). */
  AWS_APPFLOW("aws-appflow", List.of("software.amazon.awssdk.services.appflow.AppflowClient",
      "software.amazon.awssdk.http.apache.ApacheHttpClient"),
      List.of("software.amazon.awssdk:appflow:${aws-sdk} (excluding software.amazon.awssdk:netty-nio-client)")),
  /** The embedded HTTP server (Jetty): the ingest upload endpoint and the usage-analytics service. */
  HTTP_SERVER("http-server", List.of("org.eclipse.jetty.server.Server"),
      List.of("org.eclipse.jetty:jetty-server:${jetty}")),
  /** PostgreSQL's JDBC driver: {@code totesys.TotesysPipeline} (which also needs {@link #PARQUET}). */
  POSTGRESQL("postgresql", List.of("org.postgresql.PGConnection"),
      List.of("org.postgresql:postgresql:${postgresql}")),
  /** DuckDB's JDBC driver: {@code sharing.SharingSql} (SQL over shared tables) and the usage page. */
  DUCKDB("duckdb", List.of("org.duckdb.DuckDBDriver"), List.of("org.duckdb:duckdb_jdbc:${duckdb}")),
  /**
   * Delta deletion vectors: a {@code sharing.DeltaSharingClient} reading a shared table whose files have deleted
   * rows (checked when the first deletion vector is met).
   */
  DELETION_VECTORS("deletion-vectors", List.of("org.roaringbitmap.longlong.Roaring64NavigableMap"),
      List.of("org.roaringbitmap:RoaringBitmap:${roaringbitmap}")),
  /** Micrometer: {@code core.Metrics.micrometer}. */
  MICROMETER("micrometer", List.of("io.micrometer.core.instrument.MeterRegistry"),
      List.of("io.micrometer:micrometer-core:${micrometer}")),
  /** The Cassandra driver's own metrics, into Micrometer: {@code CassandraManagerBuilder.metrics}. */
  DRIVER_METRICS("driver-metrics", List.of("io.micrometer.core.instrument.MeterRegistry",
      "com.datastax.oss.driver.internal.metrics.micrometer.MicrometerMetricsFactory"),
      List.of("io.micrometer:micrometer-core:${micrometer}",
          "org.apache.cassandra:java-driver-metrics-micrometer:${cassandra-driver}")),
  /** Amazon Keyspaces' SigV4 authentication: {@code CassandraManagerBuilder.sigV4}. */
  KEYSPACES_SIGV4("keyspaces-sigv4", List.of("software.aws.mcs.auth.SigV4AuthProvider",
      "software.amazon.awssdk.auth.credentials.AwsCredentialsProvider"),
      List.of("software.aws.mcs:aws-sigv4-auth-cassandra-java-driver-plugin:${aws-sigv4-cassandra} (excluding "
          + "com.datastax.oss:java-driver-core, javax.validation:validation-api, software.amazon.awssdk:auth)",
          "software.amazon.awssdk:auth:${aws-sdk}")),
  /** Azure Key Vault: {@code azure.AzureKeyVaultProvider}. */
  AZURE_KEY_VAULT("azure-key-vault", List.of("com.azure.security.keyvault.secrets.SecretClient",
      "com.azure.identity.ClientSecretCredential", "com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder"),
      List.of("com.azure:azure-security-keyvault-secrets:${azure-keyvault-secrets} (excluding "
          + "com.azure:azure-core-http-netty)",
          "com.azure:azure-identity:${azure-identity} (excluding com.azure:azure-core-http-netty)",
          "com.azure:azure-core-http-jdk-httpclient:${azure-core-http-jdk}"));

  private static final Properties VERSIONS = versions();
  private static final Map<Capability, Boolean> PRESENT = new ConcurrentHashMap<>();

  private final String id;
  private final List<String> probes;
  private final List<String> coordinates;

  Capability(String id, List<String> probes, List<String> coordinates) {
    this.id = id;
    this.probes = probes;
    this.coordinates = coordinates;
  }

  /**
   * @return the capability's name, as docs/dependencies.md heads its section
   */
  public String id() {
    return id;
  }

  /**
   * @return the Maven coordinates a host adds for it, {@code groupId:artifactId:version}, each possibly followed by
   *     the exclusions to declare in parentheses
   */
  public List<String> coordinates() {
    List<String> out = new ArrayList<>(coordinates.size());
    for (String c : coordinates) {
      String resolved = c;
      for (String name : VERSIONS.stringPropertyNames()) {
        resolved = resolved.replace("${" + name + "}", VERSIONS.getProperty(name));
      }
      out.add(resolved);
    }
    return List.copyOf(out);
  }

  /**
   * @return whether every probe class of the stack loads with this library's class loader
   */
  public boolean isPresent() {
    return PRESENT.computeIfAbsent(this, c -> c.probe());
  }

  /**
   * Checks that the stacks are on the class path, before the caller touches any of their classes.
   *
   * @param user what needs them, for the message (e.g. {@code "S3ObjectStore"})
   * @param capabilities the capabilities it needs
   * @throws MissingDependencyException naming the first missing capability and its coordinates
   */
  public static void require(String user, Capability... capabilities) {
    for (Capability c : capabilities) {
      if (!c.isPresent()) {
        throw c.missing(user);
      }
    }
  }

  /**
   * @param user what needed it, for the message
   * @return the exception that says what to add
   */
  public MissingDependencyException missing(String user) {
    List<String> coordinates = coordinates();
    String modulePath = Capability.class.getModule().isNamed()
        ? "; on the module path, the stack's jars go on the class path, or its module is required by the host's own "
            + "module or added with --add-modules" : "";
    String artifact = "io.delpha:delpha-data-sdk-" + id + ":" + version("delpha-data-sdk");
    return new MissingDependencyException(id, artifact,
        coordinates.stream().map(c -> c.replaceAll(" \\(.*\\)$", "")).toList(),
        user + " needs the optional " + id + " stack, which is not on the class path: add " + artifact
            + " (type pom) to the host's dependencies, or its stack: " + String.join(", ", coordinates)
            + " (docs/dependencies.md#" + id + ")" + modulePath);
  }

  private boolean probe() {
    ClassLoader loader = Capability.class.getClassLoader();
    List<Class<?>> found = new ArrayList<>(probes.size());
    for (String probe : probes) {
      try {
        found.add(Class.forName(probe, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
    readStack(found, loader);
    return true;
  }

  /**
   * On the module path each of the library's modules reads only the modules its descriptor requires. A stack found on
   * the class path (Parquet and Hadoop always are: their packages are split across jars, so they have no module name)
   * or in a module a descriptor names as {@code requires static} but the host did not resolve with it, is made
   * readable here, before the caller links to any of its classes, by the core and by every module that provides a
   * {@link StackReader} (only a module's own code may add its read edges): a host needs no {@code --add-reads}. Every
   * class of the library that names a stack's type is reached only after its capability's check, so this is the one
   * place that decides a read edge. On the class path (an unnamed module reads everything) it does nothing.
   */
  private static void readStack(List<Class<?>> probes, ClassLoader loader) {
    Module library = Capability.class.getModule();
    if (!library.isNamed()) {
      return;
    }
    List<Module> stack = new ArrayList<>(probes.size() + 1);
    stack.add(loader.getUnnamedModule());
    for (Class<?> probe : probes) {
      stack.add(probe.getModule());
    }
    for (Module m : stack) {
      library.addReads(m);
    }
    for (StackReader reader : java.util.ServiceLoader.load(StackReader.class, loader)) {
      stack.forEach(reader::read);
    }
  }

  /**
   * @param name a key of the versions the build filtered in, e.g. {@code delpha-data-sdk} (the library's own)
   * @return that version, {@code unknown} when the class path holds an unfiltered copy
   */
  public static String version(String name) {
    String v = VERSIONS.getProperty(name, "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }

  private static Properties versions() {
    Properties p = new Properties();
    try (InputStream in = Capability.class.getResourceAsStream("capability-versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
