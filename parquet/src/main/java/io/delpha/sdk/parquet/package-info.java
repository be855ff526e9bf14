/**
 * The one row model rows cross packages in ({@link io.delpha.sdk.parquet.RowSchema}, {@link
 * io.delpha.sdk.parquet.Row}, typed values such as {@code BigDecimal}, {@code Instant}, {@code
 * LocalDate}), and streaming Parquet reading and writing on it ({@link
 * io.delpha.sdk.parquet.ParquetRows}).
 */
@NullMarked
package io.delpha.sdk.parquet;

import org.jspecify.annotations.NullMarked;
