package io.delpha.sdk.salesforce;

/** What an upsert by external id did. */
public enum UpsertOutcome {
  /** No record had the external id: a new one was created. */
  CREATED,
  /** One record had the external id: it was updated. */
  UPDATED
}
