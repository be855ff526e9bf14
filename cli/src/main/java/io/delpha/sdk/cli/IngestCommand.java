package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.BatchIngestorBuilder;
import io.delpha.sdk.ingest.CustomerInfo;
import io.delpha.sdk.ingest.CustomerStatus;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestProgram;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.RegisteredApp;
import io.delpha.sdk.ingest.UploadServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Batch ingestion for the operator: the upload endpoint and manager, customers, status. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Batch ingestion of customers' files into their keyspaces (the operator's side).",
    subcommands = {IngestCommand.Serve.class, IngestCommand.Customers.class, IngestCommand.Apps.class,
        IngestCommand.Status.class})
final class IngestCommand {

  /** Where the registry, staging area and Cassandra are: every ingest subcommand takes them. */
  static final class Options {
    @Mixin
    CassandraOptions cassandra;

    @Mixin
    AwsOptions aws;

    @Option(names = "--staging", paramLabel = "DIR|s3://BUCKET", required = true,
        description = "The staging area shared by the upload endpoint and the managers.")
    String staging;

    @Option(names = "--registry-keyspace", paramLabel = "KS", defaultValue = "delpha_ingest",
        description = "The keyspace of the customers, leases and ingestion history (default: ${DEFAULT-VALUE}).")
    String registryKeyspace;

    BatchIngestorBuilder ingestor(CassandraManager cass, ObjectStore store) {
      return BatchIngestor.builder().cassandra(cass).staging(store).registry(registryKeyspace);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Run the upload endpoint and an ingest manager until stopped (Ctrl-C or SIGTERM).",
          "Customers upload with `delpha fetch`; the manager ingests each staged file once, even with several "
              + "managers sharing the staging area."},
      footer = {"", "Example:", "  delpha ingest serve --staging /srv/staging --bind 0.0.0.0:8443 "
          + "--tls-cert server.pem --tls-key server.key"})
  static final class Serve implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Mixin
    ServeOptions serve;

    @Option(names = "--no-upload", description = "Run the manager only (another process serves uploads).")
    boolean noUpload;

    @Option(names = "--no-manager", description = "Serve uploads only (other processes ingest).")
    boolean noManager;

    @Option(names = "--worker", paramLabel = "NAME", description = "This manager's name in leases and history "
        + "(default: host and process id).")
    String worker;

    @Option(names = "--allow-unisolated-apps", description = "Run customers' program apps even where they cannot be "
        + "isolated (no Linux namespaces): limits only, see docs/ingest-apps.md.")
    boolean allowUnisolatedApps;

    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
        description = "How often the manager lists the staging area (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Override
    public Integer call() throws InterruptedException {
      Usage.current(spec);
      if (noUpload && noManager) {
        throw Usage.error("--no-upload and --no-manager leave nothing to run");
      }
      ServerOptions serverOptions = serve.serverOptions();
      PrintWriter out = spec.commandLine().getOut();
      ProgressPrinter progress = ProgressPrinter.forStderr();
      try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging)) {
        BatchIngestorBuilder b = options.ingestor(cass, store).pollInterval(poll).listener(progress)
            .allowUnisolatedApps(allowUnisolatedApps);
        if (worker != null) {
          b.worker(worker);
        }
        try (BatchIngestor ingestor = b.build()) {
          List<AutoCloseable> running = new ArrayList<>();
          if (!noUpload) {
            UploadServer server = ingestor.uploadServer(serverOptions);
            running.add(server);
            out.println("upload endpoint: " + server.uri());
          }
          if (!noManager) {
            ingestor.start();
            out.println("manager " + ingestor.worker() + ": watching " + store.describe() + " every " + poll.toSeconds()
                + "s");
          }
          out.flush();
          Services.awaitShutdown(running);
        }
      }
      return Delpha.OK;
    }
  }

  @Command(name = "customers", mixinStandardHelpOptions = true, description = "Register and list customers.",
      subcommands = {Customers.Add.class, Customers.ListCustomers.class})
  static final class Customers {

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Register a customer (or replace its password, keyspace and constraints).",
        footer = {"", "Example:", "  DELPHA_CUSTOMER_PASSWORD=... delpha ingest customers add customer-1 "
            + "--keyspace customer1_ks --formats .csv --number-files 10 --max-file-kib 4096 --staging /srv/staging"})
    static final class Add implements Callable<Integer> {
      @Spec
      CommandSpec spec;

      @Mixin
      Options options;

      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "The customer id.")
      String id;

      @Option(names = "--keyspace", required = true, paramLabel = "KS", description = "Where its rows go.")
      String keyspace;

      @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
          description = "Its password: asked for when given without a value; else from DELPHA_CUSTOMER_PASSWORD, "
              + "else asked for.")
      char[] password;

      @Option(names = "--formats", split = ",", paramLabel = "EXT", defaultValue = ".csv",
          description = "File extensions it may send (default: ${DEFAULT-VALUE}).")
      List<String> formats;

      @Option(names = "--number-files", paramLabel = "N", defaultValue = "10",
          description = "Files per upload at most (default: ${DEFAULT-VALUE}).")
      int numberFiles;

      @Option(names = "--max-file-kib", paramLabel = "KIB", defaultValue = "4096",
          description = "Size of one file at most, in KiB (default: ${DEFAULT-VALUE}).")
      long maxFileKib;

      @Option(names = "--app", paramLabel = "NAME", defaultValue = "csv",
          description = "The ingest app that reads its files (default: ${DEFAULT-VALUE}).")
      String app;

      @Override
      public Integer call() {
        Usage.current(spec);
        IngestionConstraints constraints = new IngestionConstraints(new LinkedHashSet<>(formats), numberFiles,
            maxFileKib);
        String secret = Passwords.resolve(password, "DELPHA_CUSTOMER_PASSWORD", "password for " + id + ": ",
            "--password");
        try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
            BatchIngestor ingestor = options.ingestor(cass, store).build()) {
          ingestor.registerCustomer(id, secret, keyspace, constraints, app);
        }
        spec.commandLine().getOut().println("registered " + id + " -> " + keyspace + " (" + constraints.toJson() + ")");
        return Delpha.OK;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered customers.")
    static final class ListCustomers implements Callable<Integer> {
      @Spec
      CommandSpec spec;

      @Mixin
      Options options;

      @Override
      public Integer call() {
        Usage.current(spec);
        List<CustomerInfo> customers;
        try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
            BatchIngestor ingestor = options.ingestor(cass, store).build()) {
          customers = ingestor.customers();
        }
        Table t = new Table("CUSTOMER", "KEYSPACE", "APP", "FORMATS", "FILES", "MAX KIB");
        for (CustomerInfo c : customers) {
          t.row(c.id(), c.keyspace(), c.app(), String.join(",", c.constraints().formats()),
              String.valueOf(c.constraints().numberFiles()), String.valueOf(c.constraints().maxFileKib()));
        }
        t.print(spec.commandLine().getOut());
        return Delpha.OK;
      }
    }
  }

  @Command(name = "apps", mixinStandardHelpOptions = true,
      description = {"Customers' ingest apps: programs in any language, run sandboxed for each file (docs/ingest-apps.md)."},
      subcommands = {Apps.Add.class, Apps.ListApps.class, Apps.Remove.class})
  static final class Apps {

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Register a new version of a customer's app and read its next files with it.",
            "The command follows `--`; it runs in a folder holding the --file files, with the file on standard input."},
        footer = {"", "Example:", "  delpha ingest apps add customer-1 orders-parser --file app.py --staging /srv/staging "
            + "-- python3 app.py"})
    static final class Add implements Callable<Integer> {
      @Spec
      CommandSpec spec;

      @Mixin
      Options options;

      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "The customer id.")
      String customer;

      @Parameters(index = "1", paramLabel = "NAME", description = "The app's name.")
      String name;

      @Parameters(index = "2..*", arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
      List<String> command;

      @Option(names = "--file", paramLabel = "FILE", description = "A file the app needs (repeatable).")
      List<java.nio.file.Path> files = new ArrayList<>();

      @Override
      public Integer call() {
        Usage.current(spec);
        IngestProgram.Builder program = IngestProgram.builder(name).command(command.toArray(String[]::new));
        for (java.nio.file.Path f : files) {
          if (!java.nio.file.Files.isRegularFile(f)) {
            throw Usage.error("--file " + f + ": no such file");
          }
          program.file(f);
        }
        RegisteredApp app;
        try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
            BatchIngestor ingestor = options.ingestor(cass, store).build()) {
          app = ingestor.registerApp(customer, program.build());
        }
        spec.commandLine().getOut().println("registered " + app.name() + " v" + app.version() + " for " + customer
            + ": " + String.join(" ", app.command()) + " (" + app.files().size() + " file(s), " + app.bytes() + " bytes)");
        return Delpha.OK;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a customer's apps, every version.")
    static final class ListApps implements Callable<Integer> {
      @Spec
      CommandSpec spec;

      @Mixin
      Options options;

      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "The customer id.")
      String customer;

      @Override
      public Integer call() {
        Usage.current(spec);
        List<RegisteredApp> apps;
        String inUse;
        try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
            BatchIngestor ingestor = options.ingestor(cass, store).build()) {
          apps = ingestor.apps(customer);
          inUse = ingestor.customers().stream().filter(c -> c.id().equals(customer)).map(CustomerInfo::app)
              .findFirst().orElse("");
        }
        Table t = new Table("APP", "VERSION", "IN USE", "COMMAND", "FILES", "REGISTERED");
        boolean first = true;
        String last = null;
        for (RegisteredApp a : apps) {
          first = !a.name().equals(last);
          last = a.name();
          t.row(a.name(), String.valueOf(a.version()), first && a.name().equals(inUse) ? "yes" : "",
              String.join(" ", a.command()), String.join(",", a.files()), a.registeredAt().toString());
        }
        t.print(spec.commandLine().getOut());
        return Delpha.OK;
      }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove every version of a customer's app (not the one its files are read with).")
    static final class Remove implements Callable<Integer> {
      @Spec
      CommandSpec spec;

      @Mixin
      Options options;

      @Parameters(index = "0", paramLabel = "CUSTOMER", description = "The customer id.")
      String customer;

      @Parameters(index = "1", paramLabel = "NAME", description = "The app's name.")
      String name;

      @Override
      public Integer call() {
        Usage.current(spec);
        try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
            BatchIngestor ingestor = options.ingestor(cass, store).build()) {
          ingestor.removeApp(customer, name);
        }
        spec.commandLine().getOut().println("removed " + name + " of " + customer);
        return Delpha.OK;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Per customer: the files waiting in the staging area and the latest ingestions.")
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--recent", paramLabel = "N", defaultValue = "5",
        description = "Ingestions to show per customer (default: ${DEFAULT-VALUE}).")
    int recent;

    @Override
    public Integer call() {
      Usage.current(spec);
      if (recent < 0) {
        throw Usage.error("--recent must be >= 0");
      }
      List<CustomerStatus> status;
      try (CassandraManager cass = options.cassandra.connect(); ObjectStore store = options.aws.store(options.staging);
          BatchIngestor ingestor = options.ingestor(cass, store).build()) {
        status = ingestor.status(recent);
      }
      PrintWriter out = spec.commandLine().getOut();
      for (CustomerStatus s : status) {
        out.printf("%s (%s): %d waiting%s%n", s.customer().id(), s.customer().keyspace(), s.waiting().size(),
            s.waiting().isEmpty() ? "" : ": " + String.join(", ", s.waiting()));
        for (FileIngestion f : s.recent()) {
          out.printf("  %s %s %s: %,d rows, %,d rejected, by %s%s%n", f.finishedAt(), f.status(), f.fileName(),
              f.rowsIngested(), f.rowsRejected(), f.worker(), f.error() == null ? "" : " (" + f.error() + ")");
        }
      }
      if (status.isEmpty()) {
        out.println("no customers registered");
      }
      out.flush();
      return Delpha.OK;
    }
  }
}
