package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.salesforce.BulkIngestReport;
import io.delpha.sdk.salesforce.BulkOperation;
import io.delpha.sdk.salesforce.SalesforceConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk API 2.0 ingest of any size: the records are written as CSV into temporary files of at most {@code jobBytes}
 * each (one job each, the header repeated), the org's batches checked for all the jobs at once ({@link BulkLimits},
 * when given), then the jobs run at most {@code concurrency} at a time: {@code POST /jobs/ingest}, {@code PUT
 * /jobs/ingest/{id}/batches} (the file, sent as it is read), {@code PATCH} to {@code UploadComplete}, and polls of
 * {@code GET /jobs/ingest/{id}} until {@code JobComplete}, {@code Failed} or {@code Aborted}. One job's failure is its
 * records' outcome, not the ingest's: its records count as unprocessed and the report says why. The temporary files
 * are deleted before {@link #run} returns.
 */
public final class BulkIngest {

  /** The most CSV bytes of one job: Salesforce takes 150 MB base64-encoded, and advises 100 MB before encoding. */
  public static final long MAX_JOB_BYTES = 100_000_000L;
  /** Jobs in flight at once. */
  static final int CONCURRENCY = 3;

  private static final Logger log = LoggerFactory.getLogger(BulkIngest.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

  private final RequestExecutor executor;
  private final RestHttp http;
  /** The options it reads where it uses them: the polling and the timeout of each job. */
  private final SalesforceConfig config;
  private final Retrier polling;
  private final long jobBytes;
  private final @Nullable BulkLimits limits;

  /**
   * @param executor runs the calls
   * @param http the HttpClient side
   * @param config the manager's settings: {@code bulkPolling}, {@code bulkTimeout} (of each job) and {@code
   *     bulkLimitsCheck} (the org's allowances checked before any job)
   * @param clock the clock of the polls
   * @param sleeper the pauses between polls
   * @param jobBytes the most CSV bytes of one job, the header included
   */
  public BulkIngest(RequestExecutor executor, RestHttp http, SalesforceConfig config, Clock clock,
      Pause.Sleeper sleeper, long jobBytes) {
    this.executor = executor;
    this.http = http;
    this.config = config;
    this.polling = new Retrier(config.bulkPolling(), clock, sleeper);
    this.jobBytes = jobBytes;
    this.limits = config.bulkLimitsCheck() ? new BulkLimits(executor, http) : null;
  }

  /** One job's data, spooled. */
  private record Spool(Path file, long records) {}

  /**
   * @param sObject the object
   * @param operation the operation
   * @param externalIdField the upsert's external id field, else {@code null}
   * @param records the records
   * @return the outcome of every record, in all and per job
   */
  public BulkIngestReport run(String sObject, BulkOperation operation, @Nullable String externalIdField,
      Stream<? extends Map<String, ?>> records) {
    requireName(sObject, "sObject");
    if ((operation == BulkOperation.UPSERT) != (externalIdField != null)) {
      throw new InvalidInputException("an upsert needs an external id field and the other operations take none; "
          + "operation " + operation + ", externalIdField " + (externalIdField == null ? "missing" : "given"));
    }
    if (externalIdField != null) {
      requireName(externalIdField, "externalIdField");
    }
    List<Spool> spools = new ArrayList<>();
    try {
      spool(records.iterator(), spools);
      long[] perJob = spools.stream().mapToLong(Spool::records).toArray();
      BulkLimits allowances = limits;
      if (allowances != null) {
        allowances.requireIngest(perJob);
      }
      log.info("Bulk API 2.0 ingest: {} {} records of {} in {} job(s)", operation.wireName(),
          java.util.Arrays.stream(perJob).sum(), sObject, spools.size());
      return report(runJobs(sObject, operation, externalIdField, spools));
    } finally {
      for (Spool s : spools) {
        try {
          Files.deleteIfExists(s.file());
        } catch (IOException e) {
          log.warn("could not delete the Bulk API 2.0 ingest spool {}", s.file(), e);
        }
      }
    }
  }

  private static void requireName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new InvalidInputException(what + " must be an API name (letters, digits, '_'), was '" + Peers.echo(name)
          + "'");
    }
  }

  /** Writes the records as CSV into files of at most {@code jobBytes}, each starting with the header. */
  private void spool(Iterator<? extends Map<String, ?>> records, List<Spool> spools) {
    List<String> header = null;
    Set<String> keys = Set.of();
    byte[] headerLine = new byte[0];
    BufferedWriter out = null;
    Path file = null;
    long bytes = 0;
    long inFile = 0;
    long n = 0;
    try {
      while (records.hasNext()) {
        Map<String, ?> record = records.next();
        n++;
        if (header == null) {
          header = new ArrayList<>(record.keySet());
          for (String name : header) {
            requireName(name, "a field name of the first record");
          }
          keys = new HashSet<>(header);
          headerLine = line(header).getBytes(StandardCharsets.UTF_8);
        } else if (!keys.equals(record.keySet())) {
          throw new InvalidInputException("record " + n + " has the fields " + new java.util.TreeSet<>(
              record.keySet()) + " where the first record has " + new java.util.TreeSet<>(keys) + "; every record "
              + "of a Bulk API 2.0 ingest has the same fields (a null value clears a field)");
        }
        List<String> values = new ArrayList<>(header.size());
        for (String name : header) {
          Object value = record.get(name);
          values.add(value == null ? "#N/A" : String.valueOf(value));
        }
        String text = line(values);
        long size = text.getBytes(StandardCharsets.UTF_8).length;
        if (headerLine.length + size > jobBytes) {
          throw new InvalidInputException("record " + n + " is " + size + " bytes of CSV, more than a Bulk API 2.0 "
              + "ingest job takes with its header (" + jobBytes + ")");
        }
        if (out == null || bytes + size > jobBytes) {
          if (out != null) {
            out.close();
            spools.add(new Spool(java.util.Objects.requireNonNull(file), inFile));
          }
          file = Files.createTempFile("delpha-bulk-ingest-", ".csv");
          out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
          out.write(new String(headerLine, StandardCharsets.UTF_8));
          bytes = headerLine.length;
          inFile = 0;
        }
        out.write(text);
        bytes += size;
        inFile++;
      }
      if (out != null) {
        out.close();
        spools.add(new Spool(java.util.Objects.requireNonNull(file), inFile));
        out = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("spooling a Bulk API 2.0 ingest's records to " + file + " failed", e);
    } finally {
      if (out != null) {
        try {
          out.close();
          Files.deleteIfExists(java.util.Objects.requireNonNull(file));
        } catch (IOException ignored) {
          // the spool is abandoned
        }
      }
    }
    if (n == 0) {
      throw new InvalidInputException("a Bulk API 2.0 ingest needs at least one record");
    }
  }

  /** One CSV line, every field quoted, LF-terminated (the jobs declare {@code lineEnding: LF}). */
  private static String line(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      b.append(i == 0 ? "\"" : ",\"").append(fields.get(i).replace("\"", "\"\"")).append('"');
    }
    return b.append('\n').toString();
  }

  private List<BulkIngestReport.Job> runJobs(String sObject, BulkOperation operation, @Nullable String externalId,
      List<Spool> spools) {
    ExecutorService pool = Workers.daemonPool("delpha-bulk-ingest", Math.min(CONCURRENCY, spools.size()));
    try {
      List<Future<BulkIngestReport.Job>> jobs = new ArrayList<>();
      for (Spool spool : spools) {
        jobs.add(pool.submit(() -> runJob(sObject, operation, externalId, spool)));
      }
      List<BulkIngestReport.Job> done = new ArrayList<>();
      for (Future<BulkIngestReport.Job> job : jobs) {
        done.add(job.get());
      }
      return done;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw Workers.failure(cause, "a Bulk API 2.0 ingest job of " + sObject);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while Bulk API 2.0 ingest jobs of " + sObject + " ran; they "
          + "go on in Salesforce", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs one job to its end; a failure is the job's outcome, not thrown. */
  private BulkIngestReport.Job runJob(String sObject, BulkOperation operation, @Nullable String externalId,
      Spool spool) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", sObject);
    if (externalId != null) {
      body.put("externalIdFieldName", externalId);
    }
    body.put("contentType", "CSV");
    body.put("operation", operation.wireName());
    body.put("lineEnding", "LF");
    String create = "create Bulk API 2.0 ingest job of " + sObject;
    String jobId;
    try {
      jobId = BulkQuery.requireJobId(Json.text(executor.http(create, true,
          s -> http.json(s, create, "POST", "/jobs/ingest", body)), "id"), create);
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", create, e.getMessage());
      return new BulkIngestReport.Job(null, "NotStarted", spool.records(), 0, 0, e.getMessage());
    }
    String what = "Bulk API 2.0 ingest job " + jobId;
    String path = "/jobs/ingest/" + jobId;
    try {
      executor.http("upload " + what + " data", false, s -> {
        http.upload(s, "upload " + what + " data", path + "/batches", "text/csv", spool.file());
        return Boolean.TRUE;
      });
      executor.http("close " + what, true, s -> http.json(s, "close " + what, "PATCH", path,
          Map.of("state", "UploadComplete")));
    } catch (RuntimeException e) {
      log.warn("{}: its data could not be uploaded ({}); aborting it", what, e.getMessage());
      try {
        executor.http("abort " + what, true, s -> http.json(s, "abort " + what, "PATCH", path,
            Map.of("state", "Aborted")));
      } catch (RuntimeException again) {
        log.warn("{} could not be aborted ({}); Salesforce deletes an open job after 24 hours", what,
            again.getMessage());
      }
      return new BulkIngestReport.Job(jobId, "NotStarted", spool.records(), 0, 0, e.getMessage());
    }
    String[] lastState = {"UploadComplete"};
    JsonNode info;
    try {
      Duration timeout = config.bulkTimeout();
      info = polling.poll("read " + what, timeout, () -> {
        JsonNode i = executor.http("read " + what, true, s -> http.json(s, "read " + what, "GET", path, null));
        String state = String.valueOf(Json.text(i, "state"));
        lastState[0] = Peers.echo(state);
        return switch (state) {
          case "JobComplete", "Failed", "Aborted" -> Optional.of(i);
          case "Open", "UploadComplete", "InProgress" -> Optional.empty();
          default -> throw new DataFormatException("read " + what + ": unknown job state '" + Peers.echo(state) + "'");
        };
      }, () -> new ServiceUnavailableException(what + " is still " + lastState[0] + " after " + timeout
          + "; it goes on in Salesforce, whose job page tells its outcome"));
    } catch (RuntimeException e) {
      log.warn("{}: {}", what, e.getMessage());
      return new BulkIngestReport.Job(jobId, lastState[0], spool.records(), 0, 0, e.getMessage());
    }
    String state = String.valueOf(Json.text(info, "state"));
    long processed = Math.min(spool.records(), Math.max(0, info.path("numberRecordsProcessed").asLong(0)));
    long failed = Math.min(processed, Math.max(0, info.path("numberRecordsFailed").asLong(0)));
    String error = "JobComplete".equals(state) ? null : Peers.echo(Json.text(info, "errorMessage"));
    log.info("{} ended {}: {} of {} records processed, {} failed", what, state, processed, spool.records(), failed);
    return new BulkIngestReport.Job(jobId, state, spool.records(), processed, failed, error);
  }

  private static BulkIngestReport report(List<BulkIngestReport.Job> jobs) {
    long records = 0;
    long successful = 0;
    long failed = 0;
    long unprocessed = 0;
    for (BulkIngestReport.Job job : jobs) {
      records += job.records();
      successful += job.successful();
      failed += job.failed();
      unprocessed += job.unprocessed();
    }
    return new BulkIngestReport(records, successful, failed, unprocessed, jobs);
  }
}
