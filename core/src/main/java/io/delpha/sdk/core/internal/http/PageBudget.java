package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The budget of one paged read (a SOQL query's pages, a Bulk API job's result pages, a sharing server's list pages):
 * at most {@link ResponseLimits#maxPages()} pages and {@link ResponseLimits#maxRequests()} requests, and progress on
 * every page: the handle to the next page (a {@code nextRecordsUrl}, a locator, a page token) must be one the read
 * has not been given before, and at most {@link ResponseLimits#maxEmptyPages()} pages in a row may hold nothing. A
 * peer that loops, renews handles forever or serves empty pages ends the read with a {@link ResponseLimitException}
 * naming the limit. Handles are kept as 128-bit digests, so a read remembers at most {@code maxPages} of them in a
 * few MB whatever their length.
 *
 * <pre>{@code
 * PageBudget budget = PageBudget.of("query", limits);
 * do {
 *   budget.request();                    // before each request, retries included
 *   Page page = fetch(handle);
 *   handle = budget.page(page.next(), page.size());   // checks the handle moved and the page count
 * } while (handle != null);
 * }</pre>
 *
 * <p>Not thread-safe: one read, one thread at a time.
 */
public final class PageBudget {

  private final String what;
  private final ResponseLimits limits;
  private final Set<Digest> seen = new HashSet<>();
  private int pages;
  private int requests;
  private int emptyInARow;

  private PageBudget(String what, ResponseLimits limits) {
    this.what = what;
    this.limits = limits;
  }

  /**
   * @param what the read, for messages (never a credential)
   * @param limits the limits
   * @return the budget of a new read
   */
  public static PageBudget of(String what, ResponseLimits limits) {
    return new PageBudget(what, limits);
  }

  /**
   * Counts a request about to be sent.
   *
   * @throws ResponseLimitException ({@code maxRequests}) if the read has sent as many as it may
   */
  public void request() {
    if (requests >= limits.maxRequests()) {
      throw new ResponseLimitException("maxRequests", what + ": the read would send more than "
          + limits.maxRequests() + " requests (ResponseLimits.maxRequests); it was stopped and nothing of it was "
          + "returned as whole", null);
    }
    requests++;
  }

  /**
   * Counts a page just read and checks its handle to the next one.
   *
   * @param next the handle to the next page, {@code null} (or empty) when this page was the last
   * @param items what the page held (records, rows, items)
   * @return {@code next}, or {@code null} when it is empty
   * @throws ResponseLimitException ({@code maxPages}, {@code maxEmptyPages}, or {@code page handle} for a handle seen
   *     before in this read)
   */
  public @Nullable String page(@Nullable String next, long items) {
    pages++;
    emptyInARow = items > 0 ? 0 : emptyInARow + 1;
    if (next == null || next.isEmpty()) {
      return null;
    }
    if (pages >= limits.maxPages()) {
      throw new ResponseLimitException("maxPages", what + ": the answer has more than " + limits.maxPages()
          + " pages (ResponseLimits.maxPages); the read was stopped and nothing of it was returned as whole", null);
    }
    if (emptyInARow >= limits.maxEmptyPages()) {
      throw new ResponseLimitException("maxEmptyPages", what + ": " + emptyInARow + " pages in a row held nothing "
          + "and named another page (ResponseLimits.maxEmptyPages); the peer is not making progress, the read was "
          + "stopped", null);
    }
    if (!seen.add(Digest.of(next))) {
      throw new ResponseLimitException("page handle", what + ": page " + pages + " names a next page already read "
          + "in this read (" + Peers.echo(next) + "); the peer loops, the read was stopped and nothing of it was "
          + "returned as whole", null);
    }
    return next;
  }

  /** @return the pages counted so far */
  public int pages() {
    return pages;
  }

  /** @return the requests counted so far */
  public int requests() {
    return requests;
  }

  private record Digest(long high, long low) {
    static Digest of(String handle) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(handle.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
          h = (h << 8) | (d[i] & 0xff);
          l = (l << 8) | (d[i + 8] & 0xff);
        }
        return new Digest(h, l);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }
}
