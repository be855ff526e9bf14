package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.DeltaFormatTest.expected;
import static io.delpha.sdk.sharing.DeltaFormatTest.fixtures;
import static io.delpha.sdk.sharing.DeltaFormatTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.RowReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference connector's profile types beyond bearer tokens and client credentials: {@code basic} and {@code
 * oauth_jwt_bearer_private_key_jwt}, end to end against {@link DeltaLogServer} and a loopback token endpoint that
 * checks the JWT assertion's signature with the public key, as an authorization server does.
 */
class SharingProfileTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @BeforeAll
  static void fixtures() throws Exception {
    DeltaFormatTest.fixtures();
  }

  private static List<String> rows(DeltaSharingClient client) {
    List<String> rows = new ArrayList<>();
    try (RowReader r = client.readTable(table("events"))) {
      r.forEachRemaining(row -> rows.add(DeltaFormatTest.canonical(row).toString()));
    }
    return DeltaFormatTest.sorted(rows);
  }

  @Test
  void aBasicProfileSendsBasicCredentialsOnEveryRequest() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL)) {
      String json = "{\"shareCredentialsVersion\": 2, \"type\": \"basic\", \"endpoint\": \"" + server.endpoint()
          + "\", \"username\": \"" + DeltaLogServer.BASIC_USER + "\", \"password\": \"" + DeltaLogServer.TOKEN + "\"}";
      DeltaSharingProfile p = DeltaSharingProfile.parse(json, "basic.share");
      assertThat(p.type()).isEqualTo(DeltaSharingProfile.AuthType.BASIC);
      assertThat(p.toString()).contains(DeltaLogServer.BASIC_USER).doesNotContain(DeltaLogServer.TOKEN);
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(p).build()) {
        long v = client.tableVersion(table("events"));
        assertThat(rows(client)).isEqualTo(expected("events", "v" + v));
      }
      DeltaSharingProfile wrong = DeltaSharingProfile.parse(json.replace(DeltaLogServer.TOKEN, "not-the-password"),
          "basic.share");
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(wrong).build()) {
        assertThatThrownBy(() -> client.tableVersion(table("events"))).isInstanceOf(AuthenticationException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
      }
      assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 2, \"type\": \"basic\", "
          + "\"endpoint\": \"https://s.example.com\", \"username\": \"u\"}", "b.share"))
          .isInstanceOf(DataFormatException.class).hasMessageContaining("'password'");
      assertThatThrownBy(() -> DeltaSharingProfile.parse("{\"shareCredentialsVersion\": 1, \"type\": \"basic\", "
          + "\"endpoint\": \"https://s.example.com\", \"username\": \"u\", \"password\": \"p\"}", "b.share"))
          .isInstanceOf(DataFormatException.class).hasMessageContaining("shareCredentialsVersion 2");
    }
  }

  @Test
  void aPrivateKeyJwtProfileSignsAnAssertionTheTokenEndpointVerifies() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate()
        .getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    AtomicInteger tokenRequests = new AtomicInteger();
    List<String> refusals = new ArrayList<>();
    HttpServer tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tokens.createContext("/oauth2/token", ex -> {
      try (ex) {
        tokenRequests.incrementAndGet();
        Map<String, String> form = new HashMap<>();
        for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
          int eq = kv.indexOf('=');
          form.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String refused = check(form, keys);
        byte[] body;
        if (refused == null) {
          body = ("{\"access_token\":\"" + DeltaLogServer.TOKEN + "\",\"expires_in\":3600}")
              .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
        } else {
          refusals.add(refused);
          body = "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(400, body.length);
        }
        try (OutputStream o = ex.getResponseBody()) {
          o.write(body);
        }
      }
    });
    tokens.start();
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL)) {
      String json = "{\"shareCredentialsVersion\": 2, \"type\": \"oauth_jwt_bearer_private_key_jwt\", \"endpoint\": \""
          + server.endpoint() + "\", \"auth\": {\"tokenEndpoint\": \"http://127.0.0.1:" + tokens.getAddress().getPort()
          + "/oauth2/token\", \"issuer\": \"https://issuer.example.com\", \"clientId\": \"recipient-app\", "
          + "\"audience\": \"delta-sharing\", \"scope\": \"sharing\", \"privateKey\": {\"privateKeyFile\": \""
          + pem + "\", \"keyId\": \"key-1\", \"algorithm\": \"RS256\"}}}";
      DeltaSharingProfile p = DeltaSharingProfile.parse(json, "jwt.share");
      assertThat(p.type()).isEqualTo(DeltaSharingProfile.AuthType.OAUTH_JWT_BEARER_PRIVATE_KEY_JWT);
      assertThat(p.privateKeyJwt().keyId()).isEqualTo("key-1");
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(p).build()) {
        long v = client.tableVersion(table("events"));
        assertThat(rows(client)).isEqualTo(expected("events", "v" + v));
      }
      assertThat(refusals).isEmpty();
      assertThat(tokenRequests.get()).as("one token, cached for its hour").isEqualTo(1);

      // the key read through a SecretProvider instead of the file
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(p)
          .privateKey(name -> name.equals("jwt-key") ? readString(pem) : fail(name), "jwt-key").build()) {
        assertThat(client.tableVersion(table("events"))).isGreaterThan(0);
      }
      // a key file that is gone: typed, naming the file, quoting no key
      Files.delete(pem);
      try (DeltaSharingClient client = DeltaSharingClient.builder().profile(p).build()) {
        assertThatThrownBy(() -> client.tableVersion(table("events"))).isInstanceOf(AuthenticationException.class)
            .hasMessageContaining("key.pem");
      }
      // a profile missing the key's id
      assertThatThrownBy(() -> DeltaSharingProfile.parse(json.replace("\"keyId\": \"key-1\", ", ""), "jwt.share"))
          .isInstanceOf(DataFormatException.class).hasMessageContaining("'keyId'");
      assertThatThrownBy(() -> DeltaSharingProfile.parse(json.replace("RS256", "HS256"), "jwt.share"))
          .isInstanceOf(DataFormatException.class).hasMessageContaining("RS256, RS384 or RS512");
    } finally {
      tokens.stop(0);
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String fail(String name) {
    throw new io.delpha.sdk.core.NotFoundException("no secret " + name);
  }

  /** @return why the token endpoint refuses the form, {@code null} if it accepts it */
  private static String check(Map<String, String> form, KeyPair keys) {
    try {
      if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
        return "grant_type " + form.get("grant_type");
      }
      String[] parts = form.get("assertion").split("\\.");
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(keys.getPublic());
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return "signature";
      }
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      if (!header.path("alg").asText().equals("RS256") || !header.path("kid").asText().equals("key-1")) {
        return "header " + header;
      }
      long now = System.currentTimeMillis() / 1000;
      if (!claims.path("aud").asText().equals("https://issuer.example.com")
          || !claims.path("iss").asText().equals("recipient-app")
          || !claims.path("resource").asText().equals("delta-sharing")
          || !claims.path("scope").asText().equals("sharing") || claims.path("jti").asText().isEmpty()
          || claims.path("exp").asLong() <= now || claims.path("iat").asLong() > now + 5) {
        return "claims " + claims;
      }
      return null;
    } catch (Exception e) {
      return e.toString();
    }
  }
}
