package io.delpha.sdk.aws;

/**
 * The Salesforce objects Delpha lands through Amazon AppFlow: each names the Salesforce object its flow
 * reads and the flow used when a call names none.
 */
public enum FlowType {
  /** Salesforce {@code Contact} records, flow {@code contact-flow} by default. */
  CONTACT("Contact", "contact-flow"),
  /** Salesforce {@code Account} records, flow {@code account-flow} by default. */
  ACCOUNT("Account", "account-flow");

  private final String salesforceObject;
  private final String defaultFlowName;

  FlowType(String salesforceObject, String defaultFlowName) {
    this.salesforceObject = salesforceObject;
    this.defaultFlowName = defaultFlowName;
  }

  /**
   * @return the Salesforce object's API name, e.g. {@code Contact}
   */
  public String salesforceObject() {
    return salesforceObject;
  }

  /**
   * @return the flow name used when a call names none, e.g. {@code contact-flow}
   */
  public String defaultFlowName() {
    return defaultFlowName;
  }
}
