package io.delpha.sdk.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One version of a customer's program app, as stored in the registry ({@code ingest_apps}) and the staging store
 * ({@code <customer>/apps/<name>/v<version>/}). Versions are never changed: registering again adds one.
 *
 * @param customer the customer
 * @param name the app's name
 * @param version 1 for the first registration, then one more each time
 * @param command the program and its arguments
 * @param files the names of its files
 * @param bytes their total size
 * @param registeredAt when this version was registered
 */
public record RegisteredApp(String customer, String name, int version, List<String> command, List<String> files,
    long bytes, Instant registeredAt) {

  /** Copies the lists. */
  public RegisteredApp {
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    files = List.copyOf(files);
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
