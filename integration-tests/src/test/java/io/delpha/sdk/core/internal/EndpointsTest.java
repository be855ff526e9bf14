package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Endpoints shows an address as host:port, as a user writes it")
class EndpointsTest {

  @Test
  @DisplayName("unresolved, resolved and IPv6 addresses print as host:port, never host/<unresolved>:port")
  void formatsAsHostPort() throws Exception {
    assertThat(Endpoints.format(InetSocketAddress.createUnresolved("127.0.0.1", 9042))).isEqualTo("127.0.0.1:9042");
    assertThat(Endpoints.format(InetSocketAddress.createUnresolved("db1.example", 9042))).isEqualTo("db1.example:9042");
    assertThat(Endpoints.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080)))
        .isEqualTo("127.0.0.1:8080");
    assertThat(Endpoints.format(new InetSocketAddress(InetAddress.getByName("::1"), 9042)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:9042");
    assertThat(Endpoints.format(InetSocketAddress.createUnresolved("::1", 9142))).isEqualTo("[::1]:9142");
    assertThat(Endpoints.format(List.of(InetSocketAddress.createUnresolved("a", 1),
        InetSocketAddress.createUnresolved("b", 2)))).isEqualTo("a:1, b:2");
  }

  @Test
  @DisplayName("the JDK's forms in another library's message are rewritten, other text is left alone")
  void cleansDriverText() {
    assertThat(Endpoints.clean("Node(endPoint=127.0.0.1/<unresolved>:9042, hostId=null)"))
        .isEqualTo("Node(endPoint=127.0.0.1:9042, hostId=null)");
    assertThat(Endpoints.clean("Connection refused: /127.0.0.1:9042")).isEqualTo("Connection refused: 127.0.0.1:9042");
    assertThat(Endpoints.clean("at db1/10.0.0.5:9042 and /0:0:0:0:0:0:0:1:9042"))
        .isEqualTo("at db1:9042 and [0:0:0:0:0:0:0:1]:9042");
    assertThat(Endpoints.clean("GET http://127.0.0.1:8080/a/b:12 took 5 ms"))
        .isEqualTo("GET http://127.0.0.1:8080/a/b:12 took 5 ms");
  }
}
