package io.delpha.sdk.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ChangeStreamConfig: the settings table's round trip and the builder's checks")
class ChangeStreamConfigTest {

  private static SalesforceChangeStreamBuilder all() {
    return SalesforceChangeStream.builder().topic("/data/ContactChangeEvent").keyspace("org_1").table("contacts")
        .endpoint("pubsub.example:7443").replayPreset(ReplayPreset.CUSTOM).replayId("00ff").batchSize(7)
        .keepAliveTimeout(Duration.ofSeconds(280)).maxSchemaDepth(12).checkpointTable("cp")
        .requestTimeout(Duration.ofSeconds(5)).retryPolicy(r -> r.maxAttempts(9)).managedSubscription("Accounts_Sub")
        .bulkRereadAbove(50_000);
  }

  @Test
  @DisplayName("toBuilder() carries every setting: the config built again equals the config")
  void roundTrip() {
    ChangeStreamConfig config = ChangeStreamConfig.from(all());
    assertThat(config.toBuilder().settings()).isEqualTo(config).hasSameHashCodeAs(config);
    assertThat(config.batchSize()).isEqualTo(7);
    assertThat(config.replayId()).isEqualTo("00ff");
    assertThat(config.managedSubscription()).isEqualTo("Accounts_Sub");
    assertThat(config.toBuilder().managedSubscription(null).settings().managedSubscription()).isNull();
    assertThat(config.bulkRereadAbove()).isEqualTo(50_000);
    assertThat(config.toString()).startsWith("ChangeStreamConfig[").contains("topic=/data/ContactChangeEvent");
    assertThat(ChangeStreamConfig.from(SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace("k"))
        .endpoint()).isEqualTo("api.pubsub.salesforce.com:7443");
    assertThat(ChangeStreamConfig.from(SalesforceChangeStream.builder().topic("/data/ChangeEvents").keyspace("k"))
        .bulkRereadAbove()).as("default: Salesforce's 2,000").isEqualTo(2_000);
  }

  @Test
  @DisplayName("wrong settings are refused naming the setting")
  void refusals() {
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().topic("Account")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("topic");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().batchSize(101)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().keyspace("a-b")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("keyspace");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().replayId(null)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("replayId");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().replayId("xyz")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("hex");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().bulkRereadAbove(-1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bulkRereadAbove");
    assertThatThrownBy(() -> ChangeStreamConfig.from(all().endpoint("nohost")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("host:port");
    for (String wrong : new String[] {"Accounts__Sub", "Accounts_", "1Accounts", "Accounts Sub", "18xKj000000000BIA"}) {
      assertThatThrownBy(() -> ChangeStreamConfig.from(all().managedSubscription(wrong))).as(wrong)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("managedSubscription");
    }
    assertThat(ChangeStreamConfig.from(all().managedSubscription("18xKj000000000BIAQ")).managedSubscription())
        .isEqualTo("18xKj000000000BIAQ");
    assertThat(ChangeStreamConfig.from(all().managedSubscription("18xKj000000000B")).managedSubscription())
        .isEqualTo("18xKj000000000B");
    assertThatThrownBy(() -> all().build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("cql");
  }

  @Test
  @DisplayName("a session prints no token; the org id comes from the identity URL")
  void session() {
    PubSubSession s = new PubSubSession(io.delpha.sdk.core.Secret.of("tok-SECRET"), "https://x.my.salesforce.com",
        PubSubSession.orgIdOf("https://login.salesforce.com/id/00Dx0000000BV7zEAG/005x00000012Q9P"));
    assertThat(s.tenantId()).isEqualTo("00Dx0000000BV7zEAG");
    assertThat(s.toString()).doesNotContain("tok-SECRET");
    assertThatThrownBy(() -> PubSubSession.orgIdOf("https://example.com/x"))
        .isInstanceOf(InvalidInputException.class);
  }
}
