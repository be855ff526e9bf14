/** Salesforce: SOQL, Bulk API 2.0, the login flows, SalesforceManager. */
module io.delpha.sdk.salesforce {
  requires transitive io.delpha.sdk.core;

  exports io.delpha.sdk.salesforce;
}
