package io.delpha.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.aws.AWSConfig;
import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.FlowType;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.QueryOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The builder grammar shared by the managers and their options: {@code toBuilder()} copies every setting (metrics
 * included), {@code Consumer<Builder>} overloads start from a new builder as the AWS SDK's do, and {@code
 * listener(..)} appends. The configs that need a live service to build ({@code CassandraConfig}, {@code
 * SalesforceConfig}) are checked beside their managers' tests.
 */
@DisplayName("One builder grammar: toBuilder copies everything, Consumer overloads, listener appends")
class BuilderGrammarTest {

  @Test
  @DisplayName("AWSConfig.toBuilder builds a manager with the same settings, metrics included; Consumer overloads fill in new builders")
  void awsConfigRoundTrip() {
    Metrics metrics = Metrics.micrometer(new SimpleMeterRegistry());
    try (AWSManager aws = AWSManager.builder()
        .aws(a -> a.region("eu-west-2").credentials("AKIDEXAMPLE", "wJalrXUtnFEMI").endpointOverride(URI.create("http://127.0.0.1:1")))
        .s3EndpointOverride(URI.create("http://127.0.0.1:2"))
        .flowType(FlowType.ACCOUNT)
        .pollBackoff(p -> p.maxAttempts(7).initialDelay(Duration.ofMillis(3)).maxDelay(Duration.ofMillis(9)))
        .recordsPageSize(42)
        .metrics(metrics)
        .build()) {
      AWSConfig config = aws.config();
      assertThat(config.aws().region()).isEqualTo("eu-west-2");
      assertThat(config.pollBackoff()).isEqualTo(RetryPolicy.builder().maxAttempts(7)
          .initialDelay(Duration.ofMillis(3)).maxDelay(Duration.ofMillis(9)).build());
      assertThat(config.metrics()).isSameAs(metrics);
      try (AWSManager copy = config.toBuilder().build()) {
        assertThat(copy.config()).isEqualTo(config);
      }
    }
  }

  @Test
  @DisplayName("LoadOptions, QueryOptions, RetryPolicy, ServerOptions and AwsClientSettings: toBuilder().build() is equal")
  void optionsRoundTrip() {
    LoadOptions load = LoadOptions.builder().createTable(true).primaryKey("Id", "Email").maxInFlight(9)
        .listener(new ProgressListener() {}).build();
    assertThat(load.toBuilder().build()).isEqualTo(load);
    QueryOptions read = QueryOptions.builder().filter(Filter.eq("org", "acme")).limit(5)
        .timestamp(Instant.parse("2024-01-01T00:00:00Z")).build();
    assertThat(read.toBuilder().build()).isEqualTo(read);
    RetryPolicy retry = RetryPolicy.builder().maxAttempts(4).multiplier(3).jitter(false).build();
    assertThat(retry.toBuilder().build()).isEqualTo(retry);
    ServerOptions server = ServerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).maxConnections(3)
        .idleTimeout(Duration.ofSeconds(4)).build();
    assertThat(server.toBuilder().build()).isEqualTo(server);
    AwsClientSettings settings = AwsClientSettings.builder().region("eu-west-1").retryPolicy(retry).build();
    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  @DisplayName("listener(..) appends: every listener hears every event in order, one that throws does not silence the next; toBuilder keeps them")
  void listenersAppend() {
    List<String> heard = new ArrayList<>();
    ProgressListener first = new ProgressListener() {
      @Override
      public void onStart(String task) {
        heard.add("first " + task);
        throw new IllegalStateException("a host listener fails");
      }
    };
    ProgressListener second = new ProgressListener() {
      @Override
      public void onStart(String task) {
        heard.add("second " + task);
      }
    };
    LoadOptions options = LoadOptions.builder().listener(first).listener(second).build();
    options.listener().onStart("load");
    assertThat(heard).containsExactly("first load", "second load");
    heard.clear();
    ProgressListener third = new ProgressListener() {
      @Override
      public void onStart(String task) {
        heard.add("third " + task);
      }
    };
    options.toBuilder().listener(third).build().listener().onStart("again");
    assertThat(heard).containsExactly("first again", "second again", "third again");
    assertThat(LoadOptions.defaults().listener()).isSameAs(ProgressListener.NONE);
  }
}
