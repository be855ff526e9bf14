package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DataDictionary;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.testing.CassandraServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code delpha} command line as a process against the harness's real Cassandra: help, usage, keys, dict. */
@Tag("process")
class DelphaCliTest {

  static CassandraServer server;
  static CassandraManager cass;

  @BeforeAll
  static void start() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  @AfterAll
  static void stop() {
    cass.close();
  }

  static List<String> cassandra(String... more) {
    List<String> a = new ArrayList<>(List.of(more));
    a.addAll(List.of("--contact-point", server.host() + ":" + server.port(), "--local-dc", server.localDatacenter()));
    return a;
  }

  static CliProcess.Result delpha(List<String> args) {
    return CliProcess.run(Map.of(), args.toArray(String[]::new));
  }

  static String group(String regex, String text) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as("'%s' in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  @Test
  void everyCommandAnswersHelp() {
    List<String> names = new ArrayList<>();
    walk(Delpha.commandLine(), names);
    assertThat(names).contains("delpha fetch", "delpha ingest serve", "delpha ingest customers add",
        "delpha ingest customers list", "delpha ingest status", "delpha totesys run", "delpha totesys schedule",
        "delpha totesys report", "delpha keys issue", "delpha keys revoke", "delpha keys rotate-admin", "delpha keys list",
        "delpha keys audit", "delpha dict export", "delpha dict describe", "delpha dict diff", "delpha sharing serve",
        "delpha sharing list", "delpha sharing read", "delpha salesforce query", "delpha appflow start",
        "delpha appflow await", "delpha appflow latest", "delpha appflow load");
    CliProcess.Result top = delpha(List.of("--help"));
    assertThat(top.exitCode()).isZero();
    assertThat(top.out()).contains("Usage: delpha", "fetch", "ingest", "keys", "dict", "totesys", "sharing",
        "salesforce", "appflow");
  }

  private static void walk(CommandLine cmd, List<String> names) {
    for (CommandLine sub : cmd.getSubcommands().values()) {
      if (sub.getCommandName().equals("help")) {
        continue;
      }
      String name = sub.getCommandSpec().qualifiedName();
      if (names.contains(name)) {
        continue;
      }
      names.add(name);
      StringWriter out = new StringWriter();
      CommandLine top = Delpha.commandLine();
      top.setOut(new PrintWriter(out));
      List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
      args.add("--help");
      assertThat(top.execute(args.toArray(String[]::new))).as(name).isZero();
      assertThat(out.toString()).as(name).contains("Usage: " + name);
      walk(sub, names);
    }
  }

  @Test
  void wrongCommandLinesExitWithTwo() {
    CliProcess.Result unknown = delpha(List.of("no-such-command"));
    assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(Delpha.USAGE);
    assertThat(unknown.err()).contains("no-such-command");
    CliProcess.Result missing = delpha(List.of("keys", "revoke"));
    assertThat(missing.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(missing.err()).contains("KEY_ID");
    CliProcess.Result badDuration = delpha(List.of("keys", "issue", "acme", "--valid-for", "5 weeks"));
    assertThat(badDuration.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(badDuration.err()).contains("not a duration");
    CliProcess.Result badHost = delpha(List.of("keys", "list", "--contact-point", "127.0.0.1:99999"));
    assertThat(badHost.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(badHost.err()).contains("not a port number");
    CliProcess.Result both = delpha(List.of("keys", "issue", "acme", "--admin"));
    assertThat(both.exitCode()).isEqualTo(Delpha.USAGE);
  }

  @Test
  void keysAreIssuedListedRevokedAndAuditedWithoutShowingSecretsAgain() {
    String store = "cli_keys_" + UUID.randomUUID().toString().substring(0, 8);
    CliProcess.Result issued = delpha(cassandra("keys", "issue", "acme", "--key-store", store, "--valid-for", "30d"));
    assertThat(issued.exitCode()).as(issued.all()).isZero();
    String id = group("key id:\\s+(\\S+)", issued.out());
    String secret = group("secret:\\s+(\\S+)", issued.out());
    AccessKeys keys = AccessKeys.on(cass).keyspace(store).build();
    assertThat(keys.authenticate(secret).organisation()).isEqualTo("acme");

    CliProcess.Result admin = delpha(cassandra("keys", "issue", "--admin", "--key-store", store));
    assertThat(admin.exitCode()).as(admin.all()).isZero();
    String adminSecret = group("secret:\\s+(\\S+)", admin.out());
    CliProcess.Result second = delpha(cassandra("keys", "issue", "--admin", "--key-store", store));
    assertThat(second.exitCode()).as(second.all()).isEqualTo(Delpha.FAILURE);
    assertThat(second.err()).contains("error: ").doesNotContain("\tat io.delpha").doesNotContain(adminSecret);
    assertThat(keys.listKeys()).filteredOn(k -> k.organisation().equals(AccessKeys.ADMIN_ORGANISATION) && k.revokedAt() == null)
        .hasSize(1);

    CliProcess.Result listed = delpha(cassandra("keys", "list", "--key-store", store));
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains(id, "acme", "active").doesNotContain(secret).doesNotContain(adminSecret);

    CliProcess.Result revoked = delpha(cassandra("keys", "revoke", id, "--key-store", store));
    assertThat(revoked.exitCode()).as(revoked.all()).isZero();
    assertThat(delpha(cassandra("keys", "list", "--key-store", store)).out()).containsPattern(id + ".*revoked");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.authenticate(secret))
        .isInstanceOf(io.delpha.sdk.core.DelphaException.class);

    CliProcess.Result rotated = CliProcess.run(Map.of("DELPHA_ADMIN_KEY", adminSecret),
        cassandra("keys", "rotate-admin", "--key-store", store).toArray(String[]::new));
    assertThat(rotated.exitCode()).as(rotated.all()).isZero();
    String newAdmin = group("secret:\\s+(\\S+)", rotated.out());
    assertThat(keys.authenticate(newAdmin).isAdmin()).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.authenticate(adminSecret))
        .isInstanceOf(io.delpha.sdk.core.DelphaException.class);
    CliProcess.Result wrongAdmin = CliProcess.run(Map.of("DELPHA_ADMIN_KEY", "dk_forged_key_value"),
        cassandra("keys", "rotate-admin", "--key-store", store).toArray(String[]::new));
    assertThat(wrongAdmin.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(wrongAdmin.out() + wrongAdmin.err()).doesNotContain("dk_forged_key_value");
    assertThat(keys.authenticate(newAdmin).isAdmin()).isTrue();

    CliProcess.Result audit = delpha(cassandra("keys", "audit", "--key-store", store));
    assertThat(audit.exitCode()).as(audit.all()).isZero();
    assertThat(audit.out()).contains(id).doesNotContain(secret).doesNotContain(newAdmin);
  }

  @Test
  void unreachableOrRefusingClusterIsAClearFailure() {
    CliProcess.Result down = delpha(List.of("keys", "list", "--contact-point", "127.0.0.1:1", "--local-dc", "dc1"));
    assertThat(down.exitCode()).as(down.all()).isEqualTo(Delpha.FAILURE);
    assertThat(down.err()).contains("error: no Cassandra node reachable at 127.0.0.1:1 (connection refused)")
        .doesNotContain("\tat ").doesNotContain("<unresolved>").doesNotContain("getAllErrors");
    CliProcess.Result verbose = delpha(List.of("keys", "list", "--contact-point", "127.0.0.1:1", "--verbose"));
    assertThat(verbose.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(verbose.err()).contains("\tat ");

    CassandraServer auth = CassandraServer.shared(CassandraServer.Variant.AUTH);
    String wrong = "not-the-password-" + UUID.randomUUID();
    CliProcess.Result refused = CliProcess.run(Map.of("DELPHA_CASSANDRA_PASSWORD", wrong), "keys", "list",
        "--contact-point", auth.host() + ":" + auth.port(), "--local-dc", auth.localDatacenter(), "--cassandra-user",
        auth.superuser());
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(Delpha.FAILURE);
    assertThat(refused.err()).contains("error: ");
    assertThat(refused.out() + refused.err()).doesNotContain(wrong);
  }

  @Test
  void dictionaryIsExportedDescribedAndDiffed(@TempDir Path dir) throws Exception {
    String ks = "cli_dict_" + UUID.randomUUID().toString().substring(0, 8);
    CqlSession s = cass.session();
    s.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    s.execute("CREATE TABLE " + ks + ".orders (id int PRIMARY KEY, total decimal, placed timestamp)");
    Path saved = dir.resolve("dict.json");
    CliProcess.Result json = delpha(cassandra("dict", "export", "--keyspace", ks, "--format", "json", "-o",
        saved.toString()));
    assertThat(json.exitCode()).as(json.all()).isZero();
    DataDictionary d = DataDictionary.fromJson(Files.readString(saved));
    assertThat(d.keyspaces()).singleElement().satisfies(k -> assertThat(k.name()).isEqualTo(ks));

    CliProcess.Result md = delpha(cassandra("dict", "export", "--keyspace", ks, "--format", "markdown"));
    assertThat(md.out()).contains("orders", "total", "decimal");
    CliProcess.Result cql = delpha(cassandra("dict", "describe", ks + ".orders"));
    assertThat(cql.out()).contains("CREATE TABLE " + ks + ".orders");

    s.execute("ALTER TABLE " + ks + ".orders ADD note text");
    CliProcess.Result diff = delpha(cassandra("dict", "diff", saved.toString()));
    assertThat(diff.exitCode()).as(diff.all()).isZero();
    assertThat(diff.out()).contains("note");

    CliProcess.Result missing = delpha(cassandra("dict", "describe", "no_such_keyspace_xyz"));
    assertThat(missing.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(missing.err()).contains("no_such_keyspace_xyz");
    CliProcess.Result badFormat = delpha(cassandra("dict", "export", "--format", "yaml"));
    assertThat(badFormat.exitCode()).isEqualTo(Delpha.USAGE);
  }
}
