package io.delpha.sdk.cli;

import io.delpha.sdk.core.DelphaException;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code delpha} command line: the library's programs for operators and customers, without writing
 * Java. Built by {@code mvn -B -q -Pcli package -DskipTests} into the executable {@code cli/target/delpha}.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILURE} the work failed (the typed error's message is
 * printed, a stack trace only with {@code --verbose}), {@value #USAGE} the command line is wrong. Secrets are
 * never printed, except the secret of a key just issued, once, on standard output. Data goes to standard
 * output; progress, logs and errors to standard error.
 */
@Command(name = "delpha", mixinStandardHelpOptions = true, versionProvider = Delpha.Version.class,
    description = "Move and guard data across Cassandra, Salesforce, AWS, PostgreSQL and Delta Sharing; look into "
        + "Parquet files.",
    subcommands = {FetchCommand.class, IngestCommand.class, KeysCommand.class, DictCommand.class,
        TotesysCommand.class, SharingCommand.class, SalesforceCommand.class, AppFlowCommand.class,
        ParquetCommand.class, CommandLine.HelpCommand.class})
public final class Delpha {

  /** Exit code of success. */
  public static final int OK = 0;
  /** Exit code of a failure of the work itself. */
  public static final int FAILURE = 1;
  /** Exit code of a wrong command line. */
  public static final int USAGE = 2;

  private static volatile boolean verbose;

  /**
   * @param on whether to print stack traces and the library's informational logs
   */
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces with errors and the library's informational logs.")
  void setVerbose(boolean on) {
    verbose = on;
    if (on) {
      System.setProperty("delpha.log.level", "INFO");
    }
  }

  static boolean verbose() {
    return verbose;
  }

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line in this JVM.
   *
   * @param args the arguments
   * @return the exit code
   */
  public static int run(String... args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/delpha/sdk/cli/logback-cli.xml");
    }
    for (String a : args) {
      if (a.equals("--verbose")) {
        System.setProperty("delpha.log.level", "INFO");
      }
    }
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Delpha());
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(Delpha::failed);
    cmd.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : FAILURE);
    return cmd;
  }

  private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof CommandLine.ParameterException p) {
      err.println("delpha: " + p.getMessage());
      p.getCommandLine().usage(err);
      return USAGE;
    }
    err.println("error: " + describe(e));
    if (verbose) {
      e.printStackTrace(err);
    } else if (!(e instanceof DelphaException)) {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return FAILURE;
  }

  /** The message an operator sees: a typed error's message as it is, anything else with its type. */
  static String describe(Throwable e) {
    if (e instanceof DelphaException) {
      return e.getMessage();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Delpha.class.getPackage().getImplementationVersion();
      return new String[] {"delpha " + (v == null ? "(development build)" : v) + ", Java "
          + System.getProperty("java.version") + " on " + System.getProperty("os.name").toLowerCase(Locale.ROOT)
          + "/" + System.getProperty("os.arch")};
    }
  }
}
