package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The files of one read, handed out one at a time as the read's downloaders ask for them: a list already in
 * memory, or the pages of a paged query fetched as the read reaches them ({@link QueryPages}), so a table of a
 * million files is held a page at a time, never whole.
 */
public interface FileSource {

  /**
   * @return the next file, {@code null} after the last (and on every call after that); may block while the next
   *     page is fetched. Called by one thread at a time (the reader serialises its downloaders' calls)
   * @throws io.delpha.sdk.core.DelphaException if the next page cannot be read: the read ends with it
   */
  @Nullable FileAction next();

  /**
   * Tells the source a file it handed out no longer needs a fresh URL (it was downloaded and opened, or failed).
   * Thread-safe.
   *
   * @param file a file {@link #next()} returned
   */
  default void done(FileAction file) {}

  /** Ends what the source does ahead of the read (a page asked for ahead); called when the read closes. */
  default void close() {}

  /** @return how many files the read may hold at once to good use: the files known so far, at least one */
  int sizeHint();

  /**
   * @return how many files are known to be left after those {@link #next()} handed out; {@link Integer#MAX_VALUE}
   *     while that is not known (a page still to come). Called by one thread at a time, as {@link #next()}
   */
  default int left() {
    return Integer.MAX_VALUE;
  }

  /**
   * @param files the files
   * @return a source of a list's files, in order
   */
  static FileSource of(List<FileAction> files) {
    List<FileAction> copy = List.copyOf(files);
    return new FileSource() {
      private int next;

      @Override
      public @Nullable FileAction next() {
        return next < copy.size() ? copy.get(next++) : null;
      }

      @Override
      public int sizeHint() {
        return Math.max(1, copy.size());
      }

      @Override
      public int left() {
        return copy.size() - next;
      }
    };
  }
}
