package io.delpha.sdk.salesforce;

/**
 * What a Bulk API 2.0 ingest job does with each record ({@link SalesforceBulk#bulkIngest}): the job's {@code
 * operation}, as Salesforce names it ({@link #wireName()}).
 */
public enum BulkOperation {
  /** Creates each record. */
  INSERT("insert"),
  /** Updates each record, named by its {@code Id} column. */
  UPDATE("update"),
  /** Creates or updates each record, matched by the external id field given with it. */
  UPSERT("upsert"),
  /** Moves each record, named by its {@code Id} column, to the Recycle Bin. */
  DELETE("delete"),
  /** Deletes each record, named by its {@code Id} column, for good (the user needs "Bulk API Hard Delete"). */
  HARD_DELETE("hardDelete");

  private final String wireName;

  BulkOperation(String wireName) {
    this.wireName = wireName;
  }

  /** @return the job's {@code operation} value Salesforce expects, e.g. {@code hardDelete} */
  public String wireName() {
    return wireName;
  }
}
