package io.delpha.sdk.cli;

import io.delpha.sdk.aws.AWSManager;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.FlowRun;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.cassandra.CassandraManager;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** AppFlow flows landing Parquet in S3: start, await, latest, load into Cassandra. */
@Command(name = "appflow", mixinStandardHelpOptions = true,
    description = "Amazon AppFlow flows that land Parquet in S3: run them, wait for them, load their data into Cassandra.",
    subcommands = {AppFlowCommand.Start.class, AppFlowCommand.Await.class, AppFlowCommand.Latest.class,
        AppFlowCommand.Load.class})
final class AppFlowCommand {

  /** The AWS side of every appflow subcommand. */
  static final class Options {
    @Mixin
    AwsOptions aws;

    <T> T withManager(CommandSpec spec, Function<AWSManager, T> work) {
      Usage.current(spec);
      try (AWSManager m = aws.configure(AWSManager.builder()).s3EndpointOverride(aws.s3Endpoint).build()) {
        return work.apply(m);
      }
    }
  }

  static String describe(FlowExecution e) {
    return e.executionId() + " " + e.status() + ", " + e.recordsProcessed() + " records, " + e.bytesWritten()
        + " bytes written" + (e.errorMessage() == null ? "" : ": " + e.errorMessage());
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start an on-demand run of FLOW; prints its execution id.")
  static final class Start implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "FLOW")
    String flow;

    @Override
    public Integer call() {
      FlowRun run = options.withManager(spec, m -> m.startFlow(flow));
      PrintWriter out = spec.commandLine().getOut();
      out.println(run.executionId() != null ? run.executionId() : "started " + run.flowName() + " (" + run.status() + ")");
      out.flush();
      return Delpha.OK;
    }
  }

  @Command(name = "await", mixinStandardHelpOptions = true,
      description = "Wait for an execution of FLOW to finish; exit 1 if it did not succeed.")
  static final class Await implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "FLOW")
    String flow;

    @Parameters(index = "1", paramLabel = "EXECUTION_ID")
    String executionId;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = Durations.class,
        description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      FlowExecution e = options.withManager(spec, m -> m.awaitCompletion(flow, executionId, timeout));
      spec.commandLine().getOut().println(describe(e));
      spec.commandLine().getOut().flush();
      return e.status().name().equals("SUCCESSFUL") ? Delpha.OK : Delpha.FAILURE;
    }
  }

  @Command(name = "latest", mixinStandardHelpOptions = true, description = "Print FLOW's newest executions.")
  static final class Latest implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Parameters(index = "0", paramLabel = "FLOW")
    String flow;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "How many (default: ${DEFAULT-VALUE}).")
    int count;

    @Override
    public Integer call() {
      List<FlowExecution> all = options.withManager(spec, m -> m.executions(flow));
      PrintWriter out = spec.commandLine().getOut();
      all.stream().limit(Math.max(count, 0)).forEach(e -> out.println(describe(e)));
      if (all.isEmpty()) {
        out.println("no executions of " + flow);
      }
      out.flush();
      return Delpha.OK;
    }
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Load the Parquet data of FLOW's newest successful execution into a Cassandra table.",
      footer = {"", "Example:", "  delpha appflow load sf-accounts --keyspace crm --table accounts --primary-key Id "
          + "--contact-point db1:9042 --local-dc dc1"})
  static final class Load implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Mixin
    CassandraOptions cassandra;

    @Parameters(index = "0", paramLabel = "FLOW")
    String flow;

    @Option(names = "--keyspace", required = true, paramLabel = "KS")
    String keyspace;

    @Option(names = "--table", required = true, paramLabel = "TABLE")
    String table;

    @Option(names = "--primary-key", split = ",", paramLabel = "COLUMN",
        description = "Create the table if missing, with this primary key.")
    List<String> primaryKey;

    @Override
    public Integer call() {
      LoadOptions.Builder lo = LoadOptions.builder().listener(ProgressPrinter.forStderr());
      if (primaryKey != null) {
        lo.createTable(true).primaryKey(primaryKey.toArray(String[]::new));
      }
      LoadReport r;
      try (CassandraManager cass = cassandra.connect()) {
        r = options.withManager(spec, m -> m.loadIntoCassandra(flow, cass, keyspace, table, lo.build()));
      }
      spec.commandLine().getOut().printf("loaded %,d rows from %d files of %s into %s.%s in %d ms%n", r.rowsWritten(),
          r.files(), r.executionId(), r.keyspace(), r.table(), r.elapsed().toMillis());
      spec.commandLine().getOut().flush();
      return Delpha.OK;
    }
  }
}
