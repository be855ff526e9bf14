package io.delpha.sdk.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Secret providers: environment, file, cache")
public class SecretProviderTest {

  @TempDir Path tmp;

  public static String stackText(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  @DisplayName("environment: exact name, then UPPER_SNAKE form, then a typed error naming both")
  void environment() {
    SecretProvider env = EnvironmentSecretProvider.of(Map.of(
        "SALESFORCE_TOKEN", "tok-123", "TOTESYS_DB", "{\"user\":\"etl\",\"password\":\"pw-456\"}", "raw.name", "x"));
    assertThat(env.secret("salesforce-token")).isEqualTo("tok-123");
    assertThat(env.secret("raw.name")).isEqualTo("x");
    assertThat(env.json("totesys-db")).containsExactly(entry("user", "etl"), entry("password", "pw-456"));
    assertThatThrownBy(() -> env.secret("nope"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("nope").hasMessageContaining("NOPE");
    assertThat(env.toString()).doesNotContain("tok-123").doesNotContain("pw-456");
    assertThat(EnvironmentSecretProvider.of(Map.of("DELPHA_KEY", "k")).withPrefix("DELPHA_").secret("key")).isEqualTo("k");
    assertThat(SecretProvider.environment()).isInstanceOf(EnvironmentSecretProvider.class);
  }

  @Test
  @DisplayName("a JSON file holds string and object secrets")
  void jsonFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("secrets.json"),
        "{\"salesforce-token\":\"tok-789\",\"totesys-db\":{\"user\":\"etl\",\"port\":5432,\"password\":\"pw-000\"}}");
    SecretProvider secrets = SecretProvider.fromFile(file);
    assertThat(secrets.secret("salesforce-token")).isEqualTo("tok-789");
    assertThat(secrets.json("totesys-db")).containsExactly(entry("user", "etl"), entry("port", "5432"), entry("password", "pw-000"));
    assertThatThrownBy(() -> secrets.secret("missing"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("missing").hasMessageContaining("secrets.json");
    assertThat(secrets.toString()).doesNotContain("tok-789").doesNotContain("pw-000");
  }

  @Test
  @DisplayName("a properties file holds string secrets; a non-JSON value asked as JSON is DataFormatException without the value")
  void propertiesFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("secrets.properties"), "db.password=hunter2-secret\napi.key = k-1\n");
    SecretProvider secrets = SecretProvider.fromFile(file);
    assertThat(secrets.secret("api.key")).isEqualTo("k-1");
    assertThatThrownBy(() -> secrets.json("db.password"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("db.password")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("hunter2"));
  }

  @Test
  @DisplayName("a missing or malformed file is a typed error that never quotes the content")
  void badFiles() throws Exception {
    assertThatThrownBy(() -> SecretProvider.fromFile(tmp.resolve("none.json"))).isInstanceOf(NotFoundException.class);
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"password\": \"leaky-value\" ");
    assertThatThrownBy(() -> SecretProvider.fromFile(broken))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("broken.json")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("leaky-value"));
    Path array = Files.writeString(tmp.resolve("array.json"), "[\"leaky-value\"]");
    assertThatThrownBy(() -> SecretProvider.fromFile(array)).isInstanceOf(DataFormatException.class)
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("leaky-value"));
  }

  /** A clock a test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  @DisplayName("the cache reuses a value for its TTL, asks again after it, and never caches a failure")
  void cache() {
    Map<String, String> vars = new HashMap<>(Map.of("TOKEN", "v1", "DB", "{\"password\":\"p1\"}"));
    AtomicInteger calls = new AtomicInteger();
    SecretProvider counting = new SecretProvider() {
      @Override
      public String secret(String name) {
        calls.incrementAndGet();
        return EnvironmentSecretProvider.of(vars).secret(name);
      }

      @Override
      public Map<String, String> json(String name) {
        calls.incrementAndGet();
        return EnvironmentSecretProvider.of(vars).json(name);
      }
    };
    ManualClock clock = new ManualClock();
    CachingSecretProvider cache = CachingSecretProvider.of(counting, Duration.ofMinutes(5), clock);

    assertThat(cache.secret("TOKEN")).isEqualTo("v1");
    vars.put("TOKEN", "v2");
    clock.now = clock.now.plus(Duration.ofMinutes(4));
    assertThat(cache.secret("TOKEN")).isEqualTo("v1");
    assertThat(calls).hasValue(1);
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertThat(cache.secret("TOKEN")).isEqualTo("v2");
    assertThat(calls).hasValue(2);

    assertThat(cache.json("DB")).containsEntry("password", "p1");
    assertThat(cache.json("DB")).containsEntry("password", "p1");
    assertThat(calls).hasValue(3);
    cache.invalidate("DB");
    vars.put("DB", "{\"password\":\"p2\"}");
    assertThat(cache.json("DB")).containsEntry("password", "p2");

    assertThatThrownBy(() -> cache.secret("LATER")).isInstanceOf(NotFoundException.class);
    vars.put("LATER", "now-set");
    assertThat(cache.secret("LATER")).isEqualTo("now-set");
    assertThat(cache.toString()).doesNotContain("v2").doesNotContain("p2").doesNotContain("now-set");
    assertThatThrownBy(() -> SecretProvider.cached(counting, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("a host's provider that implements secret() alone reads JSON secrets like the library's, and a "
      + "malformed one is a DataFormatException that does not quote it")
  void hostProviderGetsTheOneJsonReader() {
    Map<String, String> vault = Map.of(
        "db", "{\"user\":\"etl\",\"password\":\"pw-9f2c\",\"port\":5432,\"tls\":true,\"hosts\":[\"a\",\"b\"]}",
        "broken", "{\"password\":\"pw-leak-77\",");
    SecretProvider host = name -> {
      String value = vault.get(name);
      if (value == null) {
        throw new NotFoundException("no secret " + name);
      }
      return value;
    };

    assertThat(host.json("db")).containsOnly(entry("user", "etl"), entry("password", "pw-9f2c"), entry("port", "5432"),
        entry("tls", "true"), entry("hosts", "[\"a\",\"b\"]"));
    assertThat(host.json("db")).isEqualTo(EnvironmentSecretProvider.of(Map.of("DB", vault.get("db"))).json("DB"));
    assertThatThrownBy(() -> host.json("broken")).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("broken").hasMessageNotContaining("pw-leak-77");
  }
}
