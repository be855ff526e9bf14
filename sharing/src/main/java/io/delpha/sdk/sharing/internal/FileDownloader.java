package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one data file from its presigned URL and opens it: into an array of the read's {@link
 * DownloadSpace} when it is small enough (decoded from memory, the array reused for the worker's next file once
 * the reader is closed), otherwise to a local spool file deleted on close. The request carries no credentials of
 * ours: the URL's signature is the only authorisation storage gets. Every request goes through {@link
 * HttpCaller#send}, so a signed URL goes over plain {@code http} only to loopback unless the caller allows it
 * ({@link ResponseLimits#credentialsOverPlainHttp()}). An expired URL (by its {@code expirationTimestamp}, or a 403
 * from storage) is refreshed through {@link UrlRefresher}; 429, 5xx, connection failures and a connection that
 * breaks mid-body are retried.
 *
 * <p>What storage sends is trusted no further than the sharing server's answer: a URL must be an absolute {@code
 * http(s)} URL without user info, else a {@link DataFormatException} before anything is sent; the declared {@code
 * size} is checked before the request ({@link BoundedBody#requireSpoolable}: at most {@link
 * ResponseLimits#maxDeclaredBytes()}, and a file to spool must leave {@link ResponseLimits#minFreeDiskBytes()} free
 * on the spool's disk); an answer whose {@code Content-Length} is not the declared size is refused before its body is
 * read; a body is read to the declared size and refused at the next byte (a {@link ResponseLimitException}); a body
 * that ends, complete, before the declared size is a {@link DataFormatException}; neither is retried (the same URL
 * would answer the same way), and nothing past the declared size is kept in memory or on disk, nor any partial spool
 * file once a download fails. Each read waits at most the {@link ResponseLimits#idleTimeout()}, and the body must
 * keep {@link ResponseLimits#minBytesPerSecond()}. Storage's redirects are followed, since they carry nothing of
 * ours, hop by hop by {@link HttpCaller#sendFollowingRedirects} (never from {@code https} to {@code http}, at most 5
 * in a chain), so each hop, like the URL itself, is refused before anything is sent to it when its host resolves to
 * a link-local or cloud metadata address ({@link ResponseLimits#linkLocalAddresses()}). Thread-safe.
 */
public final class FileDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
  private static final int MAX_REFRESHES = 3;

  private final HttpCaller storage;
  private final Duration expiryMargin;
  private final Clock clock;
  private final ResponseLimits limits;

  /**
   * @param storage the caller for storage (its own client, following redirects; the request timeout until
   *     response headers arrive; the retries of transient failures)
   * @param expiryMargin refresh a URL that expires sooner than this
   * @param clock the clock
   * @param limits the idle timeout of storage reads, and {@code maxBodyBytes} for deletion vector files
   */
  public FileDownloader(HttpCaller storage, Duration expiryMargin, Clock clock, ResponseLimits limits) {
    this.storage = storage;
    this.expiryMargin = expiryMargin;
    this.clock = clock;
    this.limits = limits;
  }

  /**
   * @param url a URL the sharing server handed out for storage
   * @param what the file, for messages
   * @return the URL, if it is an absolute {@code http} or {@code https} URL with a host and no user info
   * @throws DataFormatException otherwise (the message names the scheme, never the URL: it may carry a signature)
   */
  static URI storageUri(String url, String what) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new DataFormatException("the sharing server handed out a malformed URL for " + what + " ("
          + e.getReason() + ")", e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
      throw new DataFormatException("the sharing server handed out a " + (scheme == null ? "relative" : scheme + ":")
          + " URL for " + what + ", which this client never fetches (it reads pre-signed http(s) URLs only)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new DataFormatException("the sharing server handed out a URL with user info (user@host) for " + what
          + ", which this client never fetches");
    }
    if (uri.getHost() == null || uri.isOpaque()) {
      throw new DataFormatException("the sharing server handed out a URL without a host for " + what);
    }
    return uri;
  }

  /**
   * {@link #open(FileAction, UrlRefresher, String, DownloadSpace, ReadOptions)} with the default options.
   *
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param space where the read's downloads go
   * @return a batch reader of the downloaded file
   */
  public ColumnBatchReader open(FileAction file, UrlRefresher refresher, String table, DownloadSpace space) {
    return open(file, refresher, table, space, ReadOptions.defaults());
  }

  /**
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param space where the read's downloads go
   * @param options how the file is read (the table's VARIANT columns, which Delta writes without annotation)
   * @return a batch reader of the downloaded file; closing it gives back its array or deletes its spool file
   */
  public ColumnBatchReader open(FileAction file, UrlRefresher refresher, String table, DownloadSpace space,
      ReadOptions options) {
    return open(file, refresher, table, space, options, () -> { });
  }

  /**
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param space where the read's downloads go
   * @param options how the file is read (the table's VARIANT columns, which Delta writes without annotation)
   * @param answered run once, when storage first answers the file's request (its status and headers, before the
   *     body is read), whatever the status
   * @return a batch reader of the downloaded file; closing it gives back its array or deletes its spool file
   */
  public ColumnBatchReader open(FileAction file, UrlRefresher refresher, String table, DownloadSpace space,
      ReadOptions options, Runnable answered) {
    Download<ColumnBatchReader> download = new Download<>(file, refresher, table + " " + file.label(), space, null,
        options, answered);
    return storage.retrying("download of " + download.name, e -> download.transientFailure, download::attempt);
  }

  /**
   * Downloads one data file to {@code target}: written to a temporary file beside it, checked (its size against
   * the query's, the Parquet magic at both ends) and only then renamed into place, so {@code target} is either
   * absent or the whole file. Refreshes and retries as {@link #open} does.
   *
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param target where the file goes (replaced if present)
   * @return the bytes written
   * @throws DataFormatException if the body is not a Parquet file
   */
  public long downloadTo(FileAction file, UrlRefresher refresher, String table, Path target) {
    Download<Long> download = new Download<>(file, refresher, table + " " + file.label(), null, target,
        ReadOptions.defaults(), null);
    return storage.retrying("download of " + download.name, e -> download.transientFailure, download::attempt);
  }

  /**
   * The largest deletion vector file fetched, whatever {@code maxBodyBytes} says (a file holds the bitmaps of one
   * commit's files, read into one array).
   */
  static final int MAX_DELETION_VECTOR_FILE_BYTES = 256 * 1024 * 1024;

  /**
   * Fetches the whole file that holds a data file's deletion vector, refreshing its URL when it expires or
   * storage refuses it, as a data file's, and retrying transient failures.
   *
   * @param file a file action with a deletion vector stored in a file
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param root the table's root, for a vector stored relative to it
   * @return the file's bytes
   * @throws ResponseLimitException if the file is larger than {@link ResponseLimits#maxBodyBytes()} (at most
   *     {@value #MAX_DELETION_VECTOR_FILE_BYTES} bytes)
   * @throws DataFormatException if its URL is not an http(s) URL
   */
  public byte[] fetchDeletionVectorFile(FileAction file, UrlRefresher refresher, String table, @Nullable URI root) {
    String name = table + " " + file.label() + "'s deletion vector";
    boolean[] transientFailure = {false};
    FileAction[] current = {refresher.latest(file)};
    int[] refreshes = {0};
    return storage.retrying("download of " + name, e -> transientFailure[0], attempt -> {
      transientFailure[0] = false;
      while (true) {
        FileAction now = current[0];
        if (now.expirationTimestamp() != null
            && clock.millis() + expiryMargin.toMillis() >= now.expirationTimestamp()) {
          if (refreshes[0]++ >= MAX_REFRESHES) {
            throw new ServiceUnavailableException("the sharing server keeps handing out expired URLs for " + name);
          }
          current[0] = refresher.refresh(now);
          continue;
        }
        DeletionVector dv = java.util.Objects.requireNonNull(now.deletionVector(), "the file has a deletion vector");
        URI url = storageUri(dv.location(root), name);
        long max = Math.min(MAX_DELETION_VECTOR_FILE_BYTES, limits.maxBodyBytes());
        HttpResponse<InputStream> response;
        try {
          response = get(url, name, attempt);
        } catch (ServiceUnavailableException e) {
          transientFailure[0] = !Thread.currentThread().isInterrupted();
          throw e;
        }
        try {
          int status = response.statusCode();
          if (status == 200) {
            try (InputStream body = BoundedBody.whole(response.body(), name, max, "maxBodyBytes", limits)) {
              return body.readAllBytes(); // read whole, so under bodyTimeout as every answer read whole
            }
          }
          HttpCaller.drain(response.body());
          if (status == 403) {
            if (refreshes[0]++ >= MAX_REFRESHES) {
              throw new AccessDeniedException("storage refused " + name + " (HTTP 403) even with "
                  + MAX_REFRESHES + " refreshed URLs");
            }
            current[0] = refresher.refresh(now);
            continue;
          }
          if (status == 404) {
            throw new NotFoundException("storage has no " + name + " (HTTP 404): the table changed since it was "
                + "queried");
          }
          if (status >= 300 && status < 400) {
            throw redirectNotFollowed(status, name);
          }
          transientFailure[0] = status == 429 || status >= 500;
          throw HttpCaller.failure(status, "storage answered HTTP " + status + " for " + name
              + (transientFailure[0] ? " after " + attempt + " attempts" : ""), response.headers());
        } catch (IOException e) {
          ResponseLimitException limit = BoundedBody.limitOf(e);
          if (limit != null) {
            throw limit;
          }
          transientFailure[0] = true;
          throw new ServiceUnavailableException("cannot download " + name + " after " + attempt + " attempts: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
      }
    });
  }

  /**
   * One GET of a storage URL and its redirects, each hop through {@link HttpCaller#send}: its refusal of a signed
   * URL over plain {@code http} off loopback and of a link-local or metadata address, and its mapping of a failure to
   * reach storage to a {@link ServiceUnavailableException}.
   */
  private HttpResponse<InputStream> get(URI url, String name, int attempt) {
    return storage.sendFollowingRedirects("download of " + name + (attempt > 1 ? " after " + attempt + " attempts" : ""),
        storage.request(url).GET().build());
  }

  /**
   * One file's download: its current URL, refreshed when it expires or storage refuses it (refreshes are
   * not attempts), and whether the last attempt failed in a way worth another (429, 5xx, I/O).
   */
  private final class Download<T> {
    private final FileAction file;
    private final UrlRefresher refresher;
    private final String name;
    private final @Nullable DownloadSpace space;
    private final @Nullable Path target;
    private final ReadOptions options;
    private FileAction current;
    private int refreshes;
    private boolean transientFailure;
    /** Run at the first answer, then dropped. */
    private @Nullable Runnable answered;

    /**
     * Either {@code space} (open a reader) or {@code target} (download to that file) is given; {@code answered}, if
     * given, runs at storage's first answer.
     */
    Download(FileAction file, UrlRefresher refresher, String name, @Nullable DownloadSpace space, @Nullable Path target,
        ReadOptions options, @Nullable Runnable answered) {
      this.file = file;
      this.answered = answered;
      this.options = options;
      this.refresher = refresher;
      this.name = name;
      this.space = space;
      this.target = target;
      this.current = refresher.latest(file);
    }

    @SuppressWarnings("unchecked")
    T attempt(int attempt) {
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
        if (file.size() < 0) {
          throw new DataFormatException(name + " has no declared size; the protocol requires one, and this client "
              + "reads no file it cannot bound");
        }
        boolean inMemory = target == null && file.size() <= space().maxFileBytes();
        // before a byte is asked for: a size no disk (or setting) can take is refused, typed, and never retried
        BoundedBody.requireSpoolable(file.size(), target != null ? target : inMemory ? null : space().spoolFolder(),
            name, limits);
        URI url = storageUri(current.url(), name);
        HttpResponse<InputStream> response;
        try {
          response = get(url, name, attempt);
        } catch (ServiceUnavailableException e) {
          transientFailure = !Thread.currentThread().isInterrupted();
          throw e;
        }
        Runnable first = answered;
        if (first != null) {
          answered = null;
          first.run();
        }
        Path spool = null;
        byte[] held = null;
        try {
          int status = response.statusCode();
          if (status == 200) {
            requireDeclaredLength(response);
          }
          if (status == 200 && target != null) {
            spool = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".part");
            try (InputStream body = bounded(response.body())) {
              Files.copy(body, spool);
            }
            long got = Files.size(spool);
            requireWhole(got);
            String notPlain = notPlainParquet(spool, got);
            if (notPlain != null) {
              throw new DataFormatException(name + " " + notPlain);
            }
            Files.move(spool, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            spool = null;
            return (T) Long.valueOf(got);
          }
          if (status == 200 && inMemory) {
            int size = (int) file.size();
            held = space().take(size);
            try (InputStream body = bounded(response.body())) {
              int got = body.readNBytes(held, 0, size);
              requireWhole(got);
              if (body.read() >= 0) { // never: one byte past the declared size throws
                throw new IOException("more than " + size + " bytes");
              }
            }
            byte[] buffer = held;
            held = null; // from here on the reader gives it back
            return (T) inMemory(buffer, size, name, space(), options);
          }
          if (status == 200) {
            spool = space().newSpoolFile();
            try (InputStream body = bounded(response.body())) {
              Files.copy(body, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            requireWhole(Files.size(spool));
            Path done = spool;
            spool = null; // from here on the reader deletes it
            return (T) spooled(done, name, options);
          }
          HttpCaller.drain(response.body());
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
          if (status >= 300 && status < 400) {
            throw redirectNotFollowed(status, name);
          }
          transientFailure = status == 429 || status >= 500;
          throw HttpCaller.failure(status, "storage answered HTTP " + status + " for " + name
              + (transientFailure ? " after " + attempt + " attempts" : ""), response.headers());
        } catch (IOException e) {
          deleteQuietly(spool);
          giveBack(held);
          ResponseLimitException limit = BoundedBody.limitOf(e);
          if (limit != null) {
            throw limit; // the same URL would answer the same way: not retried
          }
          // the connection broke mid-body (a body that ended early but whole is requireWhole's, not retried)
          transientFailure = !Thread.currentThread().isInterrupted();
          throw new ServiceUnavailableException("cannot download " + name + " after " + attempt + " attempts: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (RuntimeException | Error e) {
          deleteQuietly(spool);
          giveBack(held);
          closeQuietly(response.body());
          throw e;
        }
      }
    }

    /**
     * Refuses an answer whose {@code Content-Length} is not the size the sharing server declared, before its body is
     * read: more is a {@link ResponseLimitException} ({@code declared size}), less a {@link DataFormatException};
     * neither is retried. An answer without a {@code Content-Length} is checked as it is read.
     */
    private void requireDeclaredLength(HttpResponse<InputStream> response) {
      OptionalLong length;
      try {
        length = response.headers().firstValue("Content-Length").map(v -> OptionalLong.of(
            PeerNumbers.parseLong(v, 0, Long.MAX_VALUE, name + ": storage's Content-Length")))
            .orElse(OptionalLong.empty());
      } catch (DataFormatException e) {
        closeQuietly(response.body());
        throw e;
      }
      if (length.isEmpty() || length.getAsLong() == file.size()) {
        return;
      }
      closeQuietly(response.body());
      String said = name + ": storage's answer is " + length.getAsLong() + " bytes long (Content-Length) and the "
          + "sharing server declared " + file.size();
      if (length.getAsLong() > file.size()) {
        throw new ResponseLimitException("declared size", said + " (declared size); nothing of it was read", null);
      }
      throw new DataFormatException(said + "; nothing of it was read, and it is not fetched again");
    }

    /**
     * @param got the bytes a body held when it ended, whole (not cut by a broken connection)
     * @throws DataFormatException if that is less than the declared size: storage holds another file than the
     *     sharing server described, which another attempt would not change
     */
    private void requireWhole(long got) {
      if (got != file.size()) {
        throw new DataFormatException(name + " is shorter than its declared size: got " + got + " of " + file.size()
            + " bytes, in an answer that ended whole; nothing of it was used, and it is not fetched again");
      }
    }

    /** @return the body, refused one byte past the file's declared size, each read within the idle timeout */
    private InputStream bounded(InputStream body) {
      return BoundedBody.download(body, name, file.size(), "declared size", limits);
    }

    private void giveBack(byte @Nullable [] buffer) {
      if (buffer != null) {
        space().give(buffer);
      }
    }

    /** The space of a download into memory or a spool file: every download without a target has one. */
    private DownloadSpace space() {
      return Objects.requireNonNull(space, "a download without a target has a space");
    }
  }

  /**
   * @return the failure for a redirect the JDK client did not follow: from {@code https} to {@code http}, or past
   *     the end of a chain of 5
   */
  private static DataFormatException redirectNotFollowed(int status, String name) {
    return new DataFormatException("storage answered " + name + " with a redirect (HTTP " + status + ") this client "
        + "does not follow: to plain http from https, to a URL it cannot read, or past a chain of 5 redirects");
  }

  /**
   * Why a file is not a Parquet file a share's reads can open, or {@code null} if it is: {@code PAR1} at both ends. A
   * file with an encrypted footer ({@code PARE}) is named as such: a share serves no keys to decrypt it.
   */
  private static @Nullable String notPlainParquet(Path file, long size) throws IOException {
    if (size >= 12) { // the magic, the footer's length, the magic
      try (SeekableByteChannel ch = Files.newByteChannel(file)) {
        boolean plain = ParquetRows.startsWithMagic(Channels.newInputStream(ch));
        ch.position(0);
        boolean encrypted = !plain && ParquetRows.startsWithEncryptedMagic(Channels.newInputStream(ch));
        ch.position(size - 4);
        if (plain && ParquetRows.startsWithMagic(Channels.newInputStream(ch))) {
          return null;
        }
        if (encrypted && ParquetRows.startsWithEncryptedMagic(Channels.newInputStream(ch))) {
          return "is a Parquet file with an encrypted footer (PARE magic), which a share's reads cannot decrypt: "
              + "Delta Sharing serves no keys";
        }
      }
    }
    return "is not a Parquet file (" + size + " bytes without the PAR1 magic at both ends)";
  }

  /** A reader of the file in {@code buffer}, which goes back to {@code space} when the reader closes. */
  private static ColumnBatchReader inMemory(byte[] buffer, int size, String name, DownloadSpace space,
      ReadOptions options) {
    return opened(() -> ParquetRows.readBatches(buffer, size, name, options), name,
        () -> space.give(buffer));
  }

  /** A reader of the spooled file, which is deleted when the reader closes. */
  private static ColumnBatchReader spooled(Path spool, String name, ReadOptions options) {
    return opened(() -> ParquetRows.readBatches(spool, name, options), name,
        () -> deleteQuietly(spool));
  }

  /**
   * @param open opens the reader, whose errors name the data file, never a local copy
   * @param release run once, when the reader closes or fails to open
   * @return the reader, which runs {@code release} once it is closed
   */
  private static ColumnBatchReader opened(Supplier<ColumnBatchReader> open, String name, Runnable release) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable once = () -> {
      if (released.compareAndSet(false, true)) {
        release.run();
      }
    };
    ColumnBatchReader reader;
    try {
      reader = open.get();
    } catch (DataFormatException e) {
      once.run();
      throw new DataFormatException(name + " is not a readable Parquet file: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      once.run();
      throw e;
    }
    return new ColumnBatchReader() {
      @Override
      public RowSchema schema() {
        return reader.schema();
      }

      @Override
      public @Nullable ColumnBatch next() {
        return reader.next();
      }

      @Override
      public void close() {
        try {
          reader.close();
        } finally {
          once.run();
        }
      }

      @Override
      public String toString() {
        return reader.toString();
      }
    };
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // nothing left to read
    }
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debug("cannot delete spool file {}", p);
      }
    }
  }
}
