package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Fresh presigned URLs for the files of one query, by re-sending the query. Concurrent downloads that
 * find their URLs expired share one re-query. Thread-safe.
 */
public final class UrlRefresher {

  private final Function<FileAction, List<FileAction>> requery;
  private final String table;
  /** The most file actions kept from refreshes, so a paged read's refreshes hold a few pages, not the table. */
  private static final int MAX_KEPT = 200_000;

  private final Map<String, FileAction> latest = new HashMap<>();
  private int refreshes;

  /**
   * @param requery sends the query again and returns its file actions
   * @param table the table, for messages
   */
  public UrlRefresher(Supplier<List<FileAction>> requery, String table) {
    this(stale -> requery.get(), table);
  }

  /**
   * @param requery given the file whose URL expired, asks the server again and returns file actions that should
   *     name it (a paged query's page of that file: {@link QueryPages#refetch})
   * @param table the table, for messages
   */
  public UrlRefresher(Function<FileAction, List<FileAction>> requery, String table) {
    this.requery = requery;
    this.table = table;
  }

  /**
   * @param file a file of the query
   * @return the file with the newest URL known for it
   */
  public synchronized FileAction latest(FileAction file) {
    return latest.getOrDefault(key(file), file);
  }

  /**
   * @param stale a file whose URL has expired or been refused
   * @return the file with a new URL
   * @throws NotFoundException if the new answer no longer lists the file
   */
  public synchronized FileAction refresh(FileAction stale) {
    FileAction known = latest.get(key(stale));
    if (known != null && !known.url().equals(stale.url())) {
      return known; // another download refreshed it meanwhile
    }
    List<FileAction> fresh = requery.apply(stale);
    if (latest.size() + fresh.size() > MAX_KEPT) {
      latest.clear(); // a paged read's refreshes: keep the newest pages, not every page's
    }
    for (FileAction f : fresh) {
      latest.put(key(f), f);
    }
    refreshes++;
    FileAction renewed = latest.get(key(stale));
    if (renewed == null) {
      throw new NotFoundException(stale.label() + " of " + table
          + " is no longer in the table; the table changed while it was read");
    }
    return renewed;
  }

  /**
   * @return how many times the query was sent again
   */
  public synchronized int refreshes() {
    return refreshes;
  }

  private static String key(FileAction f) {
    return f.kind() + ":" + f.id() + ":" + f.version();
  }
}
