package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.azure.AzureKeyVaultProvider;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.DeltaSharingProfile;
import io.delpha.sdk.sharing.QueryOptions;
import io.delpha.sdk.sharing.Share;
import io.delpha.sdk.sharing.SharedTable;
import io.delpha.sdk.usage.UsageAnalyticsServer;
import io.delpha.sdk.usage.UsageAnalyticsServerBuilder;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Delta Sharing: the seed-001 usage middleware as a service, and a reader of shared tables. */
@Command(name = "sharing", mixinStandardHelpOptions = true,
    description = "Delta Sharing: serve per-organisation usage analytics, list, read and query shared tables.",
    subcommands = {SharingCommand.Serve.class, SharingCommand.ListTables.class, SharingCommand.Read.class,
        SharingCommand.Sql.class})
final class SharingCommand {

  /** A sharing server from a profile file, or an endpoint and a bearer token. */
  static final class ClientOptions {
    @Option(names = "--profile", paramLabel = "FILE", description = "A Delta Sharing profile file (.share).")
    Path profile;

    @Option(names = "--endpoint", paramLabel = "URL", description = "The sharing server's endpoint (with a token "
        + "from DELPHA_SHARING_TOKEN).")
    URI endpoint;

    <T> T withClient(CommandSpec spec, Function<DeltaSharingClient, T> work) {
      Usage.current(spec);
      DeltaSharingClient client;
      if (profile != null) {
        client = DeltaSharingClient.fromProfile(profile);
      } else if (endpoint != null) {
        String token = System.getenv("DELPHA_SHARING_TOKEN");
        if (token == null || token.isEmpty()) {
          throw Usage.error("--endpoint needs the bearer token in DELPHA_SHARING_TOKEN");
        }
        client = DeltaSharingClient.builder().endpoint(endpoint).bearerToken(Secret.of(token)).build();
      } else {
        throw Usage.error("give --profile FILE or --endpoint URL");
      }
      try (client) {
        return work.apply(client);
      }
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Serve GET /api/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD to holders of access keys (Authorization: "
          + "Bearer <key>): each organisation sees its own rows of the usage table, until stopped.",
          "Configured as the seed middleware is, from the environment:",
          "  DATABRICKS_HOST           the sharing endpoint URL, or a Databricks host (then DATABRICKS_METASTORE_ID "
              + "is needed)",
          "  DATABRICKS_TOKEN_NAME     the secret holding the bearer token, or JSON {\"CLIENT_ID\", \"CLIENT_SECRET\"} "
              + "for OAuth client credentials",
          "  DELTASHARING_TABLES_NAME  the secret holding JSON {\"<logical name>\": \"<share>.<schema>.<table>\"}",
          "  KEY_VAULT_NAME            when set (and --secrets is not given), secrets come from Azure Key Vault "
              + "https://<KEY_VAULT_NAME>.vault.azure.net, signed in with Azure's default credential chain "
              + "(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or a managed identity)",
          "Otherwise secrets are read from --secrets (env, file:PATH or aws)."},
      footer = {"", "Example:", "  DATABRICKS_HOST=https://sharing.example/delta-sharing/ DATABRICKS_TOKEN_NAME=databricksToken "
          + "DELTASHARING_TABLES_NAME=databricksTablesNames delpha sharing serve --secrets file:secrets.json --bind 0.0.0.0:8443 "
          + "--tls-cert server.pem --tls-key server.key"})
  static final class Serve implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CassandraOptions cassandra;

    @Mixin
    AwsOptions aws;

    @Option(names = "--key-store", paramLabel = "KS", defaultValue = "delpha_security",
        description = "The access keys' keyspace (default: ${DEFAULT-VALUE}).")
    String keyStore;

    @Option(names = "--table-name", paramLabel = "NAME", defaultValue = "platform_aggregated_usage",
        description = "The logical name in the tables secret (default: ${DEFAULT-VALUE}).")
    String tableName;

    @Option(names = "--organisation-column", paramLabel = "COLUMN", defaultValue = "org_id",
        description = "The column holding the organisation (default: ${DEFAULT-VALUE}).")
    String organisationColumn;

    @Option(names = "--date-column", paramLabel = "COLUMN", defaultValue = "usage_date",
        description = "The column filtered by from/to (default: ${DEFAULT-VALUE}).")
    String dateColumn;

    @Option(names = "--feature-column", paramLabel = "COLUMN",
        description = "The column the usage page's per-feature chart groups by (default: none, no such chart).")
    String featureColumn;

    @Option(names = "--measure-column", paramLabel = "COLUMN",
        description = "The numeric column the usage page's charts sum (default: none, rows are counted).")
    String measureColumn;

    @Option(names = "--cache-dir", paramLabel = "DIR",
        description = "Where the usage page caches the table's files, one folder per organisation (default: "
            + "~/.cache/delpha/usage). The page needs DuckDB (org.duckdb:duckdb_jdbc), which this command includes.")
    Path cacheDir;

    @Option(names = "--no-page", description = "Serve the JSON usage endpoint only: no usage page, no DuckDB.")
    boolean noPage;

    @Mixin
    ServeOptions serve;

    @Override
    public Integer call() throws InterruptedException {
      Usage.current(spec);
      ServerOptions serverOptions = serve.serverOptions();
      String host = env("DATABRICKS_HOST");
      String tokenName = env("DATABRICKS_TOKEN_NAME");
      String tablesName = env("DELTASHARING_TABLES_NAME");
      SecretProvider secrets = secrets();
      Map<String, String> tables = secrets.json(tablesName);
      String table = tables.get(tableName);
      if (table == null) {
        throw new InvalidInputException("secret '" + tablesName + "' has no '" + tableName + "' entry; it names "
            + tables.keySet());
      }
      URI endpoint = endpoint(host);
      String tokenEndpoint = System.getenv("DATABRICKS_TOKEN_ENDPOINT");
      DeltaSharingClient client = DeltaSharingClient.builder().profile(DeltaSharingProfile.fromSecret(endpoint,
          secrets, tokenName, tokenEndpoint == null || tokenEndpoint.isBlank() ? null : URI.create(tokenEndpoint.trim())))
          .build();
      try (client; CassandraManager cass = cassandra.connect();
          AccessKeys keys = AccessKeys.on(cass).keyspace(keyStore).build()) {
        UsageAnalyticsServerBuilder builder = UsageAnalyticsServer.builder().client(client).table(table)
            .organisationColumn(organisationColumn).dateColumn(dateColumn).accessKeys(keys).options(serverOptions);
        if (!noPage) {
          builder.cacheDirectory(cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache",
              "delpha", "usage"));
          if (featureColumn != null) {
            builder.featureColumn(featureColumn);
          }
          if (measureColumn != null) {
            builder.measureColumn(measureColumn);
          }
        }
        UsageAnalyticsServer server = builder.build().start();
        PrintWriter out = spec.commandLine().getOut();
        out.println("usage analytics: " + server.uri().resolve(UsageAnalyticsServer.PATH) + " serving " + table);
        if (!noPage) {
          out.println("usage page: " + server.uri().resolve(UsageAnalyticsServer.PAGE_PATH));
        }
        out.flush();
        Services.awaitShutdown(List.of(server));
      }
      return Delpha.OK;
    }

    /** KEY_VAULT_NAME, as the seed middleware reads it, unless --secrets names another source. */
    private SecretProvider secrets() {
      String vault = System.getenv("KEY_VAULT_NAME");
      if (vault == null || vault.isBlank()) {
        return aws.secretProvider();
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--secrets")) {
        System.err.println("note: KEY_VAULT_NAME is set, but --secrets " + aws.secrets + " was given; secrets come "
            + "from there");
        return aws.secretProvider();
      }
      return AzureKeyVaultProvider.builder().vaultName(vault.trim()).build();
    }

    private static String env(String name) {
      String v = System.getenv(name);
      if (v == null || v.isBlank()) {
        throw Usage.error("the environment variable " + name + " is not set");
      }
      return v.trim();
    }

    private static URI endpoint(String host) {
      if (host.contains("://")) {
        return URI.create(host.endsWith("/") ? host : host + "/");
      }
      String metastore = System.getenv("DATABRICKS_METASTORE_ID");
      if (metastore == null || metastore.isBlank()) {
        throw Usage.error("DATABRICKS_HOST is a bare host: set DATABRICKS_METASTORE_ID too, or give the sharing "
            + "endpoint URL (a profile's \"endpoint\") in DATABRICKS_HOST");
      }
      return URI.create("https://" + host + "/api/2.0/delta-sharing/metastores/" + metastore.trim() + "/");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the shares, or the tables of SHARE as <share>.<schema>.<table>.")
  static final class ListTables implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHARE")
    String share;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      client.withClient(spec, c -> {
        if (share == null) {
          for (Share s : c.listShares()) {
            out.println(s.name());
          }
        } else {
          for (SharedTable t : c.listAllTables(share)) {
            out.println(t.coordinates());
          }
        }
        return null;
      });
      out.flush();
      return Delpha.OK;
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true, description = {"Print the rows of a shared table.",
      "Reads Databricks-shared tables with deletion vectors, column mapping and timestamp_ntz (the protocol's delta "
          + "response format) as well as plain ones; rows a deletion vector deletes are never printed."},
      footer = {"", "Example:", "  delpha sharing read analytics.platform.usage --profile open.share --limit 100 --format json"})
  static final class Read implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "SHARE.SCHEMA.TABLE")
    String table;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows.")
    Long limit;

    @Option(names = "--table-version", paramLabel = "V", description = "Read this version of the table.")
    Long version;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE}).")
    RecordPrinter.Format format;

    @Override
    public Integer call() {
      QueryOptions.Builder ro = QueryOptions.builder();
      if (limit != null) {
        if (limit < 0) {
          Usage.current(spec);
          throw Usage.error("--limit must be >= 0");
        }
        ro.limit(limit);
      }
      if (version != null) {
        ro.version(version);
      }
      long rows = client.withClient(spec, c -> {
        try (RowReader reader = c.readTable(table, ro.build());
            RecordPrinter w = new RecordPrinter(spec.commandLine().getOut(), format)) {
          w.columns(reader.schema().columns().stream().map(col -> col.name()).toList());
          long n = 0;
          while (reader.hasNext() && (limit == null || n < limit)) {
            Row r = reader.next();
            w.write(r.toMap());
            n++;
          }
          return n;
        }
      });
      System.err.println(rows + " rows");
      return Delpha.OK;
    }
  }

  @Command(name = "sql", mixinStandardHelpOptions = true,
      description = {"Run SQL (DuckDB's dialect) over shared tables: each --table is fetched into a local cache "
          + "(files already cached are not fetched again) and attached as a view named after the table, or VIEW=.",
          "The cache is one folder per profile (or endpoint) under ~/.cache/delpha/sharing unless --cache-dir is given.",
          "Tables with deletion vectors or column mapping (the delta response format) are cached without their deleted "
              + "rows and under their logical column names."},
      footer = {"", "Examples:",
          "  delpha sharing sql --profile open.share --table analytics.platform.usage "
              + "\"SELECT usage_date, sum(events) FROM usage GROUP BY 1 ORDER BY 1\"",
          "  delpha sharing sql --profile open.share --table u=analytics.platform.usage --format csv \"SELECT * FROM u\""})
  static final class Sql implements Callable<Integer> {
    /** Rows an aligned table holds; the other formats stream every row. */
    static final int TABLE_ROWS = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--table", required = true, paramLabel = "[VIEW=]SHARE.SCHEMA.TABLE",
        description = "A shared table to attach, as a view named after the table or VIEW (repeatable).")
    List<String> tables;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where files are cached (default: one folder "
        + "per profile or endpoint under ~/.cache/delpha/sharing).")
    Path cacheDir;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
        description = "table (aligned, at most " + TABLE_ROWS + " rows), csv or json (JSON lines) "
            + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
    String sql;

    @Override
    public Integer call() {
      Usage.current(spec);
      if (!List.of("table", "csv", "json").contains(format)) {
        throw Usage.error("--format is table, csv or json, not " + format);
      }
      Map<String, String> views = new java.util.LinkedHashMap<>();
      for (String t : tables) {
        int eq = t.indexOf('=');
        String table = eq < 0 ? t : t.substring(eq + 1);
        String view = eq < 0 ? SharedTable.parse(table).name() : t.substring(0, eq);
        if (views.put(view, table) != null) {
          throw Usage.error("two tables would be the view " + view + "; name them with VIEW=SHARE.SCHEMA.TABLE");
        }
      }
      Path cache = cacheDir != null ? cacheDir : defaultCache();
      PrintWriter out = spec.commandLine().getOut();
      long rows = client.withClient(spec, c -> {
        ProgressPrinter progress = ProgressPrinter.forStderr();
        try (io.delpha.sdk.sharing.SharingSql attached = io.delpha.sdk.sharing.SharingSql.builder().client(c)
            .cacheDirectory(cache).progress(progress).build()) {
          for (Map.Entry<String, String> v : views.entrySet()) {
            io.delpha.sdk.sharing.AttachedTable a = attached.attach(v.getValue(), v.getKey());
            System.err.println(a.table() + " v" + a.version() + " as " + a.view() + ": " + a.files() + " files, "
                + a.fetchedFiles() + " fetched (" + ProgressPrinter.amount(a.fetchedBytes(), "bytes") + ")");
          }
          return print(attached.connection(), out);
        }
      });
      System.err.println(rows + " rows");
      return Delpha.OK;
    }

    private Path defaultCache() {
      String key = client.profile != null ? "profile:" + client.profile.toAbsolutePath().normalize()
          : "endpoint:" + client.endpoint;
      String readable = (client.profile != null ? client.profile.getFileName().toString()
          : String.valueOf(client.endpoint.getHost())).replaceAll("[^A-Za-z0-9._-]", "_");
      try {
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
        return Path.of(System.getProperty("user.home"), ".cache", "delpha", "sharing", readable + "-" + hash);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    private long print(java.sql.Connection connection, PrintWriter out) {
      try (java.sql.Statement st = connection.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
          names.add(md.getColumnLabel(i));
        }
        long count = 0;
        if (format.equals("table")) {
          Table table = new Table(names.toArray(String[]::new));
          while (rs.next()) {
            if (count == TABLE_ROWS) {
              System.err.println("(the table shows the first " + TABLE_ROWS + " rows; --format csv or json prints all)");
              break;
            }
            String[] cells = new String[n];
            for (int i = 1; i <= n; i++) {
              Object v = value(rs.getObject(i));
              cells[i - 1] = v == null ? null : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
            }
            table.row(cells);
            count++;
          }
          table.print(out);
          return count;
        }
        try (RecordPrinter w = new RecordPrinter(out, RecordPrinter.Format.valueOf(format))) {
          w.columns(names);
          while (rs.next()) {
            Map<String, Object> record = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= n; i++) {
              record.put(names.get(i - 1), value(rs.getObject(i)));
            }
            w.write(record);
            count++;
          }
        }
        return count;
      } catch (java.sql.SQLException e) {
        throw new InvalidInputException("the query failed: " + e.getMessage(), e);
      }
    }

    /** JDBC's date and time classes as java.time values. */
    private static Object value(Object v) {
      if (v instanceof java.sql.Date d) {
        return d.toLocalDate();
      }
      if (v instanceof java.sql.Timestamp t) {
        return t.toLocalDateTime();
      }
      if (v instanceof java.sql.Time t) {
        return t.toLocalTime();
      }
      return v;
    }
  }
}
