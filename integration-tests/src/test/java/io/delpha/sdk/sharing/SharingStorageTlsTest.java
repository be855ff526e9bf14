package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.TrustedCa;
import io.delpha.sdk.sharing.internal.DownloadSpace;
import io.delpha.sdk.sharing.internal.FileDownloader;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import io.delpha.sdk.sharing.internal.UrlRefresher;
import io.delpha.sdk.testing.HostilePeer;
import io.delpha.sdk.testing.TlsMaterial;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 48: storage's redirects are followed (they carry nothing of ours), but never from {@code https} to plain
 * {@code http}. In the {@code process} profile: the TLS material is made by the JDK's keytool, about a minute on a
 * loaded machine.
 */
@Tag("process")
class SharingStorageTlsTest {

  private HostilePeer other;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    other = HostilePeer.start();
  }

  @AfterEach
  void stop() {
    other.close();
  }

  @Test
  @DisplayName("storage's redirect from https to plain http is not followed: typed, and the http host gets nothing")
  void storageHttpsToHttpDowngrade() throws Exception {
    TlsMaterial tls = TlsMaterial.shared();
    char[] password = TlsMaterial.STORE_PASSWORD.toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.serverP12())) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.createContext("/f", ex -> {
      ex.getResponseHeaders().add("Location", other.uri("/file").toString());
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    other.on("GET", "/file", other.sized(200, "application/octet-stream", 12, 12));
    https.start();
    try {
      // the storage client as DeltaSharingClientBuilder makes it (Redirect.NEVER, redirects its own), trusting the test CA
      FileDownloader downloader = new FileDownloader(new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(5),
          HttpClient.Redirect.NEVER, TrustedCa.sslContext(tls.caPem())), "the table's storage",
          Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1))
          .maxDelay(Duration.ofMillis(2)).build())), Duration.ofSeconds(1), Clock.systemUTC(),
          ResponseLimits.defaults());
      FileAction f = new FileAction("file", "https://127.0.0.1:" + https.getAddress().getPort() + "/f?sig=1", "f1",
          Map.of(), 12, null, null, null);
      assertThatThrownBy(() -> downloader.open(f, new UrlRefresher(() -> List.of(f), "t"), "t",
          new DownloadSpace(1 << 20, 1, dir))).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("redirect").hasMessageContaining("302").hasMessageNotContaining("sig=1");
    } finally {
      https.stop(0);
    }
    assertThat(other.requests()).isEmpty();
  }
}
