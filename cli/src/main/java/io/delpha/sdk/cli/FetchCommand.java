package io.delpha.sdk.cli;

import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.UploadClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The seed's {@code fetchdata -u USER -p PASSWORD [-d DIR]}: checks and uploads a customer's files. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Upload the files of a directory to the ingest server, as the customer USER.",
        "Each file is checked against the customer's constraints first; the passing ones are sent and staged "
            + "together. Prints one verdict per file."},
    footer = {"", "Example:", "  DELPHA_PASSWORD=... delpha fetch -u customer-1 -d client-input-dir "
        + "--server https://ingest.example:8443/"})
final class FetchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER", description = "The customer id.")
  String user;

  @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", arity = "0..1", interactive = true,
      description = "The customer's password: asked for when given without a value; else from DELPHA_PASSWORD, "
          + "else asked for. A value on the command line is visible to other users of the machine.")
  char[] password;

  @Option(names = {"-d", "--directory"}, paramLabel = "DIR", defaultValue = "client-input-dir",
      description = "The directory whose files are sent (default: ${DEFAULT-VALUE}).")
  Path directory;

  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:DELPHA_SERVER}",
      description = "The ingest server's URL (or DELPHA_SERVER).")
  URI server;

  @Option(names = "--ca-pem", paramLabel = "FILE", description = "Trust this CA (PEM) for an https server.")
  Path caPem;

  @Option(names = "--credentials-over-plain-http",
      description = "Send the password over plain http to a server that is not on loopback (a private network you "
          + "trust); refused without it.")
  boolean credentialsOverPlainHttp;

  @Option(names = "--strict", description = "Exit with 1 when any file is refused (default: 0 once the upload is done).")
  boolean strict;

  @Override
  public Integer call() {
    Usage.current(spec);
    if (server == null) {
      throw Usage.error("--server (or DELPHA_SERVER) is required");
    }
    if (!Files.isDirectory(directory)) {
      throw Usage.error("-d: " + directory + " is not a directory");
    }
    String secret = Passwords.resolve(password, "DELPHA_PASSWORD", "password for " + user + ": ", "-p");
    UploadClient.Builder builder = UploadClient.builder().endpoint(server)
        .responseLimits(l -> l.credentialsOverPlainHttp(credentialsOverPlainHttp));
    UploadClient client = (caPem != null ? builder.trustedCa(caPem) : builder).build();
    FetchReport report = client.fetch(user, secret, directory, ProgressPrinter.forStderr());
    var out = spec.commandLine().getOut();
    for (FetchReport.StagedFile f : report.accepted()) {
      out.printf("staged   %s (%s)%n", f.name(), ProgressPrinter.amount(f.sizeBytes(), "bytes"));
    }
    for (FetchReport.RejectedFile f : report.rejected()) {
      out.printf("refused  %s: %s%n", f.name(), f.reason());
    }
    out.printf("%d staged, %d refused%n", report.accepted().size(), report.rejected().size());
    out.flush();
    return strict && !report.rejected().isEmpty() ? Delpha.FAILURE : Delpha.OK;
  }
}
