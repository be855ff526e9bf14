package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;

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
   * @param file the file
   * @return a batch reader of the file, no one told of the answer
   */
  default ColumnBatchReader open(FileAction file) {
    return open(file, () -> { });
  }
}
