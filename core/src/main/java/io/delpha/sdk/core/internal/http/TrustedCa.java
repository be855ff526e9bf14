package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.TlsException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An {@link SSLContext} for HTTP clients that trusts the CA certificates of one PEM file, and no other. */
public final class TrustedCa {

  private TrustedCa() {}

  /**
   * @param caPem PEM certificates of the CAs to trust
   * @return a TLS context trusting them (host names are checked by the HTTP client)
   * @throws TlsException if the file is missing or holds no certificate
   */
  public static SSLContext sslContext(Path caPem) {
    if (caPem == null || !Files.isReadable(caPem)) {
      throw new TlsException("CA certificate file " + caPem + " does not exist or is not readable");
    }
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new TlsException("no certificate in " + caPem);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (TlsException e) {
      throw e;
    } catch (Exception e) {
      throw new TlsException("could not read CA certificates from " + caPem + ": " + e.getClass().getSimpleName(), null);
    }
  }
}
