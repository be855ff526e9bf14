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
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.ArrivingFile;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.Arrays;
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
 * a link-local or cloud metadata address ({@link ResponseLimits#linkLocalAddresses()}).
 *
 * <p>A file read into memory may be handed to its reader while it still arrives ({@link #open(FileAction,
 * UrlRefresher, String, DownloadSpace, ReadOptions, Runnable, Consumer, FootersAhead)}): its footer is asked for ahead
 * by a ranged request, read to the bytes asked for and taken only from a {@code 206} naming exactly them. Thread-safe.
 */
public final class FileDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);
  private static final int MAX_REFRESHES = 3;
  /** Where the footers asked for ahead of their bodies are fetched. */
  private static final ExecutorService TAILS = Workers.daemonPool("delta-sharing-footer", 4);

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
    return Objects.requireNonNull(open(file, refresher, table, space, options, answered, null, new FootersAhead()),
        "a download that hands nothing early returns its reader");
  }

  /**
   * Downloads and opens a file as {@link #open(FileAction, UrlRefresher, String, DownloadSpace, ReadOptions,
   * Runnable)} does, except that a file read into memory is handed to {@code early} while it is still arriving,
   * when storage answers a ranged request for its footer ({@value #TAIL_BYTES} bytes at most, asked for beside the
   * body's request while {@code ahead} wants it) before half the body has arrived: the reader decodes each page as
   * soon as its bytes are in ({@link ParquetRows#readBatches(ArrivingFile, String, ReadOptions)}, a batch of a whole
   * row group of up to {@value #ARRIVING_BATCH_ROWS} rows) and this method returns once the body has. A failure
   * after that reaches the reader: its read waiting for the rest throws it (a
   * body that breaks is first taken up again from where it broke, by ranged requests, as a retry would fetch it). The
   * footer's bytes are checked against the body's when it arrives: a file that differs is a {@link
   * DataFormatException} to the reader. Storage that ignores the range, a footer longer than the bytes asked for, a
   * body faster than its footer, or an answer in any other way unexpected leaves the download as it would be without
   * {@code early} and counts as a miss in {@code ahead}; a file under 4 x {@value #TAIL_BYTES} bytes is downloaded so
   * without asking.
   *
   * @param file the file action
   * @param refresher where fresh URLs come from
   * @param table the table, for messages
   * @param space where the read's downloads go
   * @param options how the file is read
   * @param answered run once, when storage first answers the file's request
   * @param early given the reader of a file handed out while it arrives (then its to close); {@code null} for none
   * @param ahead the read's account of its footers asked for ahead: none is once they go unused
   * @return the reader of the downloaded file, or {@code null} if it was given to {@code early}
   */
  public @Nullable ColumnBatchReader open(FileAction file, UrlRefresher refresher, String table, DownloadSpace space,
      ReadOptions options, Runnable answered, @Nullable Consumer<ColumnBatchReader> early, FootersAhead ahead) {
    Download<ColumnBatchReader> download = new Download<>(file, refresher, table + " " + file.label(), space, null,
        options, answered);
    download.early = early;
    download.ahead = ahead;
    ColumnBatchReader reader = storage.retrying("download of " + download.name, e -> download.transientFailure,
        download::attempt);
    return reader == HANDED ? null : reader;
  }

  /** What a download returns once it handed its reader out early: never read. */
  private static final ColumnBatchReader HANDED = new ColumnBatchReader() {
    @Override
    public RowSchema schema() {
      throw new IllegalStateException("handed out early");
    }

    @Override
    public @Nullable ColumnBatch next() {
      throw new IllegalStateException("handed out early");
    }

    @Override
    public void close() {}
  };

  /** The most bytes of a file's end asked for ahead of its body, for its footer. */
  static final int TAIL_BYTES = 64 * 1024;
  /** The rows per batch of a file read as it arrives: a whole row group, up to this many rows. */
  static final int ARRIVING_BATCH_ROWS = 1 << 17;
  /** The most times the body of a file handed out while it arrives is taken up again after it broke. */
  static final int MAX_RESUMES = 3;
  /** The magic's bytes at a file's start, read before a reader of it is handed out. */
  private static final int MAGIC_BYTES = 4;
  /** Bytes read from a body between two calls of {@link ArrivingFile#arrived}. */
  private static final int ARRIVAL_STEP = 64 * 1024;

  /**
   * The last {@code n} bytes of the file at {@code url}, by a ranged request through {@link HttpCaller#send} (its
   * refusals of a signed URL over plain http and of link-local addresses apply), or {@code null} if storage does
   * not answer {@code 206} with exactly those bytes, or fails: the download then goes on without them.
   */
  private byte @Nullable [] tail(URI url, String name, long size, int n) {
    try (InputStream body = ranged(url, "the footer of " + name, size - n, size)) {
      if (body == null) {
        return null;
      }
      byte[] bytes = body.readNBytes(n);
      return bytes.length == n ? bytes : null;
    } catch (IOException | RuntimeException e) {
      LOG.debug("no footer ahead for {}: {}", name, e.getClass().getSimpleName());
      return null;
    }
  }

  /**
   * Bytes {@code [from, size)} of the file at {@code url}, by a ranged request through {@link HttpCaller#send} (its
   * refusals of a signed URL over plain http and of link-local addresses apply).
   *
   * @param what the request, for messages (never the URL)
   * @return the answer's body, bounded to those bytes and read under the idle timeout, or {@code null} if storage
   *     answers anything but {@code 206} naming exactly them ({@code Content-Range: bytes from-last/size}); that
   *     answer's body is closed unread
   * @throws ServiceUnavailableException if storage cannot be reached
   */
  private @Nullable InputStream ranged(URI url, String what, long from, long size) {
    HttpResponse<InputStream> response = storage.send(what, storage.request(url)
        .header("Range", "bytes=" + from + "-" + (size - 1)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    String range = response.headers().firstValue("Content-Range").orElse("");
    if (response.statusCode() != 206 || !range.equals("bytes " + from + "-" + (size - 1) + "/" + size)) {
      closeQuietly(response.body());
      return null;
    }
    return BoundedBody.download(response.body(), what, size - from, "declared size", limits);
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
    /** Given the reader of a file handed out while it arrives, if any. */
    private @Nullable Consumer<ColumnBatchReader> early;
    /** The read's account of its footers asked for ahead. */
    private FootersAhead ahead = new FootersAhead();

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
        CompletableFuture<byte @Nullable []> tail = null;
        if (early != null && inMemory && file.size() >= 4L * TAIL_BYTES && ahead.wanted()) {
          long size = file.size();
          tail = CompletableFuture.<byte @Nullable []>supplyAsync(() -> tail(url, name, size, TAIL_BYTES), TAILS);
        }
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
            Consumer<ColumnBatchReader> handTo = early;
            if (tail != null && handTo != null) {
              byte[] buffer = held;
              held = null; // from here on arriving() gives it back
              ColumnBatchReader whole = arriving(url, response.body(), buffer, size, tail, handTo);
              return (T) (whole != null ? whole : HANDED);
            }
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
     * Reads the body into {@code buffer}; once the footer {@code tail} fetches is in (and the file's first bytes), hands
     * a reader of the file, still arriving, to {@code handTo} and goes on reading. Bytes of the body at the footer's
     * place are compared with the footer's, not written. The buffer goes back to the space once both the reader is
     * closed and the body is done with. Once the reader is handed out, a body that breaks is taken up again where it
     * broke, by a ranged request of the rest ({@value #MAX_RESUMES} times at most): the file cannot be downloaded
     * anew, since its reader has read its first bytes.
     *
     * @return the reader of the whole file if the body ended before the footer came, else {@code null} (handed early)
     */
    private @Nullable ColumnBatchReader arriving(URI url, InputStream response, byte[] buffer, int size,
        CompletableFuture<byte @Nullable []> tail, Consumer<ColumnBatchReader> handTo) throws IOException {
      AtomicInteger owners = new AtomicInteger(1); // the body's; the reader's once handed
      Runnable release = () -> {
        if (owners.decrementAndGet() == 0) {
          space().give(buffer);
        }
      };
      ArrivingFile arriving = null;
      byte[] footer = null;
      int tailFrom = size;
      int got = 0;
      int resumes = 0;
      InputStream body = bounded(response);
      try {
        while (got < size) {
          if (arriving == null && got >= MAGIC_BYTES && tail.isDone()) {
            byte[] end = tail.getNow(null);
            // only the footer is taken ahead: every other byte the reader reads comes from the body
            int length = end != null && ArrivingFile.holdsFooter(end) ? ArrivingFile.footerBytes(end) : -1;
            // a body already half in when its footer comes arrives faster than it would decode: read whole
            if (end == null || length < 0 || got >= size / 2) {
              tail = CompletableFuture.completedFuture(null); // not ahead after all: read on as a plain download
            } else {
              footer = Arrays.copyOfRange(end, end.length - length, end.length);
              tailFrom = size - length;
              System.arraycopy(footer, 0, buffer, tailFrom, length);
              ArrivingFile file = new ArrivingFile(buffer, size, tailFrom);
              file.arrived(got);
              owners.incrementAndGet();
              // a file that cannot be opened, or not wrapped, ends the download here, as it would once whole
              // at its end, the reader waits for the whole download, its footer checked against the body's: so a
              // download that fails, or whose footer was not the body's, ends the read however few bytes it needed
              ColumnBatchReader reader = opened(() -> ParquetRows.readBatches(file, name,
                  options.withBatchRows(Math.max(options.batchRows(), ARRIVING_BATCH_ROWS))), name, release,
                  file::awaitWhole);
              handTo.accept(reader);
              arriving = file; // from here on, a failure goes to the reader
              ahead.used();
            }
          }
          int end = arriving == null ? size : tailFrom;
          try {
            if (body == null) {
              body = rest(url, got, size);
            }
            if (got < end) {
              int n = body.read(buffer, got, Math.min(ARRIVAL_STEP, end - got));
              if (n < 0) {
                break;
              }
              got += n;
              if (arriving != null) {
                arriving.arrived(got);
              }
              continue;
            }
            // the footer's place: compared with the footer read ahead, not written
            byte[] footerBytes = Objects.requireNonNull(footer, "an arriving file has its footer");
            byte[] same = body.readNBytes(size - got);
            if (same.length != size - got) {
              got += same.length;
              break;
            }
            if (!Arrays.equals(same, 0, same.length, footerBytes, got - tailFrom, footerBytes.length)) {
              throw new DataFormatException(name + "'s end differs from the footer storage answered for it a moment "
                  + "before: storage holds another file under its URL now, which is not read");
            }
            got = size;
          } catch (IOException e) {
            if (arriving == null || BoundedBody.limitOf(e) != null || resumes >= MAX_RESUMES
                || Thread.currentThread().isInterrupted()) {
              throw e;
            }
            resumes++;
            LOG.debug("the body of {} broke at byte {} ({}): asking for the rest", name, got,
                e.getClass().getSimpleName());
            if (body != null) {
              closeQuietly(body);
            }
            body = null;
          }
        }
        if (body == null) {
          throw new IOException("storage did not answer the rest of the file");
        }
        requireWhole(got);
        if (body.read() >= 0) { // never: one byte past the declared size throws
          throw new IOException("more than " + size + " bytes");
        }
        if (arriving == null) {
          ahead.missed(); // whole before its footer could be used, or the footer not answered as asked
          owners.incrementAndGet();
          return inMemory(buffer, size, name, space(), options, release);
        }
        arriving.arrived(size);
        return null;
      } catch (IOException | RuntimeException | Error e) {
        if (arriving != null) {
          ResponseLimitException limit = e instanceof IOException io ? BoundedBody.limitOf(io) : null;
          arriving.failed(limit != null ? limit : e instanceof DelphaException d ? d
              : e instanceof IOException ? new ServiceUnavailableException("cannot download " + name + " after "
                  + (resumes + 1) + " attempts: " + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : " " + e.getMessage()), e)
              : Workers.failure(e, "downloading " + name));
          return null; // the reader throws it
        }
        throw e;
      } finally {
        if (body != null) {
          closeQuietly(body);
        }
        release.run();
      }
    }

    /**
     * @return the body of a ranged request for the file's bytes from {@code from} on, bounded to them
     * @throws IOException if storage cannot be reached or answers anything but those bytes
     */
    private InputStream rest(URI url, int from, int size) throws IOException {
      InputStream body;
      try {
        body = ranged(url, "download of the rest of " + name, from, size);
      } catch (ServiceUnavailableException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (body == null) {
        throw new IOException("storage did not answer a request of the rest of the file from byte " + from
            + " with those bytes");
      }
      return body;
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
    return inMemory(buffer, size, name, space, options, () -> space.give(buffer));
  }

  /** A reader of the file in {@code buffer}, which runs {@code release} when it closes. */
  private static ColumnBatchReader inMemory(byte[] buffer, int size, String name, DownloadSpace space,
      ReadOptions options, Runnable release) {
    return opened(() -> ParquetRows.readBatches(buffer, size, name, options), name, release);
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
    return opened(open, name, release, () -> { });
  }

  /**
   * @param open opens the reader, whose errors name the data file, never a local copy
   * @param release run once, when the reader closes or fails to open
   * @param atEnd run when the reader has no more batch, before it says so; what it throws, the reader throws
   * @return the reader, which runs {@code release} once it is closed
   */
  private static ColumnBatchReader opened(Supplier<ColumnBatchReader> open, String name, Runnable release,
      Runnable atEnd) {
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
        ColumnBatch batch = reader.next();
        if (batch == null) {
          atEnd.run();
        }
        return batch;
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
