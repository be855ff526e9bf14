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
  @DisplayName("impossible limits and plain HTTP off loopback are refused with a typed error")
  void refusesHostileSettings() {
    assertThatThrownBy(() -> ServerOptions.builder().threads(1).build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxHeaderBytes(10).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().maxBodyBytes(-1).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().idleTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ServerOptions.builder().address(new InetSocketAddress("0.0.0.0", 8080)).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("loopback");
    assertThat(ServerOptions.builder().address(new InetSocketAddress("0.0.0.0", 8080)).allowPlainHttp(true).build()
        .secure()).isFalse();
  }
}
