package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.ServerSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a caller is told when no node answers, and how the settings show the contact points: no server needed. */
@DisplayName("CassandraManager with no node to reach")
class UnreachableClusterTest {

  @Test
  @DisplayName("the error names each contact point as host:port and what went wrong there, not the driver's text")
  void namesEachContactPoint() {
    int p1 = ServerSupport.freePort();
    int p2 = ServerSupport.freePort();
    assertThatThrownBy(() -> CassandraManager.builder().contactPoint("127.0.0.1", p1).contactPoint("127.0.0.1", p2)
        .build())
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageStartingWith("no Cassandra node reachable at ")
        .hasMessageContaining("127.0.0.1:" + p1 + " (connection refused)")
        .hasMessageContaining("127.0.0.1:" + p2 + " (connection refused)")
        .message().doesNotContain("<unresolved>", "getAllErrors", "/127.0.0.1", "Node(");
  }

  @Test
  @DisplayName("the settings print contact points as they were given")
  void settingsShowHostPort() {
    String shown = CassandraManager.builder().contactPoint("db1.example", 9042).contactPoint("::1", 9142).settings()
        .toString();
    assertThat(shown).contains("contactPoints=[db1.example:9042, [::1]:9142]").doesNotContain("<unresolved>");
    assertThat(CassandraManager.builder().settings().toString()).contains("contactPoints=[127.0.0.1:9042]");
  }
}
