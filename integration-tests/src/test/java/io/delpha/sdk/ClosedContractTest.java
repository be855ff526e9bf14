package io.delpha.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.AwsSecretsManagerProvider;
import io.delpha.sdk.aws.ExecutionStatus;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingSql;
import io.delpha.sdk.usage.UsageAnalyticsServer;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.S3Server;
import io.delpha.sdk.totesys.SnsPipelineListener;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed contract of every closeable of the published API, read from the compiled classes as {@code
 * ApiSurfaceTest} does: each public {@link AutoCloseable} class (and so each public closeable interface a public class
 * implements) has a factory here that builds a real instance; once closed, closing again is harmless and every public
 * instance method throws {@link ClosedException} before it looks at its arguments or touches a resource (a method
 * returning a {@link CompletionStage} may instead return one failed with it; a lazy stream or iterator throws on the
 * call itself). A new closeable without a factory fails {@link #everyCloseableHasAFactory()}.
 */
@DisplayName("Every closeable of the API honours the closed contract")
class ClosedContractTest {

  /** What is not a use of the component: identity, the settings it was built with, and close itself. */
  private static final Set<String> NOT_USES = Set.of("close", "config", "toBuilder", "toString", "equals",
      "hashCode");

  @TempDir
  static Path tmp;

  private static CassandraManager cass;
  private static S3Server s3;
  private static String bucket;
  private static WireMockServer salesforce;
  private static AccessKeys keys;
  private static DeltaSharingClient sharing;
  private static final List<AutoCloseable> SHARED = new ArrayList<>();
  private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();

  /** How each closeable class of the API is built for the check: real servers, or built without connecting. */
  private static final Map<Class<?>, Factory> FACTORIES = new LinkedHashMap<>();

  @FunctionalInterface
  interface Factory {
    AutoCloseable build() throws Exception;
  }

  @BeforeAll
  static void servers() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    SHARED.add(cass);
    s3 = S3Server.shared();
    bucket = s3.createBucket("closed-contract");
    salesforce = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    salesforce.start();
    salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"access_token\":\"00Dx!closed-contract-token\",\"instance_url\":\"" + salesforce.baseUrl()
            + "\",\"id\":\"https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P\","
            + "\"token_type\":\"Bearer\",\"issued_at\":\"1278448832702\"}")));
    keys = AccessKeys.on(cass).keyspace("closed_keys_" + UUID.randomUUID().toString().substring(0, 8)).build();
    SHARED.add(keys);
    sharing = DeltaSharingClient.builder().endpoint("http://127.0.0.1:9/ds/").bearerToken(Secret.of("recipient"))
        .build();
    SHARED.add(sharing);

    FACTORIES.put(CassandraManager.class, () -> cass.config().toBuilder().build());
    FACTORIES.put(AccessKeys.class,
        () -> AccessKeys.on(cass).keyspace("closed_keys_" + UUID.randomUUID().toString().substring(0, 8)).build());
    FACTORIES.put(LocalObjectStore.class, () -> LocalObjectStore.at(Files.createTempDirectory(tmp, "store")));
    FACTORIES.put(S3ObjectStore.class, () -> S3ObjectStore.builder().bucket(bucket).endpointOverride(s3.endpoint())
        .region(S3Server.REGION).credentials(s3.accessKey(), Secret.of(s3.secretKey())).build());
    FACTORIES.put(AWSManager.class, () -> AWSManager.builder().region("eu-west-1")
        .credentials("AKIAIOSFODNN7EXAMPLE", "closed-contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .s3EndpointOverride(s3.endpoint()).build());
    FACTORIES.put(FlowData.class, ClosedContractTest::flowData);
    FACTORIES.put(AwsSecretsManagerProvider.class, () -> AwsSecretsManagerProvider.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", "closed-contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .build());
    FACTORIES.put(SnsPipelineListener.class, () -> SnsPipelineListener.builder()
        .topicArn("arn:aws:sns:eu-west-2:123456789012:closed-contract").region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", "closed-contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .build());
    FACTORIES.put(io.delpha.sdk.aws.AwsKmsClient.class, () -> io.delpha.sdk.aws.AwsKmsClient.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", "closed-contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .build());
    FACTORIES.put(io.delpha.sdk.aws.SnsTopic.class, () -> io.delpha.sdk.aws.SnsTopic.builder()
        .topicArn("arn:aws:sns:eu-west-2:123456789012:closed-contract").region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", "closed-contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .build());
    FACTORIES.put(SalesforceManager.class, () -> SalesforceManager.builder().loginUrl(salesforce.baseUrl())
        .clientId("3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhq").clientSecret("closed-client-secret")
        .username("integration@delpha.example").password("closed-password").build());
    FACTORIES.put(BatchIngestor.class, ClosedContractTest::ingestor);
    FACTORIES.put(io.delpha.sdk.changes.SalesforceChangeStream.class, () -> {
      SalesforceManager sf = (SalesforceManager) FACTORIES.get(SalesforceManager.class).build();
      SHARED.add(sf);
      return io.delpha.sdk.changes.SalesforceChangeStream.builder().topic("/data/AccountChangeEvent")
          .keyspace("closed_contract").endpoint("127.0.0.1:9").cql(cass).salesforce(sf)
          .login(() -> new io.delpha.sdk.changes.PubSubSession(Secret.of("closed"), salesforce.baseUrl(),
              "00Dx0000000BV7z")).build();
    });
    FACTORIES.put(io.delpha.sdk.ingest.UploadServer.class, () -> {
      BatchIngestor ingestor = ingestor();
      SHARED.add(ingestor);
      return ingestor.uploadServer(new InetSocketAddress("127.0.0.1", 0));
    });
    FACTORIES.put(TotesysPipeline.class, () -> {
      DataSource db = PostgresServer.shared().createDatabase("closed_contract");
      return TotesysPipeline.builder().source(db).warehouse(db)
          .ingestionZone(LocalObjectStore.at(Files.createTempDirectory(tmp, "ingestion")))
          .processedZone(LocalObjectStore.at(Files.createTempDirectory(tmp, "processed"))).build();
    });
    FACTORIES.put(DeltaSharingClient.class, () -> DeltaSharingClient.builder().endpoint("http://127.0.0.1:9/ds/")
        .bearerToken(Secret.of("recipient")).build());
    FACTORIES.put(SharingSql.class,
        () -> SharingSql.builder().client(sharing).cacheDirectory(Files.createTempDirectory(tmp, "sql")).build());
    FACTORIES.put(io.delpha.sdk.server.HttpService.class, () -> io.delpha.sdk.server.HttpService.start(
        "closed-contract", io.delpha.sdk.server.ServerOptions.builder().build(),
        List.of(new io.delpha.sdk.server.HttpService.Route("GET", "/ping", ex -> ex.respond(200, Map.of("ping", "pong")))),
        io.delpha.sdk.core.Metrics.none()));
    FACTORIES.put(UsageAnalyticsServer.class, () -> UsageAnalyticsServer.builder().client(sharing)
        .table("analytics.platform.usage").organisationColumn("org_id").dateColumn("usage_date").accessKeys(keys)
        .port(0).build());
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = SHARED.size() - 1; i >= 0; i--) {
      SHARED.get(i).close();
    }
    salesforce.stop();
    SCHEDULER.shutdownNow();
  }

  private static BatchIngestor ingestor() throws IOException {
    return BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(Files.createTempDirectory(tmp, "staging")))
        .registry("closed_registry", "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000)
        .build();
  }

  /** A one-file flow run read from a local lake, as a host's own {@code AppFlowData} returns it. */
  private static FlowData flowData() throws IOException {
    LocalObjectStore lake = LocalObjectStore.at(Files.createTempDirectory(tmp, "flow"));
    RowSchema schema = RowSchema.of(Column.required("id", ColumnType.LONG));
    ParquetRows.write(lake, "flow/run/part-0.parquet", schema, List.of(Row.of(schema, 1L)), WriteOptions.defaults());
    FlowExecution run = new FlowExecution("run", ExecutionStatus.SUCCESSFUL, null, null, 1, 0, 0, null, 0);
    return FlowData.open(lake, "flow", run, List.of("flow/run/part-0.parquet"));
  }

  @Test
  @DisplayName("every public closeable class of the API, and every public closeable interface such a class implements,"
      + " has a factory in this test")
  void everyCloseableHasAFactory() throws Exception {
    Set<String> missing = new TreeSet<>();
    List<Class<?>> closeables = closeables();
    assertThat(closeables).contains(CassandraManager.class, S3ObjectStore.class, TotesysPipeline.class);
    for (Class<?> c : closeables) {
      if (!c.isInterface() && !FACTORIES.containsKey(c)) {
        missing.add(c.getName());
      }
      if (c.isInterface()) {
        boolean implementedByPublicClass = closeables.stream().anyMatch(k -> !k.isInterface() && c.isAssignableFrom(k));
        boolean covered = FACTORIES.keySet().stream().anyMatch(c::isAssignableFrom);
        if (implementedByPublicClass && !covered) {
          missing.add(c.getName());
        }
      }
    }
    assertThat(missing).as("closeables with no factory in ClosedContractTest").isEmpty();
  }

  /** The public concrete classes and interfaces of the API that are {@link AutoCloseable}. */
  private static List<Class<?>> closeables() throws Exception {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : ApiSubstitutabilityTest.api()) {
      if (AutoCloseable.class.isAssignableFrom(c) && (c.isInterface() || !Modifier.isAbstract(c.getModifiers()))) {
        out.add(c);
      }
    }
    return out;
  }

  @TestFactory
  @DisplayName("closed twice without error, then every public method throws ClosedException")
  Stream<DynamicTest> closedComponentsRefuseEveryCall() {
    return FACTORIES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(), () -> {
      AutoCloseable instance = e.getValue().build();
      assertThat(instance).isInstanceOf(e.getKey());
      instance.close();
      instance.close();
      List<Method> methods = uses(e.getKey());
      List<String> problems = new ArrayList<>();
      for (Method m : methods) {
        String problem = refusal(instance, m);
        if (problem != null) {
          problems.add(m.getName() + "(" + String.join(", ", Stream.of(m.getParameterTypes()).map(Class::getSimpleName)
              .toList()) + ") " + problem);
        }
      }
      System.out.println("ClosedContractTest: " + e.getKey().getSimpleName() + " closed, " + methods.size()
          + " methods checked");
      assertThat(methods).as("methods of " + e.getKey().getSimpleName()).isNotEmpty();
      assertThat(problems).as(e.getKey().getSimpleName() + " after close()").isEmpty();
    }));
  }

  /** The public instance methods of {@code type} and of the library's types it inherits, but for {@link #NOT_USES}. */
  private static List<Method> uses(Class<?> type) {
    List<Method> out = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic()
          && m.getDeclaringClass().getName().startsWith("io.delpha.sdk.") && !NOT_USES.contains(m.getName())) {
        out.add(m);
      }
    }
    out.sort(Comparator.comparing(Method::toGenericString));
    return out;
  }

  /** @return {@code null} if {@code m} refused the closed {@code instance} with a ClosedException, else what happened */
  private static String refusal(Object instance, Method m) throws Exception {
    Object[] args = new Object[m.getParameterCount()];
    for (int i = 0; i < args.length; i++) {
      args[i] = placeholder(m.getParameterTypes()[i], 0);
    }
    Object result;
    try {
      result = m.invoke(instance, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      return cause instanceof ClosedException ? null : "threw " + cause;
    }
    if (result instanceof CompletionStage<?> stage) {
      Throwable failure = stage.toCompletableFuture().handle((v, t) -> t).getNow(null);
      if (failure instanceof CompletionException && failure.getCause() != null) {
        failure = failure.getCause();
      }
      return failure instanceof ClosedException ? null : "returned a stage that did not fail with ClosedException: "
          + failure;
    }
    if (result instanceof AutoCloseable c) {
      c.close();
    }
    return "returned " + (result == null ? "normally" : result.getClass().getSimpleName());
  }

  /** A plausible, real, non-null value of {@code type} where one is simple to build; {@code null} otherwise. */
  private static Object placeholder(Class<?> type, int depth) throws Exception {
    if (type == String.class || type == CharSequence.class) {
      return "x";
    }
    if (type == int.class || type == Integer.class) {
      return 0;
    }
    if (type == long.class || type == Long.class) {
      return 0L;
    }
    if (type == double.class || type == Double.class) {
      return 0.0;
    }
    if (type == float.class || type == Float.class) {
      return 0.0f;
    }
    if (type == short.class || type == Short.class) {
      return (short) 0;
    }
    if (type == byte.class || type == Byte.class) {
      return (byte) 0;
    }
    if (type == boolean.class || type == Boolean.class) {
      return false;
    }
    if (type == char.class || type == Character.class) {
      return 'x';
    }
    if (type == BigDecimal.class) {
      return BigDecimal.ZERO;
    }
    if (type == Path.class) {
      return Files.createTempFile(tmp, "placeholder", ".tmp");
    }
    if (type == Duration.class) {
      return Duration.ZERO;
    }
    if (type == Instant.class) {
      return Instant.EPOCH;
    }
    if (type == LocalDate.class) {
      return LocalDate.EPOCH;
    }
    if (type == URI.class) {
      return URI.create("http://127.0.0.1:9/");
    }
    if (type == InetSocketAddress.class) {
      return new InetSocketAddress("127.0.0.1", 0);
    }
    if (type == InputStream.class) {
      return new ByteArrayInputStream(new byte[0]);
    }
    if (type == Class.class) {
      return Object.class;
    }
    if (type == Optional.class) {
      return Optional.empty();
    }
    if (type == List.class || type == Collection.class || type == Iterable.class) {
      return List.of();
    }
    if (type == Set.class) {
      return Set.of();
    }
    if (type == Map.class) {
      return Map.of();
    }
    if (type == Consumer.class) {
      return (Consumer<Object>) x -> { };
    }
    if (type == Function.class) {
      return Function.identity();
    }
    if (type == Predicate.class) {
      return (Predicate<Object>) x -> true;
    }
    if (type == Supplier.class) {
      return (Supplier<Object>) () -> "x";
    }
    if (type == ScheduledExecutorService.class) {
      return SCHEDULER;
    }
    if (type.isArray()) {
      return Array.newInstance(type.getComponentType(), 0);
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    if (type == com.datastax.oss.driver.api.core.cql.Statement.class) {
      return SimpleStatement.newInstance("SELECT release_version FROM system.local");
    }
    if (type.isAssignableFrom(CassandraManager.class)) {
      return cass;
    }
    if (type.isAssignableFrom(LocalObjectStore.class)) {
      return LocalObjectStore.at(Files.createTempDirectory(tmp, "placeholder"));
    }
    if (type.getName().startsWith("io.delpha.sdk.")) {
      Object made = madeByTheLibrary(type);
      if (made != null) {
        return made;
      }
      if (type.isRecord() && depth < 3) {
        return record(type, depth);
      }
    }
    return null;
  }

  /** What a public static no-argument factory of {@code type} ({@code defaults()}, {@code all()}) or its builder makes. */
  private static Object madeByTheLibrary(Class<?> type) throws Exception {
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && m.getReturnType() == type) {
        return m.invoke(null);
      }
    }
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && m.getName().equals("builder")) {
        Object builder = m.invoke(null);
        Method build = builder.getClass().getMethod("build");
        if (build.getReturnType() == type) {
          try {
            return build.invoke(builder);
          } catch (InvocationTargetException refused) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /** A record of the library built through its canonical constructor from placeholders, or {@code null} if refused. */
  private static Object record(Class<?> type, int depth) throws Exception {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      values[i] = placeholder(types[i], depth + 1);
    }
    Constructor<?> canonical = type.getDeclaredConstructor(types);
    try {
      return canonical.newInstance(values);
    } catch (InvocationTargetException refused) {
      return null;
    }
  }
}
