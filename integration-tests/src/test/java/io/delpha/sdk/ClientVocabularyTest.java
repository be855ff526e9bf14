package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.aws.AWSConfig;
import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.AWSManagerBuilder;
import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.cassandra.CassandraConfig;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.CassandraManagerBuilder;
import io.delpha.sdk.cassandra.DictionaryConfig;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.ingest.BatchIngestorBuilder;
import io.delpha.sdk.ingest.BatchIngestorConfig;
import io.delpha.sdk.salesforce.SalesforceConfig;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.salesforce.SalesforceManagerBuilder;
import io.delpha.sdk.security.AccessKeysBuilder;
import io.delpha.sdk.security.AccessKeysConfig;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.DeltaSharingClientBuilder;
import io.delpha.sdk.sharing.DeltaSharingClientConfig;
import io.delpha.sdk.totesys.TotesysConfig;
import io.delpha.sdk.totesys.TotesysPipelineBuilder;
import io.delpha.sdk.usage.UsageAnalyticsServerBuilder;
import io.delpha.sdk.usage.UsageAnalyticsServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The client-building vocabulary is written once ({@link ClientBuilder} and its nested interfaces): every public
 * builder that has one of its settings has it through the interface, with the builder's own type as the fluent return
 * type, and takes the {@code Consumer<Builder>} overloads from the interface's default methods; and the managers'
 * configs, whose {@code equals}, {@code hashCode} and {@code toString} are one list of settings each, are equal when
 * their settings are and never print a secret. Read from the compiled API, as {@code BuilderNullsTest} does.
 */
@DisplayName("One client-building vocabulary: core.ClientBuilder, and configs' equality and toString written once")
class ClientVocabularyTest {

  /** Each setting of the vocabulary: the setter's name and parameter, and the interface that declares it. */
  private static final Map<String, Class<?>> VOCABULARY = new LinkedHashMap<>();

  static {
    VOCABULARY.put("metrics(" + Metrics.class.getName() + ")", ClientBuilder.class);
    VOCABULARY.put("clock(" + Clock.class.getName() + ")", ClientBuilder.WithClock.class);
    VOCABULARY.put("retryPolicy(" + RetryPolicy.class.getName() + ")", ClientBuilder.WithRetries.class);
    VOCABULARY.put("requestTimeout(" + Duration.class.getName() + ")", ClientBuilder.WithRequestTimeout.class);
    VOCABULARY.put("responseLimits(" + ResponseLimits.class.getName() + ")", ClientBuilder.WithResponseLimits.class);
  }

  @Test
  @DisplayName("a public builder with metrics, clock, retryPolicy, requestTimeout or responseLimits has it through the "
      + "vocabulary's interface, returning its own type")
  void everyBuilderSpeaksTheVocabulary() throws Exception {
    Set<String> problems = new TreeSet<>();
    Map<Class<?>, List<String>> seen = new LinkedHashMap<>();
    for (Class<?> builder : publicBuilders()) {
      for (Method m : builder.getMethods()) {
        if (m.isBridge() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1) {
          continue;
        }
        String key = m.getName() + "(" + m.getParameterTypes()[0].getName() + ")";
        Class<?> declaring = VOCABULARY.get(key);
        if (declaring == null) {
          continue;
        }
        seen.computeIfAbsent(declaring, k -> new ArrayList<>()).add(builder.getSimpleName());
        if (!declaring.isAssignableFrom(builder)) {
          problems.add(builder.getName() + "." + key + " is not " + declaring.getCanonicalName() + "'s");
        }
        // a setter the builder writes returns its own type; an inherited default returns the interface's B, bound to
        // the builder by the implements clause (the compiler holds that: see hostCodeConfiguresAnyBuilderAlike)
        if (m.getDeclaringClass() == builder && m.getReturnType() != builder) {
          problems.add(builder.getName() + "." + key + " returns " + m.getReturnType().getName());
        }
      }
    }
    assertThat(problems).as("settings of the vocabulary written outside it").isEmpty();
    assertThat(seen.get(ClientBuilder.class)).as("builders with metrics(..)").hasSizeGreaterThanOrEqualTo(9);
    assertThat(seen.get(ClientBuilder.WithRetries.class)).as("builders with retryPolicy(..)")
        .contains("SalesforceManagerBuilder", "DeltaSharingClientBuilder", "AWSManagerBuilder", "Builder");
    assertThat(seen.get(ClientBuilder.WithResponseLimits.class)).as("builders with responseLimits(..)")
        .containsExactlyInAnyOrder("SalesforceManagerBuilder", "DeltaSharingClientBuilder",
            "SalesforceChangeStreamBuilder", "Builder" /* UploadClient's */, "Builder" /* AzureKeyVaultProvider's */);
  }

  @Test
  @DisplayName("the Consumer<Builder> overloads are the interfaces' default methods; only Delta Sharing's "
      + "responseLimits, whose defaults differ, writes its own")
  void consumerOverloadsAreWrittenOnce() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (Class<?> builder : publicBuilders()) {
      for (Method m : builder.getDeclaredMethods()) {
        if (!m.isBridge() && Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 1
            && m.getParameterTypes()[0] == Consumer.class
            && (m.getName().equals("retryPolicy") || m.getName().equals("responseLimits"))) {
          declared.add(builder.getSimpleName() + "." + m.getName());
        }
      }
    }
    assertThat(declared).containsExactly("DeltaSharingClientBuilder.responseLimits");
  }

  /** The example of {@link ClientBuilder}'s Javadoc: code that configures any builder of the vocabulary alike. */
  static <B extends ClientBuilder<B, ?> & ClientBuilder.WithRetries<B>> B standard(B builder, Metrics metrics) {
    return builder.metrics(metrics).retryPolicy(r -> r.maxAttempts(3).initialDelay(Duration.ofMillis(7)));
  }

  @Test
  @DisplayName("one generic method configures Salesforce, AWS and Delta Sharing builders alike, and each keeps it")
  void hostCodeConfiguresAnyBuilderAlike() {
    Metrics metrics = Metrics.micrometer(new SimpleMeterRegistry());
    RetryPolicy expected = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(7)).build();

    SalesforceManagerBuilder sf = standard(SalesforceManager.builder(), metrics).loginUrl("https://login.example")
        .clientId("id").clientSecret("s").username("u").password("p");
    SalesforceConfig sfConfig = SalesforceConfig.from(sf);
    assertThat(sfConfig.retryPolicy()).isEqualTo(expected);
    assertThat(sfConfig.metrics()).isSameAs(metrics);

    AWSConfig aws = AWSConfig.from(standard(AWSManager.builder(), metrics).region("eu-west-2"));
    assertThat(aws.aws().retryPolicy()).as("AWS builders take retryPolicy(Consumer) from the vocabulary too")
        .isEqualTo(expected);
    assertThat(aws.metrics()).isSameAs(metrics);

    S3ObjectStore.Builder s3 = S3ObjectStore.builder().retryPolicy(r -> r.maxAttempts(3)
        .initialDelay(Duration.ofMillis(7)));
    assertThat(((AwsClientBuilder<?>) s3).aws().retryPolicy()).isEqualTo(expected);

    assertThat(standard(DeltaSharingClient.builder(), metrics).responseLimits(l -> l.maxLines(5)))
        .as("a chain through the vocabulary keeps the builder's own type").isNotNull();
  }

  @Test
  @DisplayName("configs with equal settings are equal with equal hashes; one setting changed makes them unequal")
  void configsAreEqualWhenTheirSettingsAre() {
    SalesforceManagerBuilder sf = SalesforceManager.builder().loginUrl("https://login.example").clientId("id")
        .clientSecret("client-secret-XYZ").username("u").password("password-XYZ").securityToken("token-XYZ");
    SalesforceConfig a = SalesforceConfig.from(sf);
    SalesforceConfig b = SalesforceConfig.from(a.toBuilder());
    assertThat(b).isNotSameAs(a).isEqualTo(a).hasSameHashCodeAs(a).hasToString(a.toString());
    assertThat(SalesforceConfig.from(a.toBuilder().password("another-password"))).isNotEqualTo(a);
    assertThat(SalesforceConfig.from(a.toBuilder().bulkPageSize(7))).isNotEqualTo(a);
    assertThat(SalesforceConfig.from(a.toBuilder().bulkParallelDownloads(3))).isNotEqualTo(a);
    assertThat(SalesforceConfig.from(a.toBuilder().bulkLimitsCheck(true))).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(null).isNotEqualTo(a.toString());

    CassandraConfig c = CassandraConfig.from(CassandraManager.builder().contactPoint("127.0.0.1", 9042)
        .localDatacenter("dc1").credentials("cassandra", "cassandra-password-XYZ"));
    assertThat(CassandraConfig.from(c.toBuilder())).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(CassandraConfig.from(c.toBuilder().pageSize(17))).isNotEqualTo(c);

    AWSConfig aws = AWSConfig.from(AWSManager.builder().region("eu-west-2").recordsPageSize(9));
    assertThat(AWSConfig.from(aws.toBuilder())).isEqualTo(aws).hasSameHashCodeAs(aws);
    assertThat(AWSConfig.from(aws.toBuilder().recordsPageSize(10))).isNotEqualTo(aws);
  }

  @Test
  @DisplayName("a config's toString names every setting and never a secret: passwords, tokens, keys, AWS secret keys")
  void configsNeverPrintASecret() throws Exception {
    List<String> secrets = List.of("client-secret-XYZ", "password-XYZ", "token-XYZ", "cassandra-password-XYZ",
        "aws-secret-key-XYZ", "-----BEGIN PRIVATE KEY-----");
    SalesforceConfig password = SalesforceConfig.from(SalesforceManager.builder().loginUrl("https://login.example")
        .clientId("id").clientSecret("client-secret-XYZ").username("u").password("password-XYZ")
        .securityToken("token-XYZ"));
    SalesforceConfig jwt = SalesforceConfig.from(SalesforceManager.builder().loginUrl("https://login.example")
        .clientId("id").username("u").privateKeyPem(Secret.of("-----BEGIN PRIVATE KEY-----\nMIIE\n")));
    CassandraConfig cassandra = CassandraConfig.from(CassandraManager.builder().contactPoint("127.0.0.1", 9042)
        .localDatacenter("dc1").credentials("cassandra", "cassandra-password-XYZ"));
    AWSConfig aws = AWSConfig.from(AWSManager.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", "aws-secret-key-XYZ"));
    for (Object config : List.of(password, jwt, cassandra, aws)) {
      String shown = config.toString();
      assertThat(shown).startsWith(config.getClass().getSimpleName() + "[");
      for (String secret : secrets) {
        assertThat(shown).as(config.getClass().getSimpleName()).doesNotContain(secret);
      }
      for (Method m : config.getClass().getMethods()) {
        if (m.getReturnType() == Secret.class && m.getParameterCount() == 0) {
          Secret s = (Secret) m.invoke(config);
          if (s != null && !s.isEmpty()) {
            assertThat(shown).as(config.getClass().getSimpleName() + "." + m.getName()).contains(m.getName() + "=****")
                .doesNotContain(s.reveal());
          }
        }
      }
    }
    assertThat(password.toString()).contains("username=u", "clientId=id", "loginUrl=https://login.example");
    assertThat(cassandra.toString()).contains("username=cassandra", "localDatacenter=dc1");
  }

  /** Every built component's config and its builder: the six managers', the sharing client's, the key store's and the
   * usage server's. */
  private static final Map<Class<?>, Class<?>> CONFIGS = Map.of(
      CassandraConfig.class, CassandraManagerBuilder.class,
      DictionaryConfig.class, DictionaryManager.Builder.class,
      SalesforceConfig.class, SalesforceManagerBuilder.class,
      AWSConfig.class, AWSManagerBuilder.class,
      TotesysConfig.class, TotesysPipelineBuilder.class,
      BatchIngestorConfig.class, BatchIngestorBuilder.class,
      DeltaSharingClientConfig.class, DeltaSharingClientBuilder.class,
      AccessKeysConfig.class, AccessKeysBuilder.class,
      UsageAnalyticsServerConfig.class, UsageAnalyticsServerBuilder.class);

  @Test
  @DisplayName("each config is a final class made by its builder (builder(), from(builder), toBuilder()), declares its "
      + "settings once, in a Settings table, each with its public getter, and keeps nothing outside it")
  void everySettingIsDeclaredOnceWithItsGetter() throws Exception {
    Set<String> problems = new TreeSet<>();
    for (Map.Entry<Class<?>, Class<?>> e : CONFIGS.entrySet()) {
      Class<?> config = e.getKey();
      List<String> names = new ArrayList<>();
      for (java.lang.reflect.Field f : config.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == Settings.Setting.class) {
          f.setAccessible(true);
          names.add(((Settings.Setting<?>) f.get(null)).name());
        } else if (!Modifier.isStatic(f.getModifiers()) && f.getType() != Settings.Values.class) {
          problems.add(config.getSimpleName() + " keeps a setting outside its table: " + f.getName());
        }
      }
      if (names.isEmpty()) {
        problems.add(config.getSimpleName() + " declares no Settings table");
      }
      if (!config.getMethod("toBuilder").getReturnType().equals(e.getValue())) {
        problems.add(config.getSimpleName() + ".toBuilder() does not return a " + e.getValue().getSimpleName());
      }
      if (!Modifier.isFinal(config.getModifiers()) || config.isRecord() || config.getConstructors().length > 0) {
        problems.add(config.getSimpleName() + " is not a final class made only by its builder");
      }
      if (!config.getMethod("builder").getReturnType().equals(e.getValue())
          || !Modifier.isStatic(config.getMethod("from", e.getValue()).getModifiers())) {
        problems.add(config.getSimpleName() + " lacks a static builder() and from(builder) of its builder");
      }
      for (String name : names) {
        boolean getter = Arrays.stream(config.getMethods())
            .anyMatch(m -> m.getName().equals(name) && m.getParameterCount() == 0);
        if (!getter) {
          problems.add(config.getSimpleName() + "." + name + " has no public getter");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * The public builders of the API's components (managers, clients, servers, stores, providers), found as {@code
   * BuilderNullsTest} finds builders; the builders of values (records: {@code RetryPolicy}, {@code AwsClientSettings},
   * {@code ServerOptions}, ...) hold a setting as a field of the value and are not client builders.
   */
  private static List<Class<?>> publicBuilders() throws Exception {
    List<Class<?>> builders = new ArrayList<>();
    for (Class<?> c : ApiSubstitutabilityTest.api()) {
      if (!c.isInterface() && c.getSimpleName().endsWith("Builder") && !c.getMethod("build").getReturnType().isRecord()) {
        builders.add(c);
      }
    }
    assertThat(builders).hasSizeGreaterThanOrEqualTo(14);
    return builders;
  }
}
