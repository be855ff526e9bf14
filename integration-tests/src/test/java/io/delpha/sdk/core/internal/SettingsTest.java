package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Settings: a config's settings declared once; the builder's draft, the config's values")
class SettingsTest {

  /** A table shaped as the library's configs declare theirs. */
  static final Settings SAMPLE = new Settings("Sample");
  static final Settings.Setting<String> USER = SAMPLE.required("user");
  static final Settings.Setting<Secret> PASSWORD = SAMPLE.optional("password");
  static final Settings.Setting<String> URL = SAMPLE.<String>optional("url")
      .shown(v -> v.find(SettingsTest.URL) == null ? "none" : "a URL");
  static final Settings.Setting<String> URL_SECRET_NAME = SAMPLE.<String>optional("urlSecretName").unprinted();
  static final Settings.Setting<List<String>> TABLES = SAMPLE.add("tables", List.<String>of())
      .copiedBy(List::copyOf);
  static final Settings.Setting<Duration> OVERLAP = SAMPLE.add("overlap", Duration.ofSeconds(30));

  private static Settings.Draft draft(String user) {
    Settings.Draft d = SAMPLE.draft();
    d.set(USER, user);
    return d;
  }

  @Test
  @DisplayName("a draft starts from the defaults; a required setting left unset is an NPE naming it at freeze")
  void defaultsAndRequired() {
    Settings.Values v = draft("etl").freeze();
    assertThat(v.get(OVERLAP)).isEqualTo(Duration.ofSeconds(30));
    assertThat(v.get(TABLES)).isEmpty();
    assertThat(v.find(PASSWORD)).isNull();
    assertThatThrownBy(() -> SAMPLE.draft().freeze()).isInstanceOf(NullPointerException.class).hasMessage("user");
    assertThatThrownBy(() -> v.get(PASSWORD)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Sample.password");
  }

  @Test
  @DisplayName("set refuses null naming the setting, stores the copy, and a foreign setting is refused")
  void setsCopiesAndRefuses() {
    Settings.Draft d = draft("etl");
    assertThatThrownBy(() -> d.set(USER, null)).isInstanceOf(NullPointerException.class).hasMessage("user");
    List<String> hosts = new ArrayList<>(List.of("staff"));
    d.set(TABLES, hosts);
    hosts.add("sneaked in");
    assertThat(d.freeze().get(TABLES)).containsExactly("staff");
    Settings other = new Settings("Other");
    Settings.Setting<String> foreign = other.add("user", "x");
    assertThatThrownBy(() -> d.set(foreign, "y")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Other.user");
    assertThatThrownBy(() -> other.add("user", "z")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    d.setOrClear(URL, null);
    assertThat(d.find(URL)).isNull();
  }

  @Test
  @DisplayName("prints the record form: a Secret as ****, a shown setting as it says, an unprinted one not at all")
  void printsWithoutSecrets() {
    Settings.Draft d = draft("etl");
    d.set(PASSWORD, Secret.of("hunter2"));
    d.set(URL, "jdbc:postgresql://db?password=hunter2");
    d.set(URL_SECRET_NAME, "db-secret");
    d.set(TABLES, List.of("staff"));
    assertThat(d.freeze().toString())
        .isEqualTo("Sample[user=etl, password=****, url=a URL, tables=[staff], overlap=PT30S]")
        .doesNotContain("hunter2").doesNotContain("db-secret");
    assertThat(draft("etl").freeze().toString())
        .isEqualTo("Sample[user=etl, password=null, url=none, tables=[], overlap=PT30S]");
  }

  @Test
  @DisplayName("equal when every setting is, printed or not; the hash follows; another table is never equal")
  void equalWhenEverySettingIs() {
    Settings.Draft a = draft("etl");
    a.set(URL_SECRET_NAME, "name");
    Settings.Draft b = a.copy();
    assertThat(b.freeze()).isEqualTo(a.freeze()).hasSameHashCodeAs(a.freeze());
    b.set(URL_SECRET_NAME, "other");
    assertThat(b.freeze()).as("an unprinted setting still counts").isNotEqualTo(a.freeze())
        .hasToString(a.freeze().toString());
    Settings twin = new Settings("Sample");
    twin.add("user", "etl");
    assertThat(twin.draft().freeze()).as("the same name and values in another table")
        .isNotEqualTo(draft("etl").freeze());
    assertThat(a.freeze()).isNotEqualTo(null).isNotEqualTo("Sample[user=etl]");
  }

  @Test
  @DisplayName("a draft copy, a frozen config and a draft from a config change apart from each other")
  void draftsAndValuesAreIndependent() {
    Settings.Draft d = draft("etl");
    Settings.Draft copy = d.copy();
    Settings.Values frozen = d.freeze();
    d.set(USER, "changed");
    assertThat(copy.find(USER)).isEqualTo("etl");
    assertThat(frozen.get(USER)).isEqualTo("etl");
    Settings.Draft again = frozen.toDraft();
    again.set(OVERLAP, Duration.ZERO);
    assertThat(frozen.get(OVERLAP)).isEqualTo(Duration.ofSeconds(30));
    assertThat(again.freeze()).isNotEqualTo(frozen);
  }
}
