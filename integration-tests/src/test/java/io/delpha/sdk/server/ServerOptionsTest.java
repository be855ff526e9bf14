package io.delpha.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ServerOptions} as a value: built by its builder, equal by settings, no secret in its text. */
class ServerOptionsTest {

  private static final String P12_PASSWORD = "p12-Password-never-printed";

  @Test
  @DisplayName("options are equal, with equal hash codes, exactly when every setting is equal")
  void equalBySettings() {
    ServerOptions a = ServerOptions.builder().maxConnections(3).idleTimeout(Duration.ofSeconds(4)).build();
    ServerOptions b = ServerOptions.builder().maxConnections(3).idleTimeout(Duration.ofSeconds(4)).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toBuilder().threads(5).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().maxConcurrentPasswordChecks(7).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().maxConnectionsPerAddress(7).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().headerTimeout(Duration.ofSeconds(7)).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().minRequestDataRate(7).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().maxQueuedPasswordChecks(7).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().passwordFailuresAllowed(7).build()).isNotEqualTo(a);
    assertThat(a.toBuilder().passwordBackoffLimit(Duration.ofSeconds(7)).build()).isNotEqualTo(a);
    ServerOptions every = a.toBuilder().maxConnectionsPerAddress(2).headerTimeout(Duration.ofSeconds(3))
        .minRequestDataRate(0).maxQueuedPasswordChecks(0).passwordFailuresAllowed(4)
        .passwordBackoffLimit(Duration.ofSeconds(6)).build();
    assertThat(every.toBuilder().build()).isEqualTo(every).hasSameHashCodeAs(every);
    assertThat(a.toBuilder().build()).isEqualTo(a);
    assertThat(ServerOptions.on(new InetSocketAddress("127.0.0.1", 0))).isEqualTo(ServerOptions.builder().build());
  }

  @Test
  @DisplayName("toString shows every setting and the key store's file, never its password")
  void toStringHidesThePassword() {
    ServerOptions options = ServerOptions.builder().address(new InetSocketAddress("0.0.0.0", 8443))
        .tls(ServerTls.pkcs12(Path.of("server.p12"), Secret.of(P12_PASSWORD))).maxBodyBytes(42).build();
    assertThat(options.toString()).contains("server.p12", "maxBodyBytes=42", "0.0.0.0").doesNotContain(P12_PASSWORD);
    assertThat(options.secure()).isTrue();
  }

  @Test
  @DisplayName("the defaults stop the slow and flooding clients of issue 68: a header deadline, a least body rate, a "
      + "cap per address below the connection limit, a bounded password queue and a back-off")
  void defaultsDefend() {
    ServerOptions d = ServerOptions.builder().build();
    assertThat(d.headerTimeout()).isEqualTo(Duration.ofSeconds(10)).isLessThan(d.idleTimeout());
    assertThat(d.minRequestDataRate()).isEqualTo(1024);
    assertThat(d.maxConnectionsPerAddress()).isEqualTo(32).isLessThan(d.maxConnections());
    assertThat(d.maxQueuedPasswordChecks()).isEqualTo(8).isLessThan(d.threads());
    assertThat(d.passwordFailuresAllowed()).isEqualTo(5);
    assertThat(d.passwordBackoffLimit()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.toString()).contains("headerTimeout=PT10S", "maxConnectionsPerAddress=32", "minRequestDataRate=1024",
        "maxQueuedPasswordChecks=8", "passwordFailuresAllowed=5", "passwordBackoffLimit=PT5M");
  }

  @Test
  @DisplayName("impossible limits and plain HTTP off loopback are refused with a typed error")
  void refusesHostileSettings() {
    assertThatThrownBy(() -> ServerOptions.builder().threads(1).build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxHeaderBytes(10).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxBodyBytes(-1).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().idleTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().headerTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxConnectionsPerAddress(0).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().minRequestDataRate(-1).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxQueuedPasswordChecks(-1).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().passwordFailuresAllowed(0).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().passwordBackoffLimit(Duration.ofSeconds(-1)).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().address(new InetSocketAddress("0.0.0.0", 8080)).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("loopback");
    assertThat(ServerOptions.builder().address(new InetSocketAddress("0.0.0.0", 8080)).allowPlainHttp(true).build()
        .secure()).isFalse();
  }
}
