package io.delpha.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.FlowType;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.totesys.PipelineListener;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managers' common grammar, read reflectively: each of the six has a static {@code builder()}, a {@code config()}
 * that is an immutable final class made only by the builder (no public constructor; {@code builder()} and {@code
 * toBuilder()} of its own), and a {@code toBuilder()} returning the same builder type, and a manager built from
 * {@code toBuilder()} has an equal {@code config()}. Built against the harness's real servers where building connects
 * (Cassandra, PostgreSQL, a Salesforce login on loopback), without connecting otherwise (AWS).
 */
@DisplayName("Every manager has builder(), config() and toBuilder(); toBuilder().build().config() equals config()")
class ManagerContractTest {

  @TempDir
  static Path tmp;

  private static CassandraManager cass;
  private static WireMockServer salesforce;
  private static final List<AutoCloseable> OPENED = new ArrayList<>();
  private static final Map<Class<?>, Callable<Object>> MANAGERS = new LinkedHashMap<>();
  private static final Map<Class<?>, Object> BUILT = new LinkedHashMap<>();

  @BeforeAll
  static void servers() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter())
        .keyspace("system").requestTimeout(Duration.ofSeconds(20)).build();
    OPENED.add(cass);
    salesforce = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    salesforce.start();
    salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"access_token\":\"00Dx!manager-contract-token\",\"instance_url\":\"" + salesforce.baseUrl()
            + "\",\"id\":\"https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P\","
            + "\"token_type\":\"Bearer\",\"issued_at\":\"1278448832702\"}")));

    MANAGERS.put(CassandraManager.class, () -> cass);
    MANAGERS.put(DictionaryManager.class,
        () -> DictionaryManager.builder().cassandra(cass).metrics(Metrics.micrometer(
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).build());
    MANAGERS.put(SalesforceManager.class, () -> SalesforceManager.builder().loginUrl(salesforce.baseUrl())
        .clientId("3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhq").clientSecret("contract-client-secret")
        .username("integration@delpha.example").password("contract-password").securityToken("contract-token")
        .requestTimeout(Duration.ofSeconds(7)).bulkPageSize(500).bulkParallelDownloads(4).bulkLimitsCheck(true)
        .build());
    MANAGERS.put(AWSManager.class, () -> AWSManager.builder().region("eu-west-1")
        .credentials("AKIAIOSFODNN7EXAMPLE", "contract-secret").endpointOverride(URI.create("http://127.0.0.1:9"))
        .s3EndpointOverride(URI.create("http://127.0.0.1:10")).flowType(FlowType.ACCOUNT).recordsPageSize(42)
        .build());
    MANAGERS.put(TotesysPipeline.class, () -> {
      DataSource db = PostgresServer.shared().createDatabase("manager_contract");
      return TotesysPipeline.builder().source(db).warehouse(db)
          .ingestionZone(LocalObjectStore.at(Files.createTempDirectory(tmp, "ingestion")))
          .processedZone(LocalObjectStore.at(Files.createTempDirectory(tmp, "processed")))
          .tables("sales_order", "address").overlap(Duration.ofMinutes(3)).listener(new PipelineListener() { })
          .build();
    });
    MANAGERS.put(BatchIngestor.class, () -> BatchIngestor.builder().cassandra(cass)
        .staging(LocalObjectStore.at(Files.createTempDirectory(tmp, "staging")))
        .registry("manager_contract_registry", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000).worker("contract-worker").maxBatchRows(8).build());
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = OPENED.size() - 1; i >= 0; i--) {
      OPENED.get(i).close();
    }
    salesforce.stop();
  }

  @TestFactory
  @DisplayName("builder(), config() (a final class) and toBuilder() exist, and a manager rebuilt from toBuilder() has an equal config()")
  Stream<DynamicTest> everyManagerRoundTripsItsConfig() {
    assertThat(MANAGERS).hasSize(6);
    return MANAGERS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(), () -> {
      Class<?> type = e.getKey();
      Method builder = type.getMethod("builder");
      Method config = type.getMethod("config");
      Method toBuilder = type.getMethod("toBuilder");
      assertThat(Modifier.isStatic(builder.getModifiers())).as("builder() is static").isTrue();
      assertThat(Modifier.isStatic(config.getModifiers()) || Modifier.isStatic(toBuilder.getModifiers()))
          .as("config() and toBuilder() are instance methods").isFalse();
      assertThat(Modifier.isFinal(config.getReturnType().getModifiers()))
          .as(type.getSimpleName() + ".config() is a final class").isTrue();
      assertThat(toBuilder.getReturnType()).as("toBuilder() returns what builder() returns")
          .isEqualTo(builder.getReturnType());
      Method build = toBuilder.getReturnType().getMethod("build");
      assertThat(build.getReturnType()).isEqualTo(type);

      Object manager = built(type);
      Object original = config.invoke(manager);
      Object rebuilt = build.invoke(toBuilder.invoke(manager));
      if (rebuilt instanceof AutoCloseable c) {
        OPENED.add(c);
      }
      assertThat(rebuilt).isNotSameAs(manager);
      assertThat(config.invoke(rebuilt)).as(type.getSimpleName() + ".toBuilder().build().config()")
          .isEqualTo(original);
    }));
  }

  @TestFactory
  @DisplayName("every config is a final class without a public constructor, whose builder() and toBuilder() are its "
      + "manager's; from(toBuilder()) and toBuilder().build().config() equal it (equal hash codes, same toString)")
  Stream<DynamicTest> everyConfigIsMadeOnlyByItsBuilder() {
    assertThat(MANAGERS).hasSize(6);
    return MANAGERS.keySet().stream().map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> {
      Class<?> configType = type.getMethod("config").getReturnType();
      String name = configType.getSimpleName();
      assertThat(configType.isRecord()).as(name + " is a class, not a record").isFalse();
      assertThat(Modifier.isFinal(configType.getModifiers())).as(name + " is final").isTrue();
      assertThat(configType.getConstructors()).as(name + "'s public constructors").isEmpty();
      Method builder = configType.getMethod("builder");
      Method toBuilder = configType.getMethod("toBuilder");
      assertThat(Modifier.isStatic(builder.getModifiers())).as(name + ".builder() is static").isTrue();
      assertThat(Modifier.isStatic(toBuilder.getModifiers())).as(name + ".toBuilder() is an instance method")
          .isFalse();
      assertThat(builder.getReturnType()).as(name + ".builder() is the manager's builder")
          .isEqualTo(type.getMethod("builder").getReturnType());
      assertThat(toBuilder.getReturnType()).as(name + ".toBuilder() returns what builder() returns")
          .isEqualTo(builder.getReturnType());
      assertThat(builder.invoke(null)).as(name + ".builder()").isNotNull()
          .isNotSameAs(builder.invoke(null));

      Object config = type.getMethod("config").invoke(built(type));
      Method from = configType.getMethod("from", builder.getReturnType());
      assertThat(Modifier.isStatic(from.getModifiers())).as(name + ".from(builder) is static").isTrue();
      assertThat(from.invoke(null, toBuilder.invoke(config))).as(name + ".from(toBuilder()), without building")
          .isEqualTo(config);
      Object rebuilt = toBuilder.getReturnType().getMethod("build").invoke(toBuilder.invoke(config));
      if (rebuilt instanceof AutoCloseable c) {
        OPENED.add(c);
      }
      Object copy = type.getMethod("config").invoke(rebuilt);
      assertThat(copy).as(name + ".toBuilder().build().config()").isNotSameAs(config).isEqualTo(config)
          .hasSameHashCodeAs(config).hasToString(config.toString());
    }));
  }

  /** The manager of this type, built once for both tests. */
  private static synchronized Object built(Class<?> type) throws Exception {
    Object manager = BUILT.get(type);
    if (manager == null) {
      manager = MANAGERS.get(type).call();
      BUILT.put(type, manager);
      if (manager instanceof AutoCloseable c && manager != cass) {
        OPENED.add(c);
      }
    }
    return manager;
  }
}
