package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.CassandraServer.Variant;
import io.delpha.sdk.testing.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Amazon Keyspaces' SigV4 authentication as far as a loopback allows: Keyspaces itself cannot run here, so the
 * harness's TLS node (password authentication, as a self-managed cluster has) shows that the builder installs AWS's
 * SigV4 plugin, that the node receives the plugin's SigV4 handshake instead of a user name and password, and that its
 * refusal is a typed error with no AWS secret anywhere.
 */
@DisplayName("CassandraManagerBuilder.sigV4 (Amazon Keyspaces)")
class KeyspacesSigV4Test {

  static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  static CassandraManagerBuilder to(CassandraServer s) {
    return CassandraManager.builder().contactPoint(s.host(), s.port()).localDatacenter(s.localDatacenter());
  }

  static String fullText(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  @DisplayName("over TLS, a PasswordAuthenticator node gets the SigV4 handshake and refuses it: AuthenticationException "
      + "naming SigV4 and the node's reply, no secret key in the message, the stack or the logs")
  void nodeRefusesSigV4() {
    CassandraServer server = CassandraServer.shared(Variant.TLS);
    AtomicInteger asked = new AtomicInteger();
    AwsCredentialsProvider keys = () -> {
      asked.incrementAndGet();
      return AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY);
    };
    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(() -> to(server).pemFile(server.caPem()).sigV4("eu-west-2", keys).build())
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("SigV4").hasMessageContaining("eu-west-2")
          // the plugin's first message is "SigV4\0\0": read as PLAIN SASL, it has an empty password
          .hasMessageContaining("Password must not be null")
          .satisfies(e -> assertThat(fullText(e)).doesNotContain(SECRET_KEY));
      assertThat(logs.text()).doesNotContain(SECRET_KEY);
    }
    // a PasswordAuthenticator never sends Keyspaces' nonce challenge, so nothing was signed
    assertThat(asked).hasValue(0);
  }

  @Test
  @DisplayName("the default credentials chain is the plugin's when no provider is given; the config says sigv4")
  void defaultChain() {
    CassandraServer server = CassandraServer.shared(Variant.AUTH);
    assertThatThrownBy(() -> to(server).sigV4("us-east-1").build())
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("credentials=default chain");
    CassandraConfig.SigV4 sigV4 = new CassandraConfig.SigV4("eu-west-2", () -> AwsBasicCredentials.create(ACCESS_KEY,
        SECRET_KEY));
    assertThat(sigV4.toString()).startsWith("SigV4{region=eu-west-2, credentials=").doesNotContain(SECRET_KEY)
        .doesNotContain(ACCESS_KEY);
  }

  @Test
  @DisplayName("sigV4 and a user name/password together, or a region that is not one, are InvalidInputException")
  void validation() {
    CassandraServer server = CassandraServer.shared(Variant.AUTH);
    assertThatThrownBy(() -> to(server).sigV4("eu-west-2").credentials(server.superuser(), server.superuserPassword())
        .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("choose one")
        .hasMessageNotContaining(server.superuserPassword());
    assertThatThrownBy(() -> to(server).credentials("cassandra", "x").sigV4("eu-west-2").build())
        .isInstanceOf(InvalidInputException.class);
    for (String region : new String[] {"", "EU-WEST-2", "eu-west", "eu_west_2", "cassandra.eu-west-2.amazonaws.com"}) {
      assertThatThrownBy(() -> to(server).sigV4(region)).as(region).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> to(server).sigV4(null)).isInstanceOf(NullPointerException.class).hasMessage("region");
  }

  @Test
  @DisplayName("a password connection's config says so; adding sigV4 to its toBuilder() is refused, not mixed")
  void toBuilderRefusesMixing() {
    CassandraServer server = CassandraServer.shared(Variant.AUTH);
    try (CassandraManager password = to(server).credentials(server.superuser(), server.superuserPassword()).build()) {
      assertThat(password.config().authentication()).isEqualTo("password");
      assertThat(password.config().sigV4()).isNull();
      CassandraManagerBuilder both = password.config().toBuilder().sigV4("eu-west-2");
      assertThatThrownBy(both::build).isInstanceOf(InvalidInputException.class);
    }
  }
}
