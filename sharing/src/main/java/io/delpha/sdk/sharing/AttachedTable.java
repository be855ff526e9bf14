package io.delpha.sdk.sharing;

import java.nio.file.Path;

/**
 * A shared table attached to a DuckDB connection as a view, as one {@link SharingSql#attach attach} or {@link
 * SharingSql#refresh refresh} left it.
 *
 * @param table {@code share.schema.table}
 * @param view the view's name on the connection
 * @param version the table version the view shows
 * @param files the data files behind the view (a file a filter kept no row of counts too)
 * @param fetchedFiles files downloaded by this call (0 when the version was cached)
 * @param fetchedBytes bytes written to the cache by this call
 * @param queried whether this call queried the sharing server for the files (false when nothing moved, or the
 *     version's manifest was cached)
 * @param cacheFolder the folder holding the table's cached files
 */
public record AttachedTable(String table, String view, long version, int files, int fetchedFiles, long fetchedBytes,
    boolean queried, Path cacheFolder) {}
