package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.CustomerInfo;
import io.delpha.sdk.ingest.CustomerRegistry;
import io.delpha.sdk.ingest.IngestApp;
import io.delpha.sdk.ingest.IngestProgram;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.RegisteredApp;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code BatchIngestor}'s {@link CustomerRegistry}: customers and their program apps in the registry's tables, the
 * apps' files in the staging store. Thread-safe.
 */
public final class CustomerDirectory implements CustomerRegistry {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger LOG = LoggerFactory.getLogger(CustomerDirectory.class);

  /** The most bytes of files one program app version may carry. */
  static final long MAX_APP_BYTES = 64L << 20;

  private final Registry registry;
  private final DictionaryManager dictionary;
  private final ObjectStore staging;
  private final Map<String, IngestApp> apps;
  private final int iterations;
  private final Logins logins;

  /**
   * @param registry the registry's tables
   * @param dictionary checks that a customer's keyspace exists
   * @param staging where program apps' files go
   * @param apps the manager's built-in apps, by name
   * @param iterations PBKDF2 iterations for new password hashes
   * @param logins checks customers' passwords
   */
  public CustomerDirectory(Registry registry, DictionaryManager dictionary, ObjectStore staging,
      Map<String, IngestApp> apps, int iterations, Logins logins) {
    this.registry = registry;
    this.dictionary = dictionary;
    this.staging = staging;
    this.apps = Map.copyOf(apps);
    this.iterations = iterations;
    this.logins = logins;
  }

  @Override
  public void registerCustomer(String customerId, String password, String keyspace, IngestionConstraints constraints,
      String appName) {
    if (customerId == null || FileChecks.badName(customerId).isPresent()) {
      throw new InvalidInputException("customer id must be letters, digits, '.', '_' or '-', got '" + customerId + "'");
    }
    if (password == null || password.isEmpty()) {
      throw new InvalidInputException("customer " + customerId + " needs a non-empty password");
    }
    Objects.requireNonNull(constraints, "constraints");
    if (!apps.containsKey(appName) && registry.latestApp(customerId, appName).isEmpty()) {
      throw new InvalidInputException("no ingest app named '" + appName + "': neither one of this manager's ("
          + apps.keySet() + ") nor a program registered for " + customerId + " (registerApp)");
    }
    try {
      dictionary.describeKeyspace(Objects.requireNonNull(keyspace, "keyspace"));
    } catch (NotFoundException e) {
      throw new NotFoundException(e.getMessage() + ". Create the customer's keyspace, and a table for each file name "
          + "it sends (orders.csv fills orders), before registering it", e);
    }
    registry.put(new Customer(customerId, PasswordHasher.hash(password.toCharArray(), iterations), keyspace, appName,
        constraints));
    LOG.info("registered customer {} (keyspace {}, app {}, constraints {})", customerId, keyspace, appName,
        constraints.toJson());
  }

  @Override
  public IngestionConstraints constraints(String customerId, String password) {
    return logins.authenticate(customerId, password).constraints();
  }

  @Override
  public RegisteredApp registerApp(String customerId, IngestProgram program) {
    Objects.requireNonNull(program, "program");
    Customer c = registry.get(customerId).orElseThrow(() -> new NotFoundException("no customer '" + customerId
        + "' is registered"));
    if (apps.containsKey(program.name())) {
      throw new InvalidInputException("'" + program.name() + "' is the name of one of this manager's built-in apps "
          + apps.keySet() + "; choose another name");
    }
    long bytes = 0;
    List<String> names = new ArrayList<>(new java.util.TreeSet<>(program.files().keySet()));
    for (String n : names) {
      Path f = program.files().get(n);
      try {
        bytes += Files.size(f);
      } catch (IOException e) {
        throw new NotFoundException("cannot read the app file " + f + ": " + e.getMessage(), e);
      }
    }
    if (bytes > MAX_APP_BYTES) {
      throw new InvalidInputException("app " + program.name() + " has " + bytes + " bytes of files; at most "
          + MAX_APP_BYTES);
    }
    int next = registry.latestApp(c.id(), program.name()).map(a -> a.version() + 1).orElse(1);
    RegisteredApp app = registry.addApp(c.id(), program.name(), program.command(), names, bytes, next);
    for (String n : names) {
      staging.putIfAbsent(StagingKeys.appFiles(app) + n, Objects.requireNonNull(program.files().get(n), n)); // a key of files()
    }
    registry.appReady(app);
    registry.useApp(c.id(), app.name());
    LOG.info("customer {}: app {} v{} registered ({} file(s), {} bytes, command {})", c.id(), app.name(),
        app.version(), names.size(), bytes, app.command());
    return app;
  }

  @Override
  public List<RegisteredApp> apps(String customerId) {
    return registry.apps(customerId);
  }

  @Override
  public void removeApp(String customerId, String name) {
    Customer c = registry.get(customerId).orElseThrow(() -> new NotFoundException("no customer '" + customerId
        + "' is registered"));
    List<RegisteredApp> versions = registry.apps(customerId).stream().filter(a -> a.name().equals(name)).toList();
    if (versions.isEmpty()) {
      throw new NotFoundException("customer " + customerId + " has no app named '" + name + "'");
    }
    if (c.app().equals(name)) {
      throw new ConflictException("customer " + customerId + " reads its files with app '" + name + "'; register "
          + "another app for it first (or the customer again with --app csv)");
    }
    registry.removeApp(customerId, name);
    List<String> keys;
    try (Stream<String> s = staging.list(customerId + "/apps/" + name + "/")) {
      keys = s.toList();
    }
    keys.forEach(staging::delete);
    LOG.info("customer {}: app {} removed ({} version(s))", customerId, name, versions.size());
  }

  @Override
  public List<CustomerInfo> customers() {
    return sortedCustomers().stream().map(CustomerDirectory::info).toList();
  }

  /**
   * @return every registered customer, in id order
   */
  public List<Customer> sortedCustomers() {
    List<Customer> all = new ArrayList<>(registry.all());
    all.sort(java.util.Comparator.comparing(Customer::id));
    return all;
  }

  /**
   * @param c a registered customer
   * @return what may be shown of it (no password hash)
   */
  public static CustomerInfo info(Customer c) {
    return new CustomerInfo(c.id(), c.keyspace(), c.app(), c.constraints());
  }
}
