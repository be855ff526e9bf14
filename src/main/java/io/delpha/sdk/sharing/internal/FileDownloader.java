package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.parquet.ParquetRows;
import io.delpha.sdk.core.parquet.ReadOptions;
import io.delpha.sdk.core.parquet.internal.ByteArrayInputFile;
import io.delpha.sdk.core.parquet.internal.ParquetBatchReader;
import io.delpha.sdk.core.parquet.ColumnBatch;
import io.delpha.sdk.core.parquet.ColumnBatchReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one data file from its presigned URL and opens it: into an array of the read's {@link
 * DownloadBuffers} when its size is known and small enough (decoded from memory, the array reused for the
 * worker's next file once the reader is closed), otherwise to a local spool file deleted on close. The request carries
 * no credentials of ours: the URL's signature is the only authorisation storage gets. An expired URL
 * (by its {@code expirationTimestamp}, or a 403 from storage) is refreshed through {@link UrlRefresher};
 * 429, 5xx, connection failures and truncated bodies are retried. Thread-safe.
 */
public final class FileDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
  private static final int MAX_REFRESHES = 3;

  private final HttpClient storage;
  private final Retrier retry;
  private final Duration requestTimeout;
  private final Duration expiryMargin;
  private final Clock clock;

  /**
   * @param storage the HTTP client for storage (separate from the sharing server's client)
   * @param retry the retries of transient failures
   * @param requestTimeout the timeout until response headers arrive
   * @param expiryMargin refresh a URL that expires sooner than this
   * @param clock the clock
   */
  public FileDownloader(HttpClient storage, Retrier retry, Duration requestTimeout, Duration expiryMargin,
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
   * @param buffers the read's download arrays
   * @return a batch reader of the downloaded file; closing it gives back its array or deletes its spool file
   */
  public ColumnBatchReader open(FileAction file, UrlRefresher refresher, String table, DownloadBuffers buffers) {
    Download download = new Download(file, refresher, table + " file " + file.id(), buffers);
    return retry.call("download of " + download.name, download::attempt, e -> download.transientFailure,
        Retrier.RETHROW);
  }

  /**
   * One file's download: its current URL, refreshed when it expires or storage refuses it (refreshes are
   * not attempts), and whether the last attempt failed in a way worth another (429, 5xx, I/O).
   */
  private final class Download {
    private final FileAction file;
    private final UrlRefresher refresher;
    private final String name;
    private final DownloadBuffers buffers;
    private FileAction current;
    private int refreshes;
    private boolean transientFailure;

    Download(FileAction file, UrlRefresher refresher, String name, DownloadBuffers buffers) {
      this.file = file;
      this.refresher = refresher;
      this.name = name;
      this.buffers = buffers;
      this.current = refresher.latest(file);
    }

    ColumnBatchReader attempt(int attempt) {
      transientFailure = false;
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(current.url())).timeout(requestTimeout).GET().build();
        Path spool = null;
        byte[] held = null;
        try {
          HttpResponse<InputStream> response = storage.send(request, HttpResponse.BodyHandlers.ofInputStream());
          int status = response.statusCode();
          if (status == 200 && file.size() >= 0 && file.size() <= buffers.maxFileBytes()) {
            int size = (int) file.size();
            held = buffers.take(size);
            try (InputStream body = response.body()) {
              int got = body.readNBytes(held, 0, size);
              long more = got < size ? 0 : body.transferTo(OutputStream.nullOutputStream());
              if (got != size || more > 0) {
                throw new IOException("got " + (got + more) + " of " + size + " bytes");
              }
            }
            byte[] buffer = held;
            held = null; // from here on the reader gives it back
            return inMemory(buffer, size, name, buffers);
          }
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
              throw new AccessDeniedException("storage refused " + name + " (HTTP 403) even with "
                  + MAX_REFRESHES + " refreshed URLs");
            }
            LOG.debug("storage refused {} (403): refreshing its URL", name);
            current = refresher.refresh(current);
            continue;
          }
          if (status == 404) {
            throw new NotFoundException("storage has no " + name + " (HTTP 404): the table changed since it was queried");
          }
          transientFailure = status == 429 || status >= 500;
          throw HttpStatus.exceptionFor(status, "storage answered HTTP " + status + " for " + name
              + (transientFailure ? " after " + attempt + " attempts" : ""), null);
        } catch (IOException e) {
          deleteQuietly(spool);
          giveBack(held);
          transientFailure = true;
          throw new ServiceUnavailableException("cannot download " + name + " after " + attempt + " attempts: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
          deleteQuietly(spool);
          giveBack(held);
          Thread.currentThread().interrupt();
          throw new ServiceUnavailableException("interrupted while downloading " + name);
        } catch (RuntimeException e) {
          deleteQuietly(spool);
          giveBack(held);
          throw e;
        }
      }
    }

    private void giveBack(byte[] buffer) {
      if (buffer != null) {
        buffers.give(buffer);
      }
    }
  }

  /** A reader of the file in {@code buffer}; the buffer goes back to {@code buffers} once, when it closes. */
  private static ColumnBatchReader inMemory(byte[] buffer, int size, String name, DownloadBuffers buffers) {
    AtomicBoolean given = new AtomicBoolean();
    Runnable giveBack = () -> {
      if (given.compareAndSet(false, true)) {
        buffers.give(buffer);
      }
    };
    try {
      ByteArrayInputFile input = new ByteArrayInputFile(buffer, size);
      input.requireMagic(name);
      return new ParquetBatchReader(name, input, ReadOptions.defaults(), giveBack);
    } catch (DataFormatException e) {
      giveBack.run();
      throw new DataFormatException(name + " is not a readable Parquet file: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      giveBack.run();
      throw e;
    }
  }

  private static ColumnBatchReader spooled(Path spool, String name) {
    ColumnBatchReader inner;
    try {
      inner = ParquetRows.readBatches(spool);
    } catch (RuntimeException e) {
      deleteQuietly(spool);
      throw e instanceof DataFormatException ? new DataFormatException(name + " is not a readable Parquet file: "
          + e.getMessage(), e) : e;
    }
    return new ColumnBatchReader() {
      @Override
      public RowSchema schema() {
        return inner.schema();
      }

      @Override
      public ColumnBatch next() {
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
