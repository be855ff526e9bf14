package io.delpha.sdk.cli;

import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.totesys.PipelineListener;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.ScheduledRun;
import io.delpha.sdk.totesys.SnsPipelineListener;
import io.delpha.sdk.totesys.TotesysPipeline;
import io.delpha.sdk.totesys.TotesysPipelineBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The totesys pipeline: PostgreSQL to a Parquet lake to a star schema, once, on a schedule, or its state. */
@Command(name = "totesys", mixinStandardHelpOptions = true,
    description = {"The incremental totesys ETL: source PostgreSQL -> ingestion zone (Parquet) -> processed zone "
        + "(star schema as Parquet) -> warehouse PostgreSQL.",
        "Databases come from JSON secrets {host, port, database, user, password}, read at each run."},
    subcommands = {TotesysCommand.Run.class, TotesysCommand.Schedule.class, TotesysCommand.Report.class})
final class TotesysCommand {

  /** Where the databases' secrets and the zones are. */
  static final class Options {
    @Mixin
    AwsOptions aws;

    @Option(names = "--source-secret", required = true, paramLabel = "NAME", description = "The source database's secret.")
    String sourceSecret;

    @Option(names = "--warehouse-secret", required = true, paramLabel = "NAME",
        description = "The warehouse database's secret.")
    String warehouseSecret;

    @Option(names = "--ingestion-zone", required = true, paramLabel = "DIR|s3://BUCKET", description = "Raw Parquet per table and run.")
    String ingestionZone;

    @Option(names = "--processed-zone", required = true, paramLabel = "DIR|s3://BUCKET",
        description = "The star schema as Parquet.")
    String processedZone;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these source tables.")
    List<String> tables;

    TotesysPipelineBuilder pipeline(List<AutoCloseable> toClose) {
      SecretProvider secrets = aws.secretProvider();
      if (secrets instanceof AutoCloseable c) {
        toClose.add(c);
      }
      ObjectStore ingestion = aws.store(ingestionZone);
      toClose.add(ingestion);
      ObjectStore processed = aws.store(processedZone);
      toClose.add(processed);
      TotesysPipelineBuilder b = TotesysPipeline.builder().sourceSecret(secrets, sourceSecret)
          .warehouseSecret(secrets, warehouseSecret).ingestionZone(ingestion).processedZone(processed);
      if (tables != null) {
        b.tables(tables.toArray(String[]::new));
      }
      return b;
    }
  }

  static void closeAll(List<AutoCloseable> all) {
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        LoggerFactory.getLogger(TotesysCommand.class).debug("close failed: {}", e.getMessage());
      }
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the pipeline once; exit 1 if it fails.",
      footer = {"", "Example:", "  delpha totesys run --secrets aws --source-secret totesys-db "
          + "--warehouse-secret warehouse-db --ingestion-zone s3://lake-raw --processed-zone s3://lake-processed"})
  static final class Run implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--json", description = "Print the run report as JSON.")
    boolean json;

    @Override
    public Integer call() {
      Usage.current(spec);
      List<AutoCloseable> toClose = new ArrayList<>();
      try {
        RunReport report = options.pipeline(toClose).listener(ProgressPrinter.forStderr()).build().run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + "\n" : report.toString());
        out.flush();
        return report.succeeded() ? Delpha.OK : Delpha.FAILURE;
      } finally {
        closeAll(toClose);
      }
    }
  }

  @Command(name = "schedule", mixinStandardHelpOptions = true,
      description = {"Run the pipeline every period until stopped (Ctrl-C or SIGTERM); a run never overlaps the "
          + "previous one.", "On a failed run: --alert-command runs with DELPHA_ALERT_MESSAGE and DELPHA_ALERT_REPORT "
          + "(JSON) in its environment, and --sns-topic receives the report."},
      footer = {"", "Example:", "  delpha totesys schedule --every 5m --alert-command 'logger -t totesys \"$DELPHA_ALERT_MESSAGE\"' ..."})
  static final class Schedule implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = "--every", required = true, paramLabel = "DURATION", converter = Durations.class,
        description = "The period, e.g. 5m.")
    Duration every;

    @Option(names = "--alert-command", paramLabel = "COMMAND", description = "A shell command run when a run fails.")
    String alertCommand;

    @Option(names = "--sns-topic", paramLabel = "ARN", description = "An SNS topic told when a run fails.")
    String snsTopic;

    @Override
    public Integer call() throws InterruptedException {
      Usage.current(spec);
      if (every.isZero() || every.isNegative()) {
        throw Usage.error("--every must be positive");
      }
      PrintWriter out = spec.commandLine().getOut();
      List<AutoCloseable> toClose = new ArrayList<>();
      try {
        TotesysPipelineBuilder b = options.pipeline(toClose).listener(new PipelineListener() {
          @Override
          public void onRunFinished(RunReport r) {
            out.printf("%s %s: %,d rows extracted, %,d loaded, in %d ms%s%n", r.startedAt(),
                r.succeeded() ? "succeeded" : "FAILED", r.totalRowsExtracted(), r.totalRowsLoaded(),
                r.totalDuration().toMillis(), r.failure().map(e -> ": " + e.getMessage()).orElse(""));
            out.flush();
            if (!r.succeeded() && alertCommand != null) {
              alert(r);
            }
          }
        });
        if (snsTopic != null) {
          SnsPipelineListener sns = options.aws.configure(SnsPipelineListener.builder()).topicArn(snsTopic).build();
          toClose.add(sns);
          b.listener(sns);
        }
        ScheduledRun run = b.build().schedule(every);
        out.println("totesys: running every " + every.toSeconds() + "s");
        out.flush();
        Services.awaitShutdown(List.of(run));
      } finally {
        closeAll(toClose);
      }
      return Delpha.OK;
    }

    private void alert(RunReport r) {
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", alertCommand).inheritIO();
      pb.environment().put("DELPHA_ALERT_MESSAGE", "totesys run of " + r.startedAt() + " failed: "
          + r.failure().map(Throwable::getMessage).orElse("unknown error"));
      pb.environment().put("DELPHA_ALERT_REPORT", r.toJson());
      try {
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          System.err.println("alert command did not finish within 60 s; stopped it");
        } else if (p.exitValue() != 0) {
          System.err.println("alert command exited with " + p.exitValue());
        }
      } catch (IOException e) {
        System.err.println("alert command could not start: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Print each source table's watermark: the last change extracted.")
  static final class Report implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Override
    public Integer call() {
      Usage.current(spec);
      List<AutoCloseable> toClose = new ArrayList<>();
      try {
        TotesysPipeline pipeline = options.pipeline(toClose).build();
        Map<String, LocalDateTime> marks = pipeline.watermarks();
        Table t = new Table("TABLE", "WATERMARK");
        for (String table : pipeline.tables()) {
          LocalDateTime at = marks.get(table);
          t.row(table, at == null ? "never extracted" : at.toString());
        }
        t.print(spec.commandLine().getOut());
      } finally {
        closeAll(toClose);
      }
      return Delpha.OK;
    }
  }
}
