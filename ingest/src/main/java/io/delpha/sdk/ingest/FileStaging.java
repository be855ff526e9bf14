package io.delpha.sdk.ingest;

import io.delpha.sdk.server.ServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Getting customers' files into staging, checked against their constraints: from a local folder, or
 * through the upload endpoint. A role of {@link BatchIngestor}. Thread-safe.
 */
public interface FileStaging {

  /**
   * Uploads every regular file of a client input directory, checking all before staging any.
   *
   * @param customerId the customer
   * @param password the password
   * @param clientInputDir the directory; hidden files are ignored
   * @return what was staged and what was refused, with reasons
   * @throws io.delpha.sdk.core.AuthenticationException for an unknown customer or a wrong password
   */
  FetchReport fetch(String customerId, String password, Path clientInputDir);

  /**
   * @param options address, TLS and limits
   * @return the running upload endpoint; close it to stop ({@link BatchIngestor} returns its {@link UploadServer})
   */
  UploadEndpoint uploadServer(ServerOptions options);

  /**
   * @param address a loopback address (plain HTTP); see {@link #uploadServer(ServerOptions)} otherwise
   * @return the running upload endpoint; close it to stop
   */
  default UploadEndpoint uploadServer(InetSocketAddress address) {
    return uploadServer(ServerOptions.on(address));
  }
}
