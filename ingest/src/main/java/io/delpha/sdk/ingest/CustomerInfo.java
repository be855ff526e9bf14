package io.delpha.sdk.ingest;

import java.util.Objects;

/**
 * A registered customer as an operator may see it: never the password or its hash.
 *
 * @param id the customer's id
 * @param keyspace the keyspace the customer's files are ingested into
 * @param app the name of the ingest app that reads the customer's files
 * @param constraints what the customer may send
 */
public record CustomerInfo(String id, String keyspace, String app, IngestionConstraints constraints) {

  /** Checks that every component is present. */
  public CustomerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(constraints, "constraints");
  }
}
