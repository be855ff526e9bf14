package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.docs.CliExamples;
import io.delpha.sdk.docs.CliExamples.Example;
import io.delpha.sdk.docs.MarkdownBlocks;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code delpha} examples of README.md and docs/cli.md, run as processes as an operator would type them, in one
 * working folder, against a Cassandra node of its own (so the default keyspaces, {@code delpha_security} and
 * {@code delpha_ingest}, start empty as on a new cluster). What the docs show as printed is compared with what the
 * command printed.
 *
 * <p>What is normalised, and nothing else: the node's address and data center (given to every command that takes
 * {@code --contact-point}); a port to listen on ({@code --bind HOST:0}) and the endpoint a client is given (the one
 * {@code ingest serve} printed); folders under {@code /srv/} (made under the working folder); a key id, a secret
 * shown once and a password (the doc's {@code 3f9c0e1a2b4d5e6f7a8b}, {@code dk_...}, {@code ...}: the values the
 * earlier commands printed or were given); the day of {@code keys audit} (today); transfer rates and an app's size in
 * bytes in the output; the replication factor of a {@code cqlsh} example (one node here). {@code cqlsh -e} examples
 * are run through the driver (cqlsh is not part of the harness). The world the dict examples assume (a keyspace
 * {@code shop} with a table {@code orders}) is made first. Examples that need a cloud service are listed in
 * {@link #NEEDS_CLOUD} with the reason; every other example must be run by a test here
 * ({@link #everyExampleIsRunOrNeedsACloud}).
 */
@Tag("process")
@DisplayName("the delpha examples of the docs run as written")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliDocsTest {

  /** Commands (the words after {@code delpha}) whose examples are not run: the service each one needs. */
  static final Map<String, String> NEEDS_CLOUD = Map.of(
      "totesys", "AWS Secrets Manager (--secrets aws), S3 buckets and SNS of an AWS account",
      "sharing", "a Delta Sharing server (Databricks; the profile open.share, DATABRICKS_HOST)",
      "salesforce", "a Salesforce org (credentials in AWS Secrets Manager)",
      "appflow", "Amazon AppFlow");

  static final List<Example> EXAMPLES = new ArrayList<>();
  static final Set<Example> RAN = new LinkedHashSet<>();

  static CassandraServer server;
  static CassandraManager cass;
  @TempDir
  static Path work;

  @BeforeAll
  static void start() throws Exception {
    for (Path doc : List.of(Path.of("README.md"), Path.of("docs/cli.md"))) {
      CliExamples.of(MarkdownBlocks.read(doc)).stream().filter(e -> e.isDelpha() || e.program().equals("cqlsh"))
          .forEach(EXAMPLES::add);
    }
    server = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
    Files.copy(TlsMaterial.shared().serverChainPem(), work.resolve("server.pem"));
    Files.copy(TlsMaterial.shared().serverKeyPem(), work.resolve("server.key"));
    Files.copy(Path.of("examples/ingest-apps/orders_app.py"), work.resolve("orders_app.py"));
  }

  @AfterAll
  static void stop() {
    if (cass != null) {
      cass.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("--help answers, and lists the commands README.md names")
  void helpAnswers() {
    for (Example e : examples("--help")) {
      CliProcess.Result r = expectOk(e, Map.of(), Map.of());
      assertThat(r.out()).contains("Usage: delpha");
    }
    Example top = examples("--help").stream().filter(e -> e.file().toString().equals("README.md")).findFirst()
        .orElseThrow();
    CliProcess.Result r = run(top, Map.of(), Map.of());
    for (String command : top.comment().split(",\\s*")) {
      assertThat(r.out()).as("README.md says --help lists %s", command).containsPattern("(?m)^\\s+" + command + "\\b");
    }
    Example keysIssue = examples("keys issue --help").get(0);
    assertThat(expectOk(keysIssue, Map.of(), Map.of()).out()).contains("Usage: delpha keys issue");
  }

  @Test
  @Order(2)
  @DisplayName("ingest: the customer's keyspace, the customer, fetch, serve, status and apps, as cli.md shows them")
  void ingestExamples() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Map<String, String> customer = Map.of("DELPHA_CUSTOMER_PASSWORD", password);
    Example add = examples("ingest customers add").get(0);
    CliProcess.Result tooEarly = run(add, customer, Map.of());
    assertThat(tooEarly.exitCode()).as(tooEarly.all()).isEqualTo(Delpha.FAILURE);
    assertThat(tooEarly.err()).as("before the CQL step").contains("error: keyspace 'customer1_ks' does not exist")
        .contains("Create the customer's keyspace, and a table for each file name it sends");
    for (Example e : examples("cqlsh")) {
      cql(e);
    }
    expectOk(add, customer, Map.of());
    CliProcess.Result listed = expectOk(examples("ingest customers list").get(0), Map.of(), Map.of());
    assertThat(listed.out()).contains("customer-1", "customer1_ks").doesNotContain(password).doesNotContain("pbkdf2");

    // fetch, as its session shows it, against a plain endpoint on loopback (http://127.0.0.1:PORT/)
    writeClientInput();
    Example fetch = examples("fetch").get(0);
    try (CliProcess endpoint = start(List.of("ingest", "serve", "--staging", work.resolve("srv/staging").toString(),
        "--bind", "127.0.0.1:0"))) {
      String url = endpoint.awaitLine("upload endpoint: (\\S+)", Duration.ofSeconds(90));
      compare(fetch, run(fetch, Map.of(), Map.of("...", password, "http://127.0.0.1:8080/", url)));
      ServerSupport.await("the endpoint's manager to ingest orders.csv", Duration.ofSeconds(60),
          () -> endpoint.err().contains("Ingestion of the file: orders.csv for customer-1"));
      endpoint.stop();
    }

    Example serve = examples("ingest serve").get(0);
    Pattern[] prints = servePrints();
    try (CliProcess p = CliProcess.start(Map.of(), work, args(serve, Map.of()).toArray(String[]::new))) {
      p.awaitLine(prints[0].pattern(), Duration.ofSeconds(90));
      p.awaitLine(prints[1].pattern(), Duration.ofSeconds(30));
      RAN.add(serve);
      CliProcess.Result stopped = p.stop();
      assertThat(stopped.exitCode()).as(stopped.all()).isIn(0, 143);
    }
    CliProcess.Result status = expectOk(examples("ingest status").get(0), Map.of(), Map.of());
    assertThat(status.out()).contains("customer-1 (customer1_ks): 0 waiting").contains("PROCESSED orders.csv");

    CliProcess.Result added = expectOk(examples("ingest apps add").get(0), Map.of(), Map.of());
    assertThat(normalised(added.out().strip())).isEqualTo(normalised(quoted("registered orders-py")));
    CliProcess.Result apps = expectOk(examples("ingest apps list").get(0), Map.of(), Map.of());
    assertThat(apps.out()).containsPattern("orders-py\\s+1\\s+yes\\s+python3 orders_app.py");
    Example remove = examples("ingest apps remove").get(0);
    compare(remove, run(remove, Map.of(), Map.of()));
  }

  @Test
  @Order(3)
  @DisplayName("keys: issued, the admin key issued and rotated, listed, revoked, audited and assigned")
  void keysExamples() {
    Map<String, String> values = new HashMap<>();
    CliProcess.Result issued = expectOk(examples("keys issue acme").get(0), Map.of(), values);
    String id = group("key id:\\s+(\\S+)", issued.out());
    String secret = group("secret:\\s+(\\S+)", issued.out());
    CliProcess.Result admin = expectOk(examples("keys issue --admin").get(0), Map.of(), values);
    String adminSecret = group("secret:\\s+(\\S+)", admin.out());
    values.put("dk_...", adminSecret);
    values.put("3f9c0e1a2b4d5e6f7a8b", id);
    values.put("2026-11-22", LocalDate.now(ZoneOffset.UTC).toString());
    CliProcess.Result rotated = expectOk(examples("keys rotate-admin").get(0), Map.of(), values);
    assertThat(rotated.out()).contains("new admin key id:");
    CliProcess.Result listed = expectOk(examples("keys list").get(0), Map.of(), values);
    assertThat(listed.out()).contains(id, "acme", "active").doesNotContain(secret).doesNotContain(adminSecret);
    expectOk(examples("keys revoke").get(0), Map.of(), values);
    CliProcess.Result audit = expectOk(examples("keys audit").get(0), Map.of(), values);
    assertThat(audit.out()).contains(id).doesNotContain(secret);
    expectOk(examples("keys assign").get(0), Map.of(), values);
  }

  @Test
  @Order(4)
  @DisplayName("dict: a keyspace exported as Markdown, the cluster as JSON, a table described, the export diffed")
  void dictExamples() throws Exception {
    cass.execute("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'SimpleStrategy', "
        + "'replication_factor': 1}");
    cass.execute("CREATE TABLE IF NOT EXISTS shop.orders (id int PRIMARY KEY, total decimal, placed timestamp)");
    expectOk(examples("dict export").get(0), Map.of(), Map.of());
    assertThat(Files.readString(work.resolve("shop.md"))).contains("`shop`", "orders", "decimal");
    expectOk(examples("dict export").get(1), Map.of(), Map.of());
    assertThat(Files.readString(work.resolve("cluster.json"))).contains("\"shop\"", "\"customer1_ks\"");
    CliProcess.Result described = expectOk(examples("dict describe").get(0), Map.of(), Map.of());
    assertThat(described.out()).startsWith("CREATE TABLE shop.orders (");
    CliProcess.Result diff = expectOk(examples("dict diff").get(0), Map.of(), Map.of());
    assertThat(diff.out().strip()).isEqualTo("no changes");
  }

  @Test
  @Order(5)
  @DisplayName("parquet: schema, head, cat and stats of the test files, and the refusals, as cli.md shows them")
  void parquetExamples() throws Exception {
    Path files = Path.of("integration-tests/src/test/resources/parquet-cli");
    Files.copy(files.resolve("duckdb_types.parquet"), work.resolve("duckdb_types.parquet"));
    Files.copy(files.resolve("pyarrow_types.parquet"), work.resolve("pyarrow_types.parquet"));
    Files.writeString(work.resolve("notes.parquet"), "id,name\n1,a\n");
    byte[] whole = Files.readAllBytes(work.resolve("duckdb_types.parquet"));
    Files.write(work.resolve("cut.parquet"), java.util.Arrays.copyOf(whole, 60_000));
    for (Example e : examples("parquet")) {
      String command = String.join(" ", e.args());
      CliProcess.Result r = run(e, Map.of(), Map.of());
      if (command.startsWith("parquet stats")) {
        // the doc shows row group 0 and notes the others: its lines are the output's first ones
        assertThat(r.exitCode()).as(r.all()).isZero();
        List<String> shown = e.out().stream().map(CliDocsTest::normalised).toList();
        assertThat(lines(r.out()).stream().filter(l -> !l.isBlank()).toList()).as("%s: %s", e.where(), e.text())
            .startsWith(shown.toArray(String[]::new));
      } else if (command.contains("--columns id,nope")) {
        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(lines(r.err())).as("%s: %s", e.where(), e.text())
            .contains(normalised(e.err().get(0)));
      } else {
        compare(e, r);
      }
    }
  }

  @Test
  @Order(6)
  @DisplayName("every example is run above, or needs a cloud service named with the reason")
  void everyExampleIsRunOrNeedsACloud() {
    List<String> missed = new ArrayList<>();
    for (Example e : EXAMPLES) {
      String command = String.join(" ", e.args());
      boolean cloud = e.isDelpha() && NEEDS_CLOUD.keySet().stream().anyMatch(c -> command.startsWith(c + " "));
      if (!cloud && !RAN.contains(e)) {
        missed.add(e.where() + ": " + e.text());
      }
    }
    assertThat(missed).as("examples neither run by CliDocsTest nor in NEEDS_CLOUD").isEmpty();
    assertThat(RAN).hasSizeGreaterThan(20);
  }

  /** The examples whose command (the words after the program) starts with {@code prefix}, in doc order. */
  static List<Example> examples(String prefix) {
    List<Example> found = EXAMPLES.stream().filter(e -> prefix.equals("cqlsh") ? e.program().equals("cqlsh")
        : e.isDelpha() && (String.join(" ", e.args()) + " ").startsWith(prefix + " ")).toList();
    assertThat(found).as("examples of '%s' in README.md and docs/cli.md", prefix).isNotEmpty();
    return found;
  }

  /** The command's words with the normalisations of the class comment; {@code values} replaces doc placeholders. */
  static List<String> args(Example e, Map<String, String> values) {
    List<String> args = new ArrayList<>();
    for (String a : e.args()) {
      args.add(values.getOrDefault(a, a.startsWith("/srv/") ? work.resolve(a.substring(1)).toString() : a));
    }
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--bind")) {
        args.set(i + 1, args.get(i + 1).replaceFirst(":\\d+$", ":0"));
      }
    }
    CommandLine cmd = Delpha.commandLine();
    for (String a : args) {
      if (!cmd.getSubcommands().containsKey(a)) {
        break;
      }
      cmd = cmd.getSubcommands().get(a);
    }
    if (cmd.getCommandSpec().findOption("--contact-point") != null && !args.contains("--help")) {
      set(args, "--contact-point", server.host() + ":" + server.port());
      set(args, "--local-dc", server.localDatacenter());
    }
    return args;
  }

  private static void set(List<String> args, String option, String value) {
    int at = args.indexOf(option);
    if (at >= 0) {
      args.set(at + 1, value);
      return;
    }
    int end = args.indexOf("--");
    args.addAll(end < 0 ? args.size() : end, List.of(option, value));
  }

  /**
   * @param e an example
   * @param env variables the doc says the command reads (the customer's password)
   * @param values the doc's placeholders and what they stand for here
   * @return what the command printed and returned
   */
  static CliProcess.Result run(Example e, Map<String, String> env, Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>(env);
    e.env().forEach((k, v) -> all.put(k, values.getOrDefault(v, v)));
    try (CliProcess p = CliProcess.start(all, work, args(e, values).toArray(String[]::new))) {
      RAN.add(e);
      return p.await(Duration.ofMinutes(3));
    }
  }

  /** A command the docs imply but do not show (the endpoint fetch talks to), on the test's node. */
  static CliProcess start(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--contact-point", server.host() + ":" + server.port(), "--local-dc", server.localDatacenter()));
    return CliProcess.start(Map.of(), work, all.toArray(String[]::new));
  }

  static CliProcess.Result expectOk(Example e, Map<String, String> env, Map<String, String> values) {
    CliProcess.Result r = run(e, env, values);
    assertThat(r.exitCode()).as("%s: %s%n%s", e.where(), e.text(), r.all()).isZero();
    return r;
  }

  /**
   * A session's command against what the doc shows: standard output line for line, the lines shown on standard error
   * in that order among the ones printed (progress lines come and go with timing), exit 1 when an {@code error:} is
   * shown and 0 otherwise.
   */
  static void compare(Example e, CliProcess.Result r) {
    boolean refused = e.err().stream().anyMatch(l -> l.startsWith("error: "));
    assertThat(r.exitCode()).as("%s: %s%n%s", e.where(), e.text(), r.all()).isEqualTo(refused ? Delpha.FAILURE
        : Delpha.OK);
    assertThat(lines(r.out())).as("%s: standard output of %s", e.where(), e.text())
        .containsExactlyElementsOf(e.out().stream().map(CliDocsTest::normalised).toList());
    List<String> err = lines(r.err());
    int from = 0;
    for (String expected : e.err()) {
      int at = err.subList(from, err.size()).indexOf(normalised(expected));
      assertThat(at).as("%s: '%s' on standard error (in order) of %s; it printed:%n%s", e.where(), expected, e.text(),
          r.err()).isGreaterThanOrEqualTo(0);
      from += at + 1;
    }
  }

  private static List<String> lines(String text) {
    return text.lines().map(CliDocsTest::normalised).toList();
  }

  /** Rates, and an app's size, are the machine's and the file's, not the command's. */
  static String normalised(String line) {
    return line.stripTrailing().replaceAll("\\d+(\\.\\d+)? (B|KiB|MiB|GiB)/s", "<rate>")
        .replaceAll("\\d+ bytes\\)", "<n> bytes)").replaceAll("\\s+", " ");
  }

  /** The text in backquotes of docs/cli.md that starts with {@code start}, on one line. */
  static String quoted(String start) throws Exception {
    String doc = Files.readString(Path.of("docs/cli.md")).replace('\n', ' ');
    Matcher m = Pattern.compile("`(" + Pattern.quote(start) + "[^`]*)`").matcher(doc);
    assertThat(m.find()).as("docs/cli.md quotes `%s...`", start).isTrue();
    return m.group(1).replaceAll("\\s+", " ");
  }

  /** What cli.md says serve prints ({@code upload endpoint: URL}, {@code manager NAME: watching STORE every 5s}). */
  static Pattern[] servePrints() throws Exception {
    String doc = Files.readString(Path.of("docs/cli.md")).replace('\n', ' ');
    Matcher m = Pattern.compile("`serve` prints `([^`]+)` and `([^`]+)`").matcher(doc);
    assertThat(m.find()).as("docs/cli.md says what serve prints").isTrue();
    return new Pattern[] {placeholders(m.group(1)), placeholders(m.group(2))};
  }

  private static Pattern placeholders(String shown) {
    StringBuilder regex = new StringBuilder("^");
    for (String word : shown.split(" ")) {
      regex.append(regex.length() > 1 ? " " : "").append(word.matches("[A-Z]+:?") ? "\\S+" + (word.endsWith(":")
          ? ":" : "") : Pattern.quote(word));
    }
    return Pattern.compile(regex.append('$').toString());
  }

  /** Runs the statements of {@code cqlsh -e "..."} through the driver, one node's replication for the cluster's. */
  private static void cql(Example e) {
    int at = e.args().indexOf("-e");
    assertThat(at).as("%s: cqlsh -e STATEMENTS", e.where()).isGreaterThanOrEqualTo(0);
    for (String statement : e.args().get(at + 1).split(";")) {
      if (!statement.isBlank()) {
        cass.execute(statement.strip().replaceAll("'datacenter1': \\d+", "'" + server.localDatacenter() + "': 1"));
      }
    }
    RAN.add(e);
  }

  /** {@code client-input-dir} as the fetch session has it: a 51.5 KiB orders.csv and a notes.txt. */
  private static void writeClientInput() throws Exception {
    Path input = Files.createDirectories(work.resolve("client-input-dir"));
    StringBuilder csv = new StringBuilder("id,customer,total\n");
    for (int i = 0; csv.length() < 52_700; i++) {
      csv.append(i).append(",\"Client, ").append(i).append("\",").append(i).append(".50\n");
    }
    Files.writeString(input.resolve("orders.csv"), csv);
    Files.writeString(input.resolve("notes.txt"), "not a csv file\n");
  }

  private static String group(String regex, String text) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as("'%s' in:%n%s", regex, text).isTrue();
    return m.group(1);
  }
}
