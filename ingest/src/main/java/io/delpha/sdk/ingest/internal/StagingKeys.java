package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.ingest.RegisteredApp;
import java.util.Locale;

/**
 * Where a customer's files sit in the staging store: {@code <customer>/incoming/} waiting for ingestion, {@code
 * <customer>/apps/<name>/v<version>/} a program app's files (docs/ingest.md). The one place these keys are made, and
 * the table a staged file's rows go to by default.
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

  /**
   * @param fileName a staged file's name
   * @return the table its rows go to by default: the name without its extension, in lower case ({@code Orders.csv}
   *     to {@code orders})
   */
  public static String tableOf(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return (dot > 0 ? fileName.substring(0, dot) : fileName).toLowerCase(Locale.ROOT);
  }
}
