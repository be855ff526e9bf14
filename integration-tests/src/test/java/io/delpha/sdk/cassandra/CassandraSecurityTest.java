package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.TlsException;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.CassandraServer.Variant;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("CassandraManager with authentication and TLS")
class CassandraSecurityTest {

  static CassandraManagerBuilder to(CassandraServer s) {
    return CassandraManager.builder().contactPoint(s.host(), s.port()).localDatacenter(s.localDatacenter());
  }

  @Nested
  @DisplayName("against a PasswordAuthenticator node")
  class Auth {
    final CassandraServer server = CassandraServer.shared(Variant.AUTH);

    @Test
    @DisplayName("connects with the right credentials")
    void rightCredentials() {
      try (CassandraManager c = to(server).credentials(server.superuser(), server.superuserPassword()).build()) {
        assertThat(c.execute("SELECT role FROM system_auth.roles WHERE role = ?", "cassandra").one()).isNotNull();
      }
    }

    @Test
    @DisplayName("refuses a wrong password without repeating it")
    void wrongPassword() {
      String secret = "Wr0ng-Passw0rd-7781";
      assertThatThrownBy(() -> to(server).credentials("cassandra", secret).build())
          .isInstanceOf(AuthenticationException.class)
          .satisfies(e -> assertThat(fullText(e)).doesNotContain(secret));
    }

    @Test
    @DisplayName("refuses to connect without credentials")
    void noCredentials() {
      assertThatThrownBy(() -> to(server).build()).isInstanceOf(AuthenticationException.class);
    }

    @Test
    @DisplayName("reads credentials from a secret provider")
    void credentialsFromSecrets() {
      SecretProvider secrets = new SecretProvider() {
        @Override
        public String secret(String name) {
          throw new NotFoundException(name);
        }

        @Override
        public Map<String, String> json(String name) {
          return Map.of("username", server.superuser(), "password", server.superuserPassword());
        }
      };
      try (CassandraManager c = to(server).credentials(secrets, "cassandra-admin").build()) {
        assertThat(c.execute("SELECT now() FROM system.local").one()).isNotNull();
        assertThat(c.toString()).contains("username=cassandra, password=****,");
      }
    }
  }

  @Nested
  @DisplayName("against a TLS node")
  class Tls {
    final CassandraServer server = CassandraServer.shared(Variant.TLS);

    @Test
    @DisplayName("connects trusting the PEM CA, with host validation")
    void trustsPemCa() {
      try (CassandraManager c = to(server).pemFile(server.caPem())
          .credentials(server.superuser(), server.superuserPassword()).build()) {
        assertThat(c.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
        assertThat(c.config().tls()).isTrue();
      }
    }

    @Test
    @DisplayName("refuses a server whose certificate an untrusted CA signed")
    void untrustedCa() {
      assertThatThrownBy(() -> to(server).pemFile(server.untrustedCaPem())
          .credentials(server.superuser(), server.superuserPassword()).build())
          .isInstanceOf(TlsException.class);
    }

    @Test
    @DisplayName("names a missing PEM file")
    void missingPem() {
      Path missing = Path.of("target/no-such-ca.pem");
      assertThatThrownBy(() -> to(server).pemFile(missing).build())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("no-such-ca.pem");
    }

    @Test
    @DisplayName("fails clearly when the client speaks plain text to a TLS node")
    void plainTextToTls() {
      assertThatThrownBy(() -> to(server).credentials(server.superuser(), server.superuserPassword())
          .connectTimeout(java.time.Duration.ofSeconds(3)).build())
          .isInstanceOf(DelphaException.class)
          .hasMessageContaining(String.valueOf(server.port()));
    }
  }

  @Nested
  @DisplayName("against a mutual-TLS node")
  class MutualTls {
    final CassandraServer server = CassandraServer.shared(Variant.MUTUAL_TLS);

    @Test
    @DisplayName("connects with a PEM client certificate and key")
    void clientCertificate() {
      try (CassandraManager c = to(server).pemFile(server.caPem())
          .clientCertificate(server.clientCertPem(), server.clientKeyPem()).build()) {
        assertThat(c.execute("SELECT release_version FROM system.local").one()).isNotNull();
        assertThat(c.toString()).doesNotContain("BEGIN PRIVATE KEY");
      }
    }

    @Test
    @DisplayName("is refused without a client certificate")
    void withoutClientCertificate() {
      assertThatThrownBy(() -> to(server).pemFile(server.caPem())
          .connectTimeout(java.time.Duration.ofSeconds(5)).build())
          .isInstanceOf(DelphaException.class);
    }

    @Test
    @DisplayName("refuses a key file that is not a key, without quoting it")
    void badKeyFile() {
      assertThatThrownBy(() -> to(server).pemFile(server.caPem())
          .clientCertificate(server.clientCertPem(), server.caPem()).build())
          .isInstanceOf(TlsException.class)
          .satisfies(e -> assertThat(fullText(e)).doesNotContain("BEGIN"));
    }
  }

  static String fullText(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}
