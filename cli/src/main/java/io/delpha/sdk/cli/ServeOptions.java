package io.delpha.sdk.cli;

import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.server.ServerTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a service listens and with which certificate: the options every {@code serve} command shares. */
final class ServeOptions {

  @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Where the service listens (default: ${DEFAULT-VALUE}; plain HTTP only on loopback).")
  String bind;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key (PEM) of --tls-cert.")
  Path tlsKey;

  /**
   * Checks the options and turns them into the library's server options; call it before starting anything.
   *
   * @return the address and TLS material
   * @throws picocli.CommandLine.ParameterException (exit 2) if only one of the TLS files is given or the address
   *     is not HOST:PORT
   */
  ServerOptions serverOptions() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw Usage.error("--tls-cert and --tls-key go together");
    }
    ServerOptions.Builder so = ServerOptions.builder().address(HostPort.parse(bind, "--bind", 8080).address());
    if (tlsCert != null) {
      so.tls(ServerTls.pem(tlsCert, tlsKey));
    }
    return so.build();
  }
}
