package io.delpha.sdk.server;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key and certificate chain an embedded HTTP service presents for HTTPS: PEM files (a certificate
 * chain and a PKCS#8 private key) or a PKCS#12 key store. {@code toString()} names files, never the
 * password.
 *
 * <pre>{@code
 * ServerTls tls = ServerTls.pem(Path.of("server.pem"), Path.of("server.key"));
 * ServerTls tls = ServerTls.pkcs12(Path.of("server.p12"), Secret.of(System.getenv("P12_PASSWORD")));
 * }</pre>
 *
 * @param certificateChainPem PEM certificate chain (server first), or {@code null} for PKCS#12
 * @param privateKeyPem PEM PKCS#8 private key, or {@code null} for PKCS#12
 * @param pkcs12 PKCS#12 key store, or {@code null} for PEM
 * @param pkcs12Password the key store's password, or {@code null} for PEM
 */
public record ServerTls(@Nullable Path certificateChainPem, @Nullable Path privateKeyPem, @Nullable Path pkcs12, @Nullable Secret pkcs12Password) {

  /** Checks that exactly one form is given, whole. */
  public ServerTls {
    boolean pem = certificateChainPem != null && privateKeyPem != null;
    boolean p12 = pkcs12 != null && pkcs12Password != null;
    if (pem == p12 || (!pem && (certificateChainPem != null || privateKeyPem != null))
        || (!p12 && (pkcs12 != null || pkcs12Password != null))) {
      throw new InvalidInputException("server TLS takes either a PEM certificate chain and private key, or a "
          + "PKCS#12 file and its password");
    }
  }

  /**
   * @param certificateChainPem the certificate chain, PEM, server certificate first
   * @param privateKeyPem the private key, PEM PKCS#8 (unencrypted)
   * @return TLS from PEM files
   */
  public static ServerTls pem(Path certificateChainPem, Path privateKeyPem) {
    return new ServerTls(Objects.requireNonNull(certificateChainPem, "certificateChainPem"),
        Objects.requireNonNull(privateKeyPem, "privateKeyPem"), null, null);
  }

  /**
   * @param keyStore a PKCS#12 file with one private key entry and its chain
   * @param password its password
   * @return TLS from a PKCS#12 key store
   */
  public static ServerTls pkcs12(Path keyStore, Secret password) {
    return new ServerTls(null, null, Objects.requireNonNull(keyStore, "keyStore"),
        Objects.requireNonNull(password, "password"));
  }
}
