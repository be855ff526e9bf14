package io.delpha.sdk.ingest;

import java.util.List;
import java.util.Objects;

/**
 * Where one customer's files stand: what waits in the staging area and the latest ingestions.
 *
 * @param customer the customer
 * @param waiting the names of the files staged and not ingested yet, in name order
 * @param recent the latest recorded ingestions of the customer's files, newest first
 */
public record CustomerStatus(CustomerInfo customer, List<String> waiting, List<FileIngestion> recent) {

  /** Copies the lists. */
  public CustomerStatus {
    Objects.requireNonNull(customer, "customer");
    waiting = List.copyOf(waiting);
    recent = List.copyOf(recent);
  }
}
