package io.delpha.sdk.ingest;

import java.util.List;

/**
 * The customers of batch ingestion: who may upload, with which password, into which keyspace, under
 * which constraints. A role of {@link BatchIngestor}. Thread-safe.
 */
public interface CustomerRegistry {

  /**
   * Registers (or replaces) a customer.
   *
   * @param customerId letters, digits, '.', '_' or '-'
   * @param password stored only as a salted PBKDF2 hash
   * @param keyspace the customer's keyspace
   * @param constraints formats, files per upload, largest file
   * @param appName the ingest app for the customer's files (see {@link BatchIngestorBuilder#app})
   */
  void registerCustomer(String customerId, String password, String keyspace, IngestionConstraints constraints,
      String appName);

  /**
   * @param customerId the customer
   * @param password its password
   * @return its constraints
   * @throws io.delpha.sdk.core.AuthenticationException for an unknown customer or a wrong password
   */
  IngestionConstraints constraints(String customerId, String password);

  /**
   * Registers a customer whose files are CSV ({@link IngestApp#CSV}).
   *
   * @param customerId letters, digits, '.', '_' or '-'
   * @param password stored only as a salted PBKDF2 hash
   * @param keyspace the customer's keyspace
   * @param constraints formats, files per upload, largest file
   */
  default void registerCustomer(String customerId, String password, String keyspace, IngestionConstraints constraints) {
    registerCustomer(customerId, password, keyspace, constraints, IngestApp.CSV);
  }

  /**
   * Lists the registered customers, without their passwords.
   *
   * @return every customer, in id order
   * @throws io.delpha.sdk.core.ServiceUnavailableException if Cassandra cannot be reached
   */
  List<CustomerInfo> customers();

  /**
   * Registers a new version of a customer's program app (any language; protocol in docs/ingest-apps.md) and reads the
   * customer's next files with it. Versions are never changed: a file being ingested keeps the version its run
   * started with.
   *
   * @param customerId a registered customer
   * @param program the command and its files (read now)
   * @return the stored version
   * @throws io.delpha.sdk.core.NotFoundException for an unknown customer or an unreadable file
   * @throws io.delpha.sdk.core.InvalidInputException for a name taken by a built-in app, or files over 64 MiB
   */
  RegisteredApp registerApp(String customerId, IngestProgram program);

  /**
   * @param customerId a customer
   * @return every version of every program app of the customer, by name, newest version first
   */
  List<RegisteredApp> apps(String customerId);

  /**
   * Removes every version of a customer's program app.
   *
   * @param customerId a registered customer
   * @param name the app's name
   * @throws io.delpha.sdk.core.NotFoundException if the customer has no such app
   * @throws io.delpha.sdk.core.ConflictException if the customer's files are read with it
   */
  void removeApp(String customerId, String name);
}
