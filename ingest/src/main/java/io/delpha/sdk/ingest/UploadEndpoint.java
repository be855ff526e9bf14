package io.delpha.sdk.ingest;

import java.net.URI;

/**
 * A running upload endpoint, as {@link FileStaging#uploadServer} returns it: where clients send files ({@link
 * UploadClient#to(URI)}), and {@link #close()} to stop. {@link UploadServer} is the library's; a host's substitute
 * for {@link FileStaging} returns its own (a stub server in a test, say).
 */
public interface UploadEndpoint extends AutoCloseable {

  /**
   * @return the base URI, e.g. {@code http://127.0.0.1:41234/} ({@code https} with TLS)
   */
  URI uri();

  /** Stops listening; uploads never committed are dropped. Idempotent. */
  @Override
  void close();
}
