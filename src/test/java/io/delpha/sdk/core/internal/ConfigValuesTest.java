package io.delpha.sdk.core.internal;

import static io.delpha.sdk.core.internal.ConfigValues.setting;
import static io.delpha.sdk.core.internal.ConfigValues.shown;
import static io.delpha.sdk.core.internal.ConfigValues.unprinted;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.Secret;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConfigValues: a config's equals, hashCode and toString from one list of its settings")
class ConfigValuesTest {

  /** A config shaped as the library's are: a final class whose three methods are its list's. */
  static final class Sample {
    static final ConfigValues<Sample> VALUES = ConfigValues.of(Sample.class,
        setting("user", Sample::user),
        setting("password", Sample::password),
        shown("url", Sample::url, s -> s.url == null ? "none" : "a URL"),
        unprinted("urlSecretName", Sample::urlSecretName),
        setting("tables", Sample::tables));

    final String user;
    final @Nullable Secret password;
    final @Nullable String url;
    final @Nullable String urlSecretName;
    final List<String> tables;

    Sample(String user, @Nullable Secret password, @Nullable String url, @Nullable String urlSecretName,
        List<String> tables) {
      this.user = user;
      this.password = password;
      this.url = url;
      this.urlSecretName = urlSecretName;
      this.tables = tables;
    }

    String user() {
      return user;
    }

    @Nullable Secret password() {
      return password;
    }

    @Nullable String url() {
      return url;
    }

    @Nullable String urlSecretName() {
      return urlSecretName;
    }

    List<String> tables() {
      return tables;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return VALUES.equal(this, o);
    }

    @Override
    public int hashCode() {
      return VALUES.hash(this);
    }

    @Override
    public String toString() {
      return VALUES.show(this);
    }
  }

  @Test
  @DisplayName("prints the record form: a Secret as ****, a shown setting as it says, an unprinted one not at all")
  void printsWithoutSecrets() {
    Sample s = new Sample("etl", Secret.of("hunter2"), "jdbc:postgresql://db?password=hunter2", "db-secret",
        List.of("staff"));
    assertThat(s.toString()).isEqualTo("Sample[user=etl, password=****, url=a URL, tables=[staff]]")
        .doesNotContain("hunter2").doesNotContain("db-secret");
    assertThat(new Sample("etl", null, null, null, List.of()).toString())
        .isEqualTo("Sample[user=etl, password=null, url=none, tables=[]]");
  }

  @Test
  @DisplayName("equal when every setting is, printed or not; the hash follows; another class is never equal")
  void equalWhenEverySettingIs() {
    Sample a = new Sample("etl", Secret.of("p"), null, "name", List.of("staff"));
    Sample b = new Sample("etl", Secret.of("p"), null, "name", List.of("staff"));
    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(new Sample("etl", Secret.of("q"), null, "name", List.of("staff"))).isNotEqualTo(a);
    assertThat(new Sample("etl", Secret.of("p"), null, "other", List.of("staff")))
        .as("an unprinted setting still counts").isNotEqualTo(a).hasToString(a.toString());
    assertThat(a).isNotEqualTo(null).isNotEqualTo("Sample[user=etl]").isEqualTo(a);
  }
}
