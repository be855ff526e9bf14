package io.delpha.sdk.sharing.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a read still asks for its files' footers ahead of their bodies ({@link FileDownloader#open(
 * QueryResponse.FileAction, UrlRefresher, String, DownloadSpace, io.delpha.sdk.parquet.ReadOptions, Runnable,
 * java.util.function.Consumer, FootersAhead)}): not once {@value #MISSES} in a row went unused, each file whole before
 * its footer's answer (a fast link, where the request only costs) or its footer not answered as asked (storage that
 * ignores ranges). One per read; thread-safe.
 */
public final class FootersAhead {

  /** Footers unused in a row after which a read asks for no more. */
  static final int MISSES = 4;

  private final AtomicInteger missed = new AtomicInteger();

  /** @return whether the next file's footer is worth asking for */
  boolean wanted() {
    return missed.get() < MISSES;
  }

  /** A footer asked for let its file be read as it arrived. */
  void used() {
    missed.set(0);
  }

  /** A footer asked for went unused. */
  void missed() {
    missed.incrementAndGet();
  }

  @Override
  public String toString() {
    return "FootersAhead[" + (wanted() ? "asked" : "no more") + "]";
  }
}
