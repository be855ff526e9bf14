package io.delpha.sdk.core.internal.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The schema refresh's failure when the control connection closes under it is transient (read again once it
 * reconnects, {@code CassandraManager.schema()}); the driver's text is matched exactly as its schema queries throw it
 * (java-driver-core's {@code DefaultSchemaQueriesFactory}). The ring's {@code ControlNodeLossRingTest} kills that node.
 */
class DriverErrorsTest {

  @Test
  @DisplayName("a schema refresh without a control channel is transient; another IllegalStateException is not")
  void controlChannelGoneIsTransient() {
    IllegalStateException gone = new IllegalStateException("Control channel not available, aborting schema refresh");
    assertThat(DriverErrors.transientFailure(gone)).isTrue();
    assertThat(DriverErrors.transientFailure(new ExecutionException(gone))).isTrue();
    assertThat(DriverErrors.transientFailure(new IllegalStateException("session closed"))).isFalse();
    assertThat(DriverErrors.transientFailure(new IllegalStateException())).isFalse();
    assertThat(DriverErrors.transientFailure(new SyntaxError(null, "line 1: no viable alternative"))).isFalse();
  }
}
