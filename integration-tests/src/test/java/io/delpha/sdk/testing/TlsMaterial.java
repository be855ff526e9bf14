package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Test TLS material made with the JDK's keytool: a CA, a server certificate for IP 127.0.0.1 signed by
 * it (PKCS#12, and PEM chain + PKCS#8 key), a truststore with the CA, a client certificate and key as
 * PEM, and a second, unrelated CA for negative tests.
 */
public final class TlsMaterial {

  private static TlsMaterial shared;

  private final Path dir;

  private TlsMaterial(Path dir) {
    this.dir = dir;
  }

  /** The password of every key store made here (test material only). */
  public static final String STORE_PASSWORD = "delpha-test-store";

  /**
   * A CA, a server certificate for IP 127.0.0.1 signed by it (PKCS12 keystore), a truststore holding
   * the CA, a client certificate + PKCS#8 key as PEM, and a second, unrelated CA. Made with the JDK's
   * keytool: no PEM parsing anywhere.
   */
  /**
   * @param folder where to write the material
   * @param keytool the JDK's keytool
   * @return the material
   * @throws IOException when keytool fails
   */
  public static TlsMaterial generate(Path folder, Path keytool) throws IOException {
    Path tls = Files.createDirectories(folder);
    String pw = STORE_PASSWORD;
    keytool(keytool, "-genkeypair", "-alias", "ca", "-dname", "CN=delpha-test-ca", "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "30", "-ext", "bc:c", "-keystore", tls.resolve("ca.p12").toString(),
        "-storepass", pw, "-storetype", "PKCS12");
    Files.writeString(tls.resolve("ca.pem"), keytool(keytool, "-exportcert", "-rfc", "-alias", "ca",
        "-keystore", tls.resolve("ca.p12").toString(), "-storepass", pw));
    keytool(keytool, "-genkeypair", "-alias", "other", "-dname", "CN=untrusted-ca", "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "30", "-ext", "bc:c", "-keystore", tls.resolve("other.p12").toString(),
        "-storepass", pw, "-storetype", "PKCS12");
    Files.writeString(tls.resolve("other-ca.pem"), keytool(keytool, "-exportcert", "-rfc", "-alias", "other",
        "-keystore", tls.resolve("other.p12").toString(), "-storepass", pw));
    signedKeyPair(keytool, tls, "server", "CN=127.0.0.1", "san=ip:127.0.0.1");
    signedKeyPair(keytool, tls, "client", "CN=delpha-test-client", null);
    keytool(keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", tls.resolve("ca.pem").toString(),
        "-keystore", tls.resolve("truststore.p12").toString(), "-storepass", pw, "-storetype", "PKCS12");
    writeKeyPem(tls, "client");
    writeKeyPem(tls, "server");
    Files.writeString(tls.resolve("server-chain.pem"), Files.readString(tls.resolve("server.pem"))
        + Files.readString(tls.resolve("ca.pem")));
    return new TlsMaterial(tls);
  }

  /**
   * @return material for this JVM's tests, made once in the harness work folder
   */
  public static synchronized TlsMaterial shared() {
    if (shared == null) {
      try {
        shared = generate(ServerSupport.workDir("tls-" + java.util.UUID.randomUUID().toString().substring(0, 8)),
            Path.of(System.getProperty("java.home"), "bin", "keytool"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** @return the folder holding the files */
  public Path dir() {
    return dir;
  }

  /** @return the CA certificate, PEM */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** @return a second CA that signed nothing here, PEM */
  public Path otherCaPem() {
    return dir.resolve("other-ca.pem");
  }

  /** @return the server certificate (IP 127.0.0.1) followed by the CA, PEM */
  public Path serverChainPem() {
    return dir.resolve("server-chain.pem");
  }

  /** @return the server's private key, PKCS#8 PEM */
  public Path serverKeyPem() {
    return dir.resolve("server.key");
  }

  /** @return the server's key and chain, PKCS#12 with {@link #STORE_PASSWORD} */
  public Path serverP12() {
    return dir.resolve("server.p12");
  }

  /** @return a server TLS context presenting {@link #serverP12()} (a certificate for IP 127.0.0.1) */
  public SSLContext serverContext() {
    char[] password = STORE_PASSWORD.toCharArray();
    try (InputStream in = Files.newInputStream(serverP12())) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      return tls;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test server's key store", e);
    }
  }

  private static void signedKeyPair(Path keytool, Path tls, String alias, String dname, String san) throws IOException {
    String pw = STORE_PASSWORD;
    String store = tls.resolve(alias + ".p12").toString();
    keytool(keytool, "-genkeypair", "-alias", alias, "-dname", dname, "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "30", "-keystore", store, "-storepass", pw, "-storetype", "PKCS12");
    Path csr = tls.resolve(alias + ".csr");
    Files.writeString(csr, keytool(keytool, "-certreq", "-alias", alias, "-keystore", store, "-storepass", pw));
    List<String> gen = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
        tls.resolve("ca.p12").toString(), "-storepass", pw, "-infile", csr.toString(), "-validity", "30"));
    if (san != null) {
      gen.addAll(List.of("-ext", san));
    }
    Path cert = tls.resolve(alias + ".pem");
    Files.writeString(cert, keytool(keytool, gen.toArray(String[]::new)));
    keytool(keytool, "-importcert", "-noprompt", "-alias", "ca", "-file", tls.resolve("ca.pem").toString(),
        "-keystore", store, "-storepass", pw);
    keytool(keytool, "-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore", store,
        "-storepass", pw);
  }

  private static void writeKeyPem(Path tls, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(tls.resolve(alias + ".p12"))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, STORE_PASSWORD.toCharArray());
      byte[] pkcs8 = ks.getKey(alias, STORE_PASSWORD.toCharArray()).getEncoded();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
          + "\n-----END PRIVATE KEY-----\n";
      Files.writeString(tls.resolve(alias + ".key"), pem);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("could not export the " + alias + " key", e);
    }
  }

  private static String keytool(Path keytool, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(keytool.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
