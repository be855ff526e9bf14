package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.FetchReport.RejectedFile;
import io.delpha.sdk.ingest.FetchReport.StagedFile;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A customer's upload from a local folder: authenticated, every file checked against the customer's constraints
 * before any is staged, then the passing ones staged under {@link StagingKeys#incoming}. Thread-safe.
 */
public final class UploadIntake {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger LOG = LoggerFactory.getLogger(UploadIntake.class);

  private final ObjectStore staging;
  private final Logins logins;

  /**
   * @param staging the staging store
   * @param logins checks customers' passwords
   */
  public UploadIntake(ObjectStore staging, Logins logins) {
    this.staging = staging;
    this.logins = logins;
  }

  /**
   * @param customerId the customer
   * @param password the password
   * @param clientInputDir the directory; hidden files are ignored
   * @return what was staged and what was refused, with reasons
   * @throws io.delpha.sdk.core.AuthenticationException for an unknown customer or a wrong password
   * @throws io.delpha.sdk.core.NotFoundException if the directory does not exist
   */
  public FetchReport fetch(String customerId, String password, Path clientInputDir) {
    Customer c = logins.authenticate(customerId, password);
    FileChecks.Selection selection = FileChecks.select(clientInputDir, c.constraints());
    List<RejectedFile> rejected = selection.rejected();
    List<Path> passing = selection.passing();
    List<StagedFile> accepted = new ArrayList<>();
    for (Path f : passing) {
      String name = f.getFileName().toString();
      String key = StagingKeys.incoming(customerId) + name;
      try {
        long size = Files.size(f);
        staging.putIfAbsent(key, f);
        accepted.add(new StagedFile(name, key, size));
      } catch (ConflictException e) {
        rejected.add(new RejectedFile(name, "a file named " + name + " is already staged and not yet ingested"));
      } catch (IOException e) {
        rejected.add(new RejectedFile(name, "cannot read the file: " + e.getMessage()));
      }
    }
    LOG.info("customer {} uploaded {} file(s), {} refused", customerId, accepted.size(), rejected.size());
    return new FetchReport(customerId, accepted, rejected);
  }
}
