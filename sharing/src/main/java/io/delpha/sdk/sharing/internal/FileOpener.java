package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Downloads and opens one data file of a read, and says when storage has answered its request: the moment a
 * parallel read hands the connection's previous file to its decoders ({@link ParallelBatchReader}), so that the
 * decode does not take the cores while the next request has yet to go out.
 */
@FunctionalInterface
public interface FileOpener {

  /**
   * @param file the file
   * @param answered run once storage has answered the file's request (its status and headers, before its body),
   *     whatever the status; it may also run later, or not at all if no answer comes, and must not throw
   * @return a batch reader of the file; closing it gives back what holds the file
   */
  ColumnBatchReader open(FileAction file, Runnable answered);

  /**
   * Downloads and opens one file, handing its reader to {@code early} while the file is still arriving where this
   * opener can (a reader that decodes each page as its bytes come in): this method then returns {@code null} once
   * the download is done. By default, nothing is handed early.
   *
   * @param file the file
   * @param answered as {@link #open(FileAction, Runnable)}'s
   * @param early given the reader of a file handed out while it arrives, then its to close
   * @return the reader of the downloaded file, or {@code null} if it was given to {@code early}
   */
  default @Nullable ColumnBatchReader open(FileAction file, Runnable answered, Consumer<ColumnBatchReader> early) {
    return open(file, answered);
  }

  /**
   * @param file the file
   * @return a batch reader of the file, no one told of the answer
   */
  default ColumnBatchReader open(FileAction file) {
    return open(file, () -> { });
  }
}
