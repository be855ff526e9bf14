package io.delpha.sdk.salesforce;

import java.util.List;

/**
 * What the org holds and what it allows: sObject descriptions and API usage.
 *
 * <p>A role of {@link SalesforceClient}; {@link SalesforceManager} implements it. Depend on this
 * interface alone where only this role is needed (and substitute it in your own tests). Errors and
 * retries as {@link SalesforceClient} describes. Thread-safe.
 */
public interface SalesforceMetadata {

  /**
   * @return every object type of the org (describe global)
   */
  List<SObjectSummary> describeGlobal();

  /**
   * @param sobject an object's API name, e.g. {@code Account}
   * @return the object and its fields (describe sObject)
   */
  SObjectDescription describe(String sobject);

  /**
   * Reads the org's daily API usage from the {@code Sforce-Limit-Info} header (one cheap call).
   *
   * @return the usage
   */
  ApiUsage apiUsage();

  /**
   * @return what the client can do, with examples
   */
  String help();
}
