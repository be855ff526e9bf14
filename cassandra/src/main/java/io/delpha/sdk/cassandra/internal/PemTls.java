package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import io.delpha.sdk.core.TlsException;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * TLS from PEM files through Netty's {@link SslContextBuilder} (which the driver already ships), with
 * the JDK provider so the result is a plain {@link SSLContext}: no hand-written PEM parsing.
 */
public final class PemTls {

  private PemTls() {}

  /**
   * @param caPem the CA to trust, or {@code null} for the JDK's default trust store
   * @param certPem the client certificate chain for mutual TLS, or {@code null}
   * @param keyPem the client's PKCS#8 private key, or {@code null}
   * @return an engine factory that validates the server's certificate against the address dialled
   *     (no reverse DNS lookup)
   * @throws TlsException if a file is missing or unreadable
   */
  public static SslEngineFactory engineFactory(@Nullable Path caPem, @Nullable Path certPem,
      @Nullable Path keyPem) {
    requireReadable(caPem, "CA certificate");
    requireReadable(certPem, "client certificate");
    requireReadable(keyPem, "client key");
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      if (caPem != null) {
        b.trustManager(caPem.toFile());
      }
      if (certPem != null) {
        b.keyManager(certPem.toFile(), Objects.requireNonNull(keyPem, "a client certificate needs its key").toFile());
      }
      SslContext ctx = b.build();
      SSLContext jdk = ((JdkSslContext) ctx).context();
      return new ProgrammaticSslEngineFactory(jdk, null, true, false);
    } catch (Exception e) {
      // the message of a key parsing failure can quote the file name, never its content
      throw new TlsException("could not load TLS material (" + describe(caPem, certPem, keyPem) + "): "
          + e.getClass().getSimpleName(), null);
    }
  }

  private static void requireReadable(@Nullable Path p, String what) {
    if (p != null && !Files.isReadable(p)) {
      throw new TlsException(what + " file " + p + " does not exist or is not readable");
    }
  }

  private static String describe(@Nullable Path ca, @Nullable Path cert, @Nullable Path key) {
    return "ca=" + ca + ", certificate=" + cert + ", key=" + key;
  }
}
