package io.delpha.sdk.usage;

import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.SharingFixture;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.usage.UsageTableStub.DayFile;
import static io.delpha.sdk.usage.UsageTableStub.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The usage page in a real headless Chromium (OS package, DevTools protocol): a person types a key, the page draws
 * the charts, and the numbers are read back from the SVG in the DOM. Runs in its own profile: {@code mvn -Pbrowser
 * test}.
 */
@Tag("browser")
class UsagePageBrowserTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static CassandraManager cass;
  static String acmeKey;
  static String globexKey;
  static UsageAnalyticsServer server;
  static Chromium browser;

  @BeforeAll
  static void start() throws Exception {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    AccessKeys keys = AccessKeys.on(cass).keyspace("browser_keys_" + UUID.randomUUID().toString().substring(0, 8))
        .build();
    acmeKey = keys.issue("acme").secret();
    globexKey = keys.issue("globex").secret();
    DeltaSharingClient client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/")
        .bearerToken(Secret.of("recipient-token")).build();
    server = UsageAnalyticsServer.builder().client(client).table(UsageTableStub.TABLE).organisationColumn("org_id")
        .dateColumn("usage_date").featureColumn("feature").measureColumn("events")
        .cacheDirectory(Files.createTempDirectory("browser-cache")).accessKeys(keys).build().start();
    browser = new Chromium();
  }

  /** WireMock's extension clears its stubs before each test: the table is published for each. */
  @BeforeEach
  void publish() throws Exception {
    new UsageTableStub(wm, Files.createTempDirectory("browser-usage")).publish(7, List.of(
        new DayFile("b1", LocalDate.of(2024, 5, 1), List.of(row("acme", "dashboards", 1234, "1.00", 1_714_521_600L),
            row("globex", "globex-secret", 777001, null, 1_714_521_601L), row("acme", "exports", 56, null, 1_714_521_602L))),
        new DayFile("b2", LocalDate.of(2024, 5, 2), List.of(row("acme", "dashboards", 789, null, 1_714_608_000L),
            row("globex", "globex-secret", 888002, null, 1_714_608_001L)))), null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    server.close();
    cass.close();
  }

  /** Opens the page, types the key and range, presses Show, and waits for the report or the refusal. */
  static String show(String key, String org) throws Exception {
    browser.navigate(server.uri() + UsageAnalyticsServer.PAGE_PATH);
    browser.eval("document.getElementById('key').value = " + SharingFixture.JSON.writeValueAsString(key) + ";"
        + "document.getElementById('from').value = '2024-05-01'; document.getElementById('to').value = '2024-05-31';"
        + "document.getElementById('org').value = " + SharingFixture.JSON.writeValueAsString(org) + ";"
        + "document.getElementById('show').click(); true");
    browser.await("['ok', 'error'].includes(document.getElementById('report').dataset.state)", Duration.ofSeconds(60));
    String state = browser.eval("document.getElementById('report').dataset.state").asText();
    String message = browser.eval("document.getElementById('message').textContent").asText();
    return state.equals("ok") || message.isEmpty() ? state : state + ": " + message;
  }

  static Map<String, String> bars(String chart, String label) throws Exception {
    JsonNode bars = browser.eval("[...document.querySelectorAll('#" + chart + " rect.bar')].map(r => [r.dataset."
        + label + ", r.dataset.value, r.getAttribute('height') || r.getAttribute('width')])");
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode b : bars) {
      assertThat(Double.parseDouble(b.get(2).asText())).as("bar drawn with a size").isPositive();
      out.put(b.get(0).asText(), b.get(1).asText());
    }
    return out;
  }

  @Test
  @DisplayName("the page draws the organisation's own numbers per day and per feature, read back from the SVG")
  void drawsOwnNumbers() throws Exception {
    assertThat(show(acmeKey, "")).isEqualTo("ok");
    assertThat(browser.eval("document.getElementById('organisation').textContent").asText()).isEqualTo("acme");
    assertThat(bars("daily-chart", "day")).containsExactly(Map.entry("2024-05-01", "1290"),
        Map.entry("2024-05-02", "789"));
    assertThat(bars("feature-chart", "feature")).containsExactly(Map.entry("dashboards", "2023"),
        Map.entry("exports", "56"));
    String dom = browser.eval("document.documentElement.outerHTML").asText();
    assertThat(dom).doesNotContain("777001").doesNotContain("888002").doesNotContain("globex");
    assertThat(dom).doesNotContain(acmeKey); // the key stays in the password field's value, never in the markup
  }

  @Test
  @DisplayName("a wrong key gets no page, and a key asking for another organisation gets none of its numbers")
  void refusals() throws Exception {
    assertThat(show(acmeKey.substring(0, acmeKey.length() - 3) + "zzz", "")).isEqualTo("error: The access key was refused.");
    assertThat(browser.eval("document.querySelectorAll('svg').length").asInt()).isZero();

    assertThat(show(acmeKey, "globex")).startsWith("error: ");
    assertThat(browser.eval("document.querySelectorAll('svg').length").asInt()).isZero();
    String dom = browser.eval("document.documentElement.outerHTML").asText();
    assertThat(dom).doesNotContain("777001").doesNotContain("888002");

    // and globex's own key sees globex, none of acme's numbers
    assertThat(show(globexKey, "")).isEqualTo("ok");
    assertThat(bars("daily-chart", "day")).containsExactly(Map.entry("2024-05-01", "777001"),
        Map.entry("2024-05-02", "888002"));
    assertThat(browser.eval("document.documentElement.outerHTML").asText()).doesNotContain("1290")
        .doesNotContain("dashboards");
  }
}
