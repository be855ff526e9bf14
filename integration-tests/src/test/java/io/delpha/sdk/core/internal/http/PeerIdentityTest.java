package io.delpha.sdk.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.delpha.sdk.azure.AzureKeyVaultProvider;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.ingest.UploadClient;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.salesforce.SalesforceManager;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.sharing.DeltaSharingProfile;
import io.delpha.sdk.sharing.SharingFixture;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.HostilePeer;
import io.delpha.sdk.testing.TlsMaterial;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import io.delpha.sdk.testing.JavaProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity, for every surface that takes a URL a peer or a host gives: where a credential goes is decided by the
 * address connected (loopback), never by a name's spelling; no request reaches a link-local or cloud metadata address
 * in any spelling, the storage's redirect hops included; and no JDK client the library builds can be talked into
 * HTTP/2 frames (no {@code h2c} upgrade).
 */
class PeerIdentityTest {

  private static final String TOKEN = "dapi-identity-0123456789";
  private static final String PREFIX = "/ds";
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String TABLE = PREFIX + "/shares/s/schemas/sc/tables/t";
  private static final String SCHEMA = SharingFixture.schemaString(List.of(new SharingFixture.Field("id", "long",
      false)));

  @TempDir
  Path dir;

  // ---- hostile hosts ----

  /** A host as a URL's authority spells it, and whether this machine resolves it to a refused address. */
  record Hostile(String host, boolean resolvesToRefused, boolean localhostName) {
    URI uri(String scheme, int port, String pathAndQuery) {
      return URI.create(scheme + "://" + host + ":" + port + pathAndQuery);
    }
  }

  /** A link-local, metadata, unspecified or multicast address in one of the spellings a URL and a resolver take. */
  static Hostile refusedAddress(Random random) {
    String host;
    if (random.nextInt(4) == 0) {
      String v6 = HostileAnswers.pick(random, "fe80::" + Integer.toHexString(1 + random.nextInt(0xfffe)),
          "fd00:ec2::254", "::", "ff02::1", "fe80:0:0:0:0:0:0:" + Integer.toHexString(1 + random.nextInt(0xfffe)));
      host = "[" + (random.nextBoolean() ? v6.toUpperCase(java.util.Locale.ROOT) : v6) + "]";
    } else {
      int[] a = HostileAnswers.pick(random, new int[] {169, 254, 169, 254},
          new int[] {169, 254, random.nextInt(256), random.nextInt(256)}, new int[] {100, 100, 100, 200},
          new int[] {192, 0, 0, 192}, new int[] {0, 0, 0, 0}, new int[] {224, 0, 0, random.nextInt(256)});
      long n = ((long) a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
      String dotted = a[0] + "." + a[1] + "." + a[2] + "." + a[3];
      host = switch (random.nextInt(9)) {
        case 0 -> dotted;
        case 1 -> Long.toString(n);
        case 2 -> "0" + Integer.toOctalString(a[0]) + ".0" + Integer.toOctalString(a[1]) + ".0"
            + Integer.toOctalString(a[2]) + ".0" + Integer.toOctalString(a[3]);
        case 3 -> "0x" + Long.toHexString(n);
        case 4 -> dotted + ".";
        case 5 -> "[::ffff:" + dotted + "]";
        case 6 -> "[::ffff:" + Integer.toHexString(a[0] << 8 | a[1]) + ":" + Integer.toHexString(a[2] << 8 | a[3]) + "]";
        case 7 -> "[::" + dotted + "]";
        default -> "[64:ff9b::" + dotted + "]";
      };
    }
    return new Hostile(host, resolvesToRefused(host), false);
  }

  /** A name spelt like loopback that a resolver other than the hosts file answers: a peer's DNS decides. */
  static Hostile localhostName(Random random) {
    String label = "x" + Long.toHexString(random.nextLong() & 0xffffffL);
    String host = HostileAnswers.pick(random, label + ".attacker.localhost", label + ".localhost", "localhost.",
        "LOCALHOST." + label + ".localhost", "localhost.attacker.test", "127.0.0.1." + label + ".test", "127.1",
        "0177.0.0.1");
    return new Hostile(host, resolvesToRefused(host), true);
  }

  private static boolean resolvesToRefused(String host) {
    try {
      String h = new URI("http://" + host + "/").getHost();
      return h != null && Arrays.stream(InetAddress.getAllByName(h)).anyMatch(a -> Peers.refusedAddress(a) != null);
    } catch (URISyntaxException | UnknownHostException | IllegalArgumentException e) {
      return false;
    }
  }

  // ---- the decisions ----

  @Test
  @DisplayName("loopback is the address: IP literals of loopback and localhost (resolving to loopback) only, never a "
      + "name that merely looks like it")
  void loopbackIsDecidedByAddress() throws Exception {
    for (String loopback : List.of("localhost", "LocalHost", "127.0.0.1", "127.3.2.1", "[::1]", "::1",
        "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]")) {
      assertThat(Peers.isLoopback(loopback)).as(loopback).isTrue();
    }
    assertThat(InetAddress.getAllByName("localhost")).allMatch(InetAddress::isLoopbackAddress);
    HostileAnswers.run(getClass(), "loopbackIsDecidedByAddress", "identity.loopback.seed", "identity.loopback.count",
        200, random -> {
          Hostile h = random.nextBoolean() ? localhostName(random) : refusedAddress(random);
          assertThat(Peers.isLoopback(h.host())).as(h.host()).isFalse();
          if (h.uri("http", 8080, "/x").getHost() == null) {
            return; // no client can send to a URL without a host
          }
          java.net.http.HttpRequest withToken = HttpCaller.request(h.uri("http", 8080, "/x"), Duration.ofSeconds(1))
              .header("Authorization", "Bearer " + TOKEN).build();
          assertThat(catchThrowable(() -> Peers.check(withToken, false, "t")))
              .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
                assertThat(e.limit()).isEqualTo("credentialsOverPlainHttp");
                assertThat(e.getMessage()).doesNotContain(TOKEN);
              });
        });
  }

  @Test
  @DisplayName("every refused address is refused by its address: link-local, metadata, unspecified, multicast, "
      + "IPv4 embedded in IPv6; public, private and loopback addresses are not")
  void refusedAddressesByKind() throws Exception {
    for (String refused : List.of("169.254.169.254", "169.254.0.1", "169.254.255.255", "fe80::1", "febf::1",
        "fd00:ec2::254", "100.100.100.200", "192.0.0.192", "0.0.0.0", "::", "224.0.0.1", "ff02::1",
        "::ffff:169.254.169.254", "::169.254.169.254", "64:ff9b::169.254.169.254")) {
      assertThat(Peers.refusedAddress(InetAddress.getByName(refused))).as(refused).isNotNull();
    }
    for (String allowed : List.of("127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "172.16.0.1", "100.100.100.201",
        "8.8.8.8", "2001:db8::1", "fd00:ec2::253", "169.253.255.255", "169.255.0.0", "::ffff:8.8.8.8")) {
      assertThat(Peers.refusedAddress(InetAddress.getByName(allowed))).as(allowed).isNull();
    }
  }

  // ---- every surface ----

  enum Surface {
    SHARING_ENDPOINT, TOKEN_ENDPOINT, STORAGE_URL, STORAGE_REDIRECT, UPLOAD_ENDPOINT, SALESFORCE_LOGIN,
    SALESFORCE_INSTANCE, AZURE_VAULT, AZURE_AUTHORITY;

    /** Azure's endpoints are https only: a name spelt like loopback gains nothing there. */
    boolean httpsOnly() {
      return this == AZURE_VAULT || this == AZURE_AUTHORITY;
    }
  }

  @Test
  @DisplayName("every surface that takes a URL refuses a hostile host, typed, before anything is sent to it: "
      + "loopback-looking names get no credential over plain http, refused addresses no request in any spelling")
  void everySurfaceRefusesAHostileHost() {
    HostileAnswers.run(getClass(), "everySurfaceRefusesAHostileHost", "identity.surface.seed",
        "identity.surface.count", 60, random -> {
          Surface surface = HostileAnswers.pick(random, Surface.values());
          Hostile hostile = !surface.httpsOnly() && random.nextBoolean() ? localhostName(random)
              : refusedAddress(random);
          try (HostilePeer peer = surface.httpsOnly() ? HostilePeer.startHttps(TlsMaterial.shared().serverContext())
              : HostilePeer.start(); HostilePeer storage = HostilePeer.start()) {
            Throwable thrown = catchThrowable(() -> attack(surface, hostile, peer, storage, random));
            String as = surface + " with " + hostile.host();
            assertThat(thrown).as(as).isInstanceOf(DelphaException.class);
            assertThat(thrown.toString()).as(as).doesNotContain(TOKEN);
            if (hostile.resolvesToRefused()) {
              assertThat(thrown).as(as + ": refused before a connection was tried")
                  .isNotInstanceOf(ServiceUnavailableException.class);
            }
            if (hostile.localhostName()) {
              assertThat(thrown).as(as + ": refused before a connection was tried")
                  .isNotInstanceOf(ServiceUnavailableException.class);
            }
            if (surface == Surface.STORAGE_REDIRECT && !(thrown instanceof ServiceUnavailableException)) {
              assertThat(storage.requests()).as(as + ": the redirect was asked for once, not retried").hasSize(1);
            } else if (surface == Surface.STORAGE_REDIRECT) { // a name that resolves nowhere here: retried as unreachable
              assertThat(storage.requests()).as(as + ": within the retries").hasSizeBetween(1, 2);
            }
            for (HostilePeer p : List.of(peer, storage)) {
              assertThat(p.requests()).as(as).allSatisfy(r -> assertThat(r.target() + r.headers() + r.bodyText())
                  .doesNotContain("steal"));
            }
          }
        });
  }

  private void attack(Surface surface, Hostile hostile, HostilePeer peer, HostilePeer storage, Random random)
      throws Exception {
    // a refused address is tried with https or an allowed plain http, so the credential check does not mask it
    boolean plain = hostile.localhostName() || random.nextBoolean();
    String scheme = plain ? "http" : "https";
    ResponseLimits limits = ResponseLimits.builder().credentialsOverPlainHttp(plain && !hostile.localhostName())
        .build();
    URI target = hostile.uri(scheme, 1 + random.nextInt(65535), "/steal?X-Amz-Signature=abc");
    switch (surface) {
      case SHARING_ENDPOINT -> {
        try (DeltaSharingClient c = sharing(hostile.uri(scheme, 9, PREFIX + "/steal/"), limits)) {
          c.listShares();
        }
      }
      case TOKEN_ENDPOINT -> {
        DeltaSharingProfile profile = DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": "
            + "\"oauth_client_credentials\", \"endpoint\": \"" + peer.uri(PREFIX + "/") + "\", \"tokenEndpoint\": \""
            + target + "\", \"clientId\": \"c\", \"clientSecret\": \"" + TOKEN + "\"}", "a profile");
        try (DeltaSharingClient c = DeltaSharingClient.builder().profile(profile).responseLimits(limits)
            .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
            .build()) {
          c.listShares();
        }
      }
      case STORAGE_URL, STORAGE_REDIRECT -> {
        URI file = surface == Surface.STORAGE_URL ? target : storage.uri("/f0?X-Amz-Signature=abc");
        storage.on("GET", "/f0", HostilePeer.redirect(HostileAnswers.pick(random, 301, 302, 303, 307, 308),
            target.toString()));
        byte[] answer = SharingFixture.ndjson(List.of(SharingFixture.protocolLine(),
            SharingFixture.metadataLine(SCHEMA, List.of()),
            SharingFixture.fileLine("file", file.toString(), "f0", Map.of(), 1234, null, null, null, null)))
            .getBytes(StandardCharsets.UTF_8);
        peer.on("POST", TABLE + "/query", (request, out) -> {
          HostilePeer.head(out, 200, Map.of("Content-Type", "application/x-ndjson", "Delta-Table-Version", "1",
              "Content-Length", String.valueOf(answer.length)));
          out.write(answer);
        });
        try (DeltaSharingClient c = sharing(peer.uri(PREFIX), limits); RowReader r = c.readTable("s.sc.t")) {
          while (r.hasNext()) {
            r.next();
          }
        }
      }
      case UPLOAD_ENDPOINT -> {
        Path in = Files.createDirectories(dir.resolve("in" + random.nextInt()));
        UploadClient.builder().endpoint(hostile.uri(scheme, 9, "/steal/")).responseLimits(limits)
            .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
            .build().fetch("customer", TOKEN, in);
      }
      case SALESFORCE_LOGIN -> salesforce(hostile.uri(scheme, 9, "").toString(), limits).close();
      case SALESFORCE_INSTANCE -> {
        peer.on("POST", "/services/oauth2/token", HostilePeer.json(200, "{\"access_token\":\"" + TOKEN
            + "\",\"instance_url\":\"" + hostile.uri(scheme, peer.port(), "") + "\",\"token_type\":\"Bearer\"}"));
        salesforce(peer.uri("").toString(), limits).close();
      }
      case AZURE_VAULT -> azure(hostile.uri("https", 443, "/"), peer.uri("")).secret("s");
      case AZURE_AUTHORITY -> {
        String challenge = "Bearer authorization=\"" + hostile.uri("https", 443, "/" + TENANT)
            + "\", resource=\"https://vault.azure.net\"";
        peer.on("GET", "/secrets/", (request, out) -> {
          HostilePeer.head(out, 401, Map.of("WWW-Authenticate", challenge, "Content-Length", "0"));
        });
        try {
          azure(peer.uri(""), hostile.uri("https", 443, "")).secret("s");
        } finally {
          assertThat(peer.requests()).as("the vault is asked without a token only")
              .allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
        }
      }
      default -> throw new IllegalStateException(surface.toString());
    }
  }

  private static AzureKeyVaultProvider azure(URI vault, URI authority) {
    return AzureKeyVaultProvider.builder().vaultUrl(vault).clientSecret(TENANT, "client", Secret.of(TOKEN))
        .authorityHost(authority).trustedCa(TlsMaterial.shared().caPem()).verifyChallengeResource(false)
        .retry(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))
            .build()).build();
  }

  private static DeltaSharingClient sharing(URI endpoint, ResponseLimits limits) {
    return DeltaSharingClient.builder().endpoint(endpoint).bearerToken(Secret.of(TOKEN)).responseLimits(limits)
        .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))).build();
  }

  private static SalesforceManager salesforce(String loginUrl, ResponseLimits limits) {
    return SalesforceManager.builder().loginUrl(loginUrl).clientId("client").clientSecret("secret")
        .username("user@example.com").password(TOKEN).securityToken("tok").responseLimits(limits)
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(2)).build())
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  @Test
  @Tag("process")
  @DisplayName("names are judged by what they resolve to: x.attacker.localhost resolving to this machine's "
      + "non-loopback address gets no credential over plain http, a name resolving to 169.254.169.254 no request")
  void namesAreJudgedByWhatTheyResolveTo() throws Exception {
    InetAddress elsewhere = nonLoopbackAddress();
    assertThat(elsewhere).as("a non-loopback IPv4 address of this machine, to stand for the other host (the test needs "
        + "one: it does not skip)").isNotNull();
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n" + elsewhere.getHostAddress() + " x.attacker.localhost\n"
        + "169.254.169.254 meta.attacker.test\n");
    try (HostilePeer thief = HostilePeer.startOn(elsewhere)) {
      thief.on("GET", "/", HostilePeer.body(200, "text/plain", "ok"));
      try (JavaProcess child = JavaProcess.start(PeerIdentityChild.class,
          List.of("-Xmx128m", "-Djdk.net.hosts.file=" + hosts), String.valueOf(thief.port()))) {
        assertThat(child.awaitLine(l -> l.startsWith("RESOLVES"), Duration.ofSeconds(60)))
            .contains(elsewhere.getHostAddress()).doesNotContain("127.");
        assertThat(child.awaitLine(l -> l.startsWith("CONTROL"), Duration.ofSeconds(60))).isEqualTo("CONTROL 200");
        assertThat(child.awaitLine(l -> l.startsWith("SHARING"), Duration.ofSeconds(60)))
            .isEqualTo("SHARING InvalidInputException -");
        assertThat(child.awaitLine(l -> l.startsWith("SALESFORCE"), Duration.ofSeconds(60)))
            .isEqualTo("SALESFORCE InvalidInputException -");
        assertThat(child.awaitLine(l -> l.startsWith("STORAGE "), Duration.ofSeconds(60)))
            .isEqualTo("STORAGE ResponseLimitException linkLocalAddresses");
        assertThat(child.awaitLine(l -> l.startsWith("STORAGE_HTTPS"), Duration.ofSeconds(60)))
            .isEqualTo("STORAGE_HTTPS ResponseLimitException linkLocalAddresses");
        assertThat(child.awaitExit(Duration.ofSeconds(60))).isZero();
      }
      assertThat(thief.requests()).as("only the control request, without a credential, reached the other host")
          .extracting(HostilePeer.Request::target).containsExactly("/control");
      assertThat(thief.requests().get(0).header("Authorization")).isNull();
    }
  }

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      if (nif.isUp() && !nif.isLoopback()) {
        for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    }
    return null;
  }

  @Test
  @DisplayName("a host that needs a link-local address allows it with linkLocalAddresses(true); the default refuses it")
  void linkLocalAddressesIsTheHostsSetting() {
    assertThat(ResponseLimits.defaults().linkLocalAddresses()).isFalse();
    URI metadata = URI.create("http://169.254.169.254/latest/meta-data/");
    assertThat(catchThrowable(() -> Peers.checkAddress(metadata, false, "t")))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("linkLocalAddresses"));
    Peers.checkAddress(metadata, ResponseLimits.builder().linkLocalAddresses(true).build().linkLocalAddresses(), "t");
  }

  // ---- the protocol ----

  @Test
  @DisplayName("a plain-http peer that answers with 101 and floods HTTP/2 frames cannot start h2: the request went "
      + "out as HTTP/1.1 without Upgrade, and the call ends typed")
  void noH2cUpgrade() throws Exception {
    List<String> heads = new CopyOnWriteArrayList<>();
    AtomicLong flooded = new AtomicLong();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> floodAfter101(server, heads, flooded), "h2c-flooder");
      peer.setDaemon(true);
      peer.start();
      HttpCaller caller = new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null),
          "the flooder", Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(1).build()),
          ResponseLimits.defaults());
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x");
      Throwable thrown = catchThrowable(() -> {
        HttpResponse<java.io.InputStream> r = caller.send("GET /x", caller.request(uri).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        if (r.statusCode() != 200) {
          throw HttpCaller.failure(r, "the flooder answered " + r.statusCode());
        }
      });
      assertThat(heads).isNotEmpty();
      String head = heads.get(0);
      assertThat(head).startsWith("GET /x HTTP/1.1\r\n");
      assertThat(head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("upgrade").doesNotContain("http2-settings");
      assertThat(thrown).as("a 101 never asked for is a typed failure").isInstanceOf(DelphaException.class);
    }
  }

  /** Answers each connection's request with 101 to h2c, then SETTINGS and PING frames until the client goes. */
  private static void floodAfter101(ServerSocket server, List<String> heads, AtomicLong flooded) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
          head.append(line).append("\r\n");
        }
        heads.add(head.toString());
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        byte[] settings = {0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100};
        byte[] ping = {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
        byte[] burst = new byte[(settings.length + ping.length) * 512];
        for (int i = 0; i < 512; i++) {
          System.arraycopy(settings, 0, burst, i * (settings.length + ping.length), settings.length);
          System.arraycopy(ping, 0, burst, i * (settings.length + ping.length) + settings.length, ping.length);
        }
        for (int i = 0; i < 4096; i++) { // 64 MiB at most: enough to fill a heap that takes them, then it stops
          out.write(burst);
          flooded.addAndGet(burst.length);
        }
      } catch (java.io.IOException e) {
        // the client went away: next connection
      }
    }
  }
}
