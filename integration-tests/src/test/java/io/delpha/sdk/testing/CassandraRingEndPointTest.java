package io.delpha.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CassandraRing matches the driver's end points to its nodes, resolved or not")
class CassandraRingEndPointTest {

  @Test
  @DisplayName("a contact point's unresolved end point and a peer's resolved one both match; another port or IP not")
  void endPoints() {
    InetSocketAddress node = new InetSocketAddress("127.0.0.2", 9042);
    assertThat(CassandraRing.sameEndPoint(InetSocketAddress.createUnresolved("127.0.0.2", 9042), node)).isTrue();
    assertThat(CassandraRing.sameEndPoint(new InetSocketAddress("127.0.0.2", 9042), node)).isTrue();
    assertThat(CassandraRing.sameEndPoint(InetSocketAddress.createUnresolved("127.0.0.3", 9042), node)).isFalse();
    assertThat(CassandraRing.sameEndPoint(new InetSocketAddress("127.0.0.2", 9043), node)).isFalse();
    assertThat(new InetSocketAddress("127.0.0.2", 9042)).as("why equals was not enough")
        .isNotEqualTo(InetSocketAddress.createUnresolved("127.0.0.2", 9042));
  }
}
