package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.ingest.RegisteredApp;

/**
 * Where a customer's files sit in the staging store: {@code <customer>/incoming/} waiting for ingestion, {@code
 * <customer>/apps/<name>/v<version>/} a program app's files (docs/ingest.md). The one place these keys are made.
 */
public final class StagingKeys {

  private StagingKeys() {}

  /**
   * @param customerId the customer
   * @return the prefix of the customer's files waiting for ingestion
   */
  public static String incoming(String customerId) {
    return customerId + "/incoming/";
  }

  /**
   * @param app a version of a customer's program app
   * @return the prefix of that version's files
   */
  public static String appFiles(RegisteredApp app) {
    return app.customer() + "/apps/" + app.name() + "/v" + app.version() + "/";
  }
}
