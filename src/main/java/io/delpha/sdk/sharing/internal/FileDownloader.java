package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.parquet.ParquetRows;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one data file from its presigned URL to a local spool file and opens it. The request carries
 * no credentials of ours: the URL's signature is the only authorisation storage gets. An expired URL
 * (by its {@code expirationTimestamp}, or a 403 from storage) is refreshed through {@link UrlRefresher};
 * 429, 5xx, connection failures and truncated bodies are retried. Thread-safe.
 */
public final class FileDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
  private static final int MAX_REFRESHES = 3;

  private final HttpClient storage;
  private final RetryPolicy retry;
  private final Duration requestTimeout;
  private final Duration expiryMargin;
  private final Clock clock;

  /**
   * @param storage the HTTP client for storage (separate from the sharing server's client)
   * @param retry the retry policy for transient failures
   * @param requestTimeout the timeout until response headers arrive
   * @param expiryMargin refresh a URL that expires sooner than this
   * @param clock the clock
   */
  public FileDownloader(HttpClient storage, RetryPolicy retry, Duration requestTimeout, Duration expiryMargin,
      Clock clock) {
    this.storage = storage;
    this.retry = retry;
    this.requestTimeout = requestTimeout;
    this.expiryMargin = expiryMargin;
    this.clock = clock;
  }

  /**
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @return a reader of the downloaded file; closing it deletes the local copy
   */
  public RowReader open(FileAction file, UrlRefresher refresher, String table) {
    FileAction current = refresher.latest(file);
    String name = table + " file " + file.id();
    int attempt = 0;
    int refreshes = 0;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new ServiceUnavailableException("interrupted while downloading " + name);
      }
      if (current.expirationTimestamp() != null
          && clock.millis() + expiryMargin.toMillis() >= current.expirationTimestamp()) {
        if (refreshes++ >= MAX_REFRESHES) {
          throw new ServiceUnavailableException("the sharing server keeps handing out expired URLs for " + name);
        }
        LOG.debug("URL of {} expires at {}: refreshing", name, current.expirationTimestamp());
        current = refresher.refresh(current);
        continue;
      }
      attempt++;
      HttpRequest request = HttpRequest.newBuilder(URI.create(current.url())).timeout(requestTimeout).GET().build();
      Path spool = null;
      try {
        HttpResponse<InputStream> response = storage.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 200) {
          spool = Files.createTempFile("delpha-sharing-", ".parquet");
          try (InputStream body = response.body()) {
            Files.copy(body, spool, StandardCopyOption.REPLACE_EXISTING);
          }
          long got = Files.size(spool);
          if (file.size() >= 0 && got != file.size()) {
            throw new IOException("got " + got + " of " + file.size() + " bytes");
          }
          return spooled(spool, name);
        }
        drain(response.body());
        if (status == 403) {
          if (refreshes++ >= MAX_REFRESHES) {
            throw new io.delpha.sdk.core.AccessDeniedException("storage refused " + name + " (HTTP 403) even with "
                + MAX_REFRESHES + " refreshed URLs");
          }
          LOG.debug("storage refused {} (403): refreshing its URL", name);
          current = refresher.refresh(current);
          attempt--;
          continue;
        }
        if (status == 404) {
          throw new NotFoundException("storage has no " + name + " (HTTP 404): the table changed since it was queried");
        }
        if ((status == 429 || status >= 500) && retry.canRetryAfter(attempt)) {
          retry.pauseAfter(attempt);
          continue;
        }
        throw status == 429 || status >= 500
            ? new ServiceUnavailableException("storage answered HTTP " + status + " for " + name + " after "
                + attempt + " attempts")
            : new DelphaException("storage answered HTTP " + status + " for " + name);
      } catch (IOException e) {
        deleteQuietly(spool);
        if (!retry.canRetryAfter(attempt)) {
          throw new ServiceUnavailableException("cannot download " + name + " after " + attempt + " attempts: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        LOG.debug("download of {} failed ({}), retrying", name, e.toString());
        retry.pauseAfter(attempt);
      } catch (InterruptedException e) {
        deleteQuietly(spool);
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while downloading " + name);
      } catch (RuntimeException e) {
        deleteQuietly(spool);
        throw e;
      }
    }
  }

  private static RowReader spooled(Path spool, String name) {
    RowReader inner;
    try {
      inner = ParquetRows.read(spool);
    } catch (RuntimeException e) {
      deleteQuietly(spool);
      throw e instanceof DataFormatException ? new DataFormatException(name + " is not a readable Parquet file: "
          + e.getMessage(), e) : e;
    }
    return new RowReader() {
      @Override
      public RowSchema schema() {
        return inner.schema();
      }

      @Override
      public boolean hasNext() {
        return inner.hasNext();
      }

      @Override
      public Row next() {
        return inner.next();
      }

      @Override
      public void close() {
        try {
          inner.close();
        } finally {
          deleteQuietly(spool);
        }
      }
    };
  }

  private static void drain(InputStream in) {
    try (in) {
      in.readNBytes(64 * 1024);
    } catch (IOException e) {
      // the status already says what went wrong
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debug("cannot delete spool file {}", p);
      }
    }
  }
}
