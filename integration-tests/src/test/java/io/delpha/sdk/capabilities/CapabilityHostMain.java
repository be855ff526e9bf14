package io.delpha.sdk.capabilities;

import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.MissingDependencyException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Compression;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.aws.AwsSecretsManagerProvider;
import io.delpha.sdk.azure.AzureKeyVaultProvider;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.UploadClient;
import io.delpha.sdk.ingest.UploadServer;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.usage.UsageAnalyticsServer;
import io.delpha.sdk.server.HttpService;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.SnsPipelineListener;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A host application that took the core and one capability's documented dependencies only (see {@code
 * CapabilitiesTest}): runs that capability's happy path against the real servers the parent started, and tries the
 * capabilities whose stacks it lacks, printing one line per step. The first argument names the capability.
 */
public final class CapabilityHostMain {

  private CapabilityHostMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "core" -> core(args[1], Integer.parseInt(args[2]), args[3]);
      case "parquet" -> parquet(Path.of(args[1]));
      case "aws-s3" -> s3(URI.create(args[1]), args[2], args[3], args[4]);
      case "http-server" -> httpServer(args[1], Integer.parseInt(args[2]), args[3], Path.of(args[4]));
      case "postgresql" -> totesys(args[1], args[2], Path.of(args[3]));
      case "aws-sns" -> sns(URI.create(args[1]), args[2]);
      case "aws-secrets-manager" -> secretsManager(URI.create(args[1]));
      case "aws-appflow" -> appflow(URI.create(args[1]), URI.create(args[2]), args[3], args[4], args[5]);
      case "salesforce" -> salesforce(args[1], args[2], args[3], args[4], args[5], args[6]);
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("DONE");
  }

  /** Cassandra, the data dictionary and access keys; every other capability refused with its coordinates. */
  static void core(String host, int port, String datacenter) throws Exception {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(host, port).localDatacenter(datacenter)
        .build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS core_host WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS core_host.readings (id int PRIMARY KEY, v text)");
      cass.execute("INSERT INTO core_host.readings (id, v) VALUES (?, ?)", 1, "one");
      System.out.println("ROWS " + cass.execute("SELECT * FROM core_host.readings").all().size());
      System.out.println("TABLES " + new DictionaryManager(cass).listTables("core_host"));
      AccessKeys keys = AccessKeys.on(cass).keyspace("core_host_security").build();
      IssuedKey key = keys.issue("core-org");
      System.out.println("AUTHENTICATED " + keys.authenticate(key.secret()).organisation());
      try {
        keys.authenticate("dk_" + "0".repeat(20) + "_" + "A".repeat(43));
      } catch (AccessDeniedException e) {
        System.out.println("DENIED");
      }
      everyKind();
      Path work = Files.createTempDirectory("core-host");
      Map<String, Callable<?>> uses = new LinkedHashMap<>();
      uses.put("ParquetRows", () -> ParquetRows.writer(work.resolve("a.parquet"),
          RowSchema.of(Column.required("id", ColumnType.INT)), WriteOptions.defaults()));
      uses.put("S3ObjectStore", () -> S3ObjectStore.builder().bucket("b").region("eu-west-2").build());
      uses.put("AwsSecretsManagerProvider", () -> AwsSecretsManagerProvider.builder().build());
      uses.put("AwsKmsClient", () -> io.delpha.sdk.aws.AwsKmsClient.builder().build());
      uses.put("AzureKeyVaultProvider", () -> AzureKeyVaultProvider.builder().build());
      uses.put("SnsPipelineListener", () -> SnsPipelineListener.builder().build());
      uses.put("AWSManager", () -> AWSManager.builder().build());
      uses.put("TotesysPipeline", () -> TotesysPipeline.builder().build());
      uses.put("SalesforceChangeStream", () -> io.delpha.sdk.changes.SalesforceChangeStream.builder().build());
      uses.put("DeltaSharingClient", () -> DeltaSharingClient.builder().build());
      uses.put("UsageAnalyticsServer", () -> UsageAnalyticsServer.builder().build());
      uses.put("HttpService", () -> HttpService.start("core-host", ServerOptions.builder().build(),
          List.of(new HttpService.Route("GET", "/ping", ex -> ex.respond(200, Map.of("ping", "pong")))),
          Metrics.none()));
      uses.put("BatchIngestor.uploadServer", () -> {
        try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
            .staging(LocalObjectStore.at(work.resolve("staging")))
            .registry("core_host_registry", "{'class': 'SimpleStrategy', 'replication_factor': 1}").build()) {
          return ingestor.uploadServer(new InetSocketAddress("127.0.0.1", 0));
        }
      });
      tryMissing(uses);
    }
  }

  /**
   * The row model needs no stack: a row holding a value of every scalar kind (and a list of them) is made, checked and
   * read on the core's class path alone. Prints how many scalar kinds it covered of how many there are.
   */
  static void everyKind() {
    Map<ColumnType, Object> samples = new LinkedHashMap<>();
    samples.put(ColumnType.BOOLEAN, true);
    samples.put(ColumnType.INT, 1);
    samples.put(ColumnType.LONG, 2L);
    samples.put(ColumnType.DOUBLE, 3.5);
    samples.put(ColumnType.decimal(5, 2), new java.math.BigDecimal("4.50"));
    samples.put(ColumnType.STRING, "five");
    samples.put(ColumnType.DATE, java.time.LocalDate.of(2024, 1, 6));
    samples.put(ColumnType.TIME, java.time.LocalTime.of(7, 0));
    samples.put(ColumnType.TIMESTAMP, java.time.Instant.parse("2024-01-08T00:00:00Z"));
    samples.put(ColumnType.LOCAL_TIMESTAMP, java.time.LocalDateTime.of(2024, 1, 9, 0, 0));
    samples.put(ColumnType.BYTES, new byte[] {10});
    samples.put(ColumnType.list(ColumnType.INT, false), List.of(11));
    samples.put(ColumnType.VARIANT, io.delpha.sdk.parquet.Variant.of(12L));
    List<Column> columns = new java.util.ArrayList<>();
    samples.keySet().forEach(t -> columns.add(Column.required("c" + columns.size(), t)));
    Row row = Row.of(new RowSchema(columns), samples.values().toArray());
    long covered = samples.keySet().stream().filter(t -> !t.kind().isNested()).map(ColumnType::kind).distinct().count();
    long scalars = java.util.Arrays.stream(ColumnType.Kind.values()).filter(k -> !k.isNested()).count();
    System.out.println("EVERY KIND " + covered + "/" + scalars + " " + row.getDecimal("c4") + " " + row.get("c11"));
  }

  /** Uses each capability whose stack this host lacks, printing the typed refusal (or what went wrong instead). */
  static void tryMissing(Map<String, Callable<?>> uses) throws Exception {
    for (Map.Entry<String, Callable<?>> use : uses.entrySet()) {
      try {
        use.getValue().call();
        System.out.println("UNEXPECTEDLY BUILT " + use.getKey());
      } catch (MissingDependencyException e) {
        System.out.println("MISSING " + use.getKey() + " " + e.capability() + " " + e.coordinates());
      } catch (LinkageError e) {
        System.out.println("LINKAGE " + use.getKey() + " " + e);
      }
    }
  }

  /** SNS: a failed run's report published to a topic; Secrets Manager, which this host lacks, refused. */
  static void sns(URI endpoint, String topic) throws Exception {
    try (SnsPipelineListener alerts = SnsPipelineListener.builder().topicArn(topic).region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .endpointOverride(endpoint).build()) {
      RunReport failed = new RunReport(java.time.Instant.parse("2024-11-15T10:00:00Z"), false,
          Map.of("sales_order", 3L), Map.of(), Map.of(), Map.of(), 1, Map.of(), RunReport.Step.LOAD,
          new io.delpha.sdk.core.ServiceUnavailableException("the warehouse went away"));
      System.out.println("PUBLISHED " + alerts.publish(failed));
    }
    tryMissing(Map.of("AwsSecretsManagerProvider", () -> AwsSecretsManagerProvider.builder().build()));
  }

  /** Secrets Manager: a string secret and a JSON secret read; SNS, which this host lacks, refused. */
  static void secretsManager(URI endpoint) throws Exception {
    try (AwsSecretsManagerProvider secrets = AwsSecretsManagerProvider.builder().region("eu-west-2")
        .credentials("AKIAIOSFODNN7EXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .endpointOverride(endpoint).build()) {
      System.out.println("SECRET LENGTH " + secrets.secret("salesforce-token").length());
      System.out.println("JSON FIELDS " + secrets.json("totesys-db").keySet());
    }
    tryMissing(Map.of("SnsPipelineListener", () -> SnsPipelineListener.builder().build()));
  }

  /** AppFlow: the newest successful run's Parquet files read from a real S3 server; SNS refused. */
  static void appflow(URI appflowEndpoint, URI s3Endpoint, String accessKey, String secretKey, String flow)
      throws Exception {
    try (AWSManager aws = AWSManager.builder().region("eu-west-1").credentials(accessKey, secretKey)
        .endpointOverride(appflowEndpoint).s3EndpointOverride(s3Endpoint).build();
        io.delpha.sdk.aws.FlowData data = aws.getFlowParquetData(flow)) {
      System.out.println("FLOW RUN " + data.execution().executionId() + " ROWS " + data.stream().count());
    }
    tryMissing(Map.of("SnsPipelineListener", () -> SnsPipelineListener.builder().build()));
  }

  /** Salesforce: a username-password login and a query over two pages; S3 and Parquet, which it lacks, refused. */
  static void salesforce(String loginUrl, String clientId, String clientSecret, String username, String password,
      String securityToken) throws Exception {
    try (SalesforceManager sf = SalesforceManager.builder().loginUrl(loginUrl).clientId(clientId)
        .clientSecret(clientSecret).username(username).password(password).securityToken(securityToken).build()) {
      System.out.println("QUERIED " + sf.query("SELECT Id, Name FROM Contact").size());
    }
    Path work = Files.createTempDirectory("salesforce-host");
    Map<String, Callable<?>> uses = new LinkedHashMap<>();
    uses.put("S3ObjectStore", () -> S3ObjectStore.builder().bucket("b").region("eu-west-2").build());
    uses.put("ParquetRows", () -> ParquetRows.writer(work.resolve("a.parquet"),
        RowSchema.of(Column.required("id", ColumnType.INT)), WriteOptions.defaults()));
    tryMissing(uses);
  }

  /** Parquet files in a local lake: every codec written and read back. */
  static void parquet(Path work) {
    RowSchema schema = RowSchema.of(Column.required("id", ColumnType.LONG), Column.nullable("name", ColumnType.STRING),
        Column.nullable("amount", ColumnType.decimal(12, 2)));
    LocalObjectStore lake = LocalObjectStore.at(work);
    for (Compression codec : Compression.values()) {
      List<Row> rows = new ArrayList<>();
      for (long i = 0; i < 1_000; i++) {
        rows.add(Row.of(schema, i, "n" + i, BigDecimal.valueOf(i, 2)));
      }
      ParquetRows.write(lake, codec + "/rows.parquet", schema, rows, new WriteOptions(codec, 1 << 20));
      long read = 0;
      BigDecimal sum = BigDecimal.ZERO;
      try (RowReader reader = ParquetRows.read(lake, codec + "/rows.parquet")) {
        while (reader.hasNext()) {
          sum = sum.add((BigDecimal) reader.next().get("amount"));
          read++;
        }
      }
      System.out.println("PARQUET " + codec + " " + read + " " + sum);
    }
  }

  /** An S3 bucket: put, list, get. */
  static void s3(URI endpoint, String accessKey, String secretKey, String bucket) throws Exception {
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).endpointOverride(endpoint).region("us-east-1")
        .credentials(accessKey, Secret.of(secretKey)).build()) {
      store.put("host/a.txt", "hello".getBytes(StandardCharsets.UTF_8));
      System.out.println("LISTED " + store.list("host/").toList());
      System.out.println("READ " + new String(store.getBytes("host/a.txt"), StandardCharsets.UTF_8));
    }
  }

  /** The upload endpoint (Jetty) in front of a batch ingestion into Cassandra. */
  static void httpServer(String host, int port, String datacenter, Path work) throws Exception {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(host, port).localDatacenter(datacenter)
        .build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS http_host WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS http_host.readings (id int PRIMARY KEY, v text)");
      Path in = Files.createDirectories(work.resolve("in"));
      Files.writeString(in.resolve("readings.csv"), "id,v\n1,one\n2,two\n3,three\nx,bad\n");
      try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
          .staging(LocalObjectStore.at(work.resolve("staging")))
          .registry("http_host_registry", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
          .passwordIterations(1_000).build();
          UploadServer server = ingestor.uploadServer(new InetSocketAddress("127.0.0.1", 0))) {
        ingestor.registerCustomer("http-host", "pw", "http_host",
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":2,\"data_sizes\":1024}"));
        FetchReport sent = UploadClient.to(server.uri()).fetch("http-host", "pw", in);
        System.out.println("UPLOADED " + sent.accepted().size());
        var file = ingestor.ingestPending().files().get(0);
        System.out.println("INGESTED " + file.rowsIngested() + " REJECTED " + file.rowsRejected());
      }
      // the server seam itself, with a route of the host's own
      try (HttpService own = HttpService.start("http-host", ServerOptions.builder().build(),
          List.of(new HttpService.Route("GET", "/ping/{who}", ex -> ex.respond(200, Map.of("pong", ex.param("who"))))),
          Metrics.none())) {
        var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            own.uri().resolve("ping/host")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        System.out.println("OWN ROUTE " + answer.statusCode() + " " + answer.body());
      }
      System.out.println("ROWS " + cass.execute("SELECT * FROM http_host.readings").all().size());
    }
  }

  /** The Totesys pipeline: PostgreSQL to a local Parquet lake to a PostgreSQL warehouse. */
  static void totesys(String sourceUrl, String warehouseUrl, Path lake) {
    try (TotesysPipeline pipeline = TotesysPipeline.builder().source(dataSource(sourceUrl))
        .ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(LocalObjectStore.at(lake.resolve("processed"))).warehouse(dataSource(warehouseUrl)).build()) {
      RunReport report = pipeline.run();
      System.out.println("RUN " + (report.succeeded() ? "SUCCEEDED" : "FAILED " + report.failure()) + " EXTRACTED "
          + report.totalRowsExtracted() + " LOADED " + report.totalRowsLoaded());
    }
  }

  private static PGSimpleDataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser("postgres");
    return ds;
  }
}
