package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.internal.DeletionVector.DeletedRows;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import java.util.concurrent.ConcurrentHashMap;
import io.delpha.sdk.sharing.internal.DeltaFileReader.RowSelection;
import org.jspecify.annotations.Nullable;

/**
 * Opens the files of one answer as the table's readers expect them: deletion vectors applied and column mapping
 * undone ({@link DeltaFileReader}); a file with neither is opened as served. A deletion vector file shared by
 * several data files (one per commit) is fetched once per answer. Thread-safe: the download pool opens files
 * concurrently.
 */
public final class DeltaReads {

  private final FileDownloader downloader;
  private final UrlRefresher refresher;
  private final DownloadSpace space;
  private final String table;
  private final @Nullable URI root;
  private final RowSchema schema;
  private final RowSchema physicalSchema;
  private final Map<String, byte[]> vectorFiles = new ConcurrentHashMap<>();
  /** How every file is read: the table's top-level VARIANT columns named, as Delta writes them unannotated. */
  private final ReadOptions options;
  /** Whether this answer's files still have their footers asked for ahead. */
  private final FootersAhead footersAhead = new FootersAhead();

  /**
   * @param downloader fetches files
   * @param refresher fresh URLs for the answer's files
   * @param space where downloaded files wait
   * @param table {@code share.schema.table}, for messages
   * @param root the table's root, for vectors stored relative to it
   * @param schema the rows' schema in the table's logical names
   * @param physicalSchema the same in the files' names
   */
  public DeltaReads(FileDownloader downloader, UrlRefresher refresher, DownloadSpace space, String table,
      @Nullable URI root, RowSchema schema, RowSchema physicalSchema) {
    this.downloader = downloader;
    this.refresher = refresher;
    this.space = space;
    this.table = table;
    this.root = root;
    this.schema = schema;
    this.physicalSchema = physicalSchema;
    this.options = ReadOptions.defaults().readingAsVariant(physicalSchema.columns().stream()
        .filter(c -> c.type().equals(ColumnType.VARIANT)).map(Column::name).toArray(String[]::new));
  }

  /**
   * @param file a file of the answer
   * @param answered run when storage answers the data file's request ({@link FileOpener})
   * @return its rows that are not deleted, in the table's names
   */
  public ColumnBatchReader open(FileAction file, Runnable answered) {
    DeletionVector dv = file.deletionVector();
    RowSelection keep = dv == null ? null : DeltaFileReader.notDeleted(deleted(file, dv));
    return open(file, keep, answered);
  }

  /**
   * @param file a file of the answer
   * @param keep the positions of the file's rows to read, {@code null} for all
   * @param answered run when storage answers the data file's request ({@link FileOpener})
   * @return those rows, in the table's names
   */
  public ColumnBatchReader open(FileAction file, @Nullable RowSelection keep, Runnable answered) {
    return wrap(file, keep, downloader.open(file, refresher, table, space, options, answered));
  }

  /**
   * @param file a file of the answer
   * @param answered run when storage answers the data file's request ({@link FileOpener})
   * @param early given the reader of a file handed out while it arrives ({@link FileOpener#open(FileAction, Runnable,
   *     java.util.function.Consumer)})
   * @return its rows that are not deleted, in the table's names, or {@code null} if they went to {@code early}
   */
  public @Nullable ColumnBatchReader open(FileAction file, Runnable answered,
      java.util.function.Consumer<ColumnBatchReader> early) {
    DeletionVector dv = file.deletionVector();
    RowSelection keep = dv == null ? null : DeltaFileReader.notDeleted(deleted(file, dv));
    ColumnBatchReader whole = downloader.open(file, refresher, table, space, options, answered,
        raw -> early.accept(wrap(file, keep, raw)), footersAhead);
    return whole == null ? null : wrap(file, keep, whole);
  }

  /** @return {@code raw} as the table's reader expects it; {@code raw} is closed if that fails */
  private ColumnBatchReader wrap(FileAction file, @Nullable RowSelection keep, ColumnBatchReader raw) {
    try {
      return DeltaFileReader.wrap(raw, schema, physicalSchema, keep, table + " " + file.label());
    } catch (RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** @return an opener of the answer's files that hands a file out while it arrives */
  public FileOpener opener() {
    return new FileOpener() {
      @Override
      public ColumnBatchReader open(FileAction file, Runnable answered) {
        return DeltaReads.this.open(file, answered);
      }

      @Override
      public @Nullable ColumnBatchReader open(FileAction file, Runnable answered,
          java.util.function.Consumer<ColumnBatchReader> early) {
        return DeltaReads.this.open(file, answered, early);
      }
    };
  }

  /**
   * @param file a file with a deletion vector
   * @param dv its deletion vector
   * @return the rows it deletes
   */
  public DeletedRows deleted(FileAction file, DeletionVector dv) {
    return dv.load(root, location -> vectorFiles.computeIfAbsent(dv.cacheKey().replaceFirst("@.*", ""),
        k -> downloader.fetchDeletionVectorFile(file, refresher, table, root)), table + " " + file.label());
  }

  /**
   * The change data feed of a delta-format changes answer as Delta's own reader computes it: a version that has
   * change data files ({@code cdc}) is read from them alone; otherwise an {@code add} inserts its rows and a
   * {@code remove} deletes its rows, each without the rows its deletion vector deletes, and an {@code add} and
   * {@code remove} of the same file in one version (a DELETE, UPDATE or MERGE that wrote a deletion vector)
   * delete the rows the new vector deletes and the old did not (and insert any it no longer deletes).
   *
   * @param files the answer's file actions
   * @return the actions to read, in the answer's order, each with the positions of its file to read
   */
  public Map<FileAction, @Nullable Pair> changes(List<FileAction> files) {
    Map<Long, Boolean> hasCdc = new HashMap<>();
    Map<String, FileAction> adds = new HashMap<>();
    Map<String, FileAction> removes = new HashMap<>();
    for (FileAction f : files) {
      Long v = f.version();
      if (f.kind().equals("cdf")) {
        hasCdc.put(v, true);
      } else if (f.kind().equals("add")) {
        adds.put(v + "/" + pathKey(f), f);
      } else if (f.kind().equals("remove")) {
        removes.put(v + "/" + pathKey(f), f);
      }
    }
    Map<FileAction, @Nullable Pair> read = new java.util.LinkedHashMap<>();
    for (FileAction f : files) {
      if (f.kind().equals("cdf")) {
        read.put(f, null);
        continue;
      }
      if (hasCdc.containsKey(f.version())) {
        continue; // the version's change data files say what changed
      }
      String key = f.version() + "/" + pathKey(f);
      FileAction partner = f.kind().equals("add") ? removes.get(key) : adds.get(key);
      read.put(f, partner == null ? null : new Pair(partner));
    }
    return read;
  }

  /**
   * @param f an action of a changes answer
   * @param pair its partner in the same version, {@code null} if none
   * @return the positions of its file whose rows it inserts ({@code add}) or deletes ({@code remove}), {@code
   *     null} for all
   */
  public @Nullable RowSelection changedRows(FileAction f, @Nullable Pair pair) {
    DeletionVector own = f.deletionVector();
    if (pair == null) {
      return own == null ? null : DeltaFileReader.notDeleted(deleted(f, own));
    }
    // add (new vector) and remove (old vector) of one file: a remove reads the rows the new vector deletes and
    // the old did not; an add reads the rows the old vector deleted and the new does not
    FileAction add = f.kind().equals("add") ? f : pair.partner();
    FileAction remove = f.kind().equals("add") ? pair.partner() : f;
    DeletedRows newer = add.deletionVector() == null ? null : deleted(add, Objects.requireNonNull(add.deletionVector()));
    DeletedRows older = remove.deletionVector() == null ? null
        : deleted(remove, Objects.requireNonNull(remove.deletionVector()));
    PrimitiveIterator.OfLong positions; // a cursor over the bitmaps: nothing is expanded, whatever they claim
    if (f == remove) {
      positions = newer == null ? LongStream.empty().iterator() : older == null ? newer.ascending() : newer.minus(older);
    } else {
      positions = older == null ? LongStream.empty().iterator() : newer == null ? older.ascending() : older.minus(newer);
    }
    return RowSelection.keeping(positions); // ascending, as a bitmap lists them
  }

  /** @return what names a data file across its actions: its id (the protocol keeps a file's id stable) */
  private static String pathKey(FileAction f) {
    return f.id();
  }

  /**
   * The other action of a file that a version both removes and adds.
   *
   * @param partner that action
   */
  public record Pair(FileAction partner) {}
}
