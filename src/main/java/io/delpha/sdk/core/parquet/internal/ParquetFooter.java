package io.delpha.sdk.core.parquet.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.SemanticVersion;
import org.apache.parquet.VersionParser;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads a file's footer the way readers of other engines do, where parquet-hadoop's own reading fails on
 * files that pyarrow and DuckDB read:
 * <ul>
 *   <li>a logical type this parquet-format version does not know (a Thrift union member it cannot name) is
 *       dropped, so the column reads as its physical type (parquet-hadoop's converter throws a
 *       NullPointerException on it);</li>
 *   <li>files of parquet-mr 1.2.8 and older (and those that name no version) left the dictionary page header
 *       out of a column chunk's size (PARQUET-816, IMPALA-694): as parquet-cpp does, each chunk is read up to
 *       100 bytes further, within the file;</li>
 *   <li>an encrypted file (Parquet modular encryption) is refused as such, not as a corrupt one.</li>
 * </ul>
 */
final class ParquetFooter {

  /** parquet-cpp's {@code kMaxDictHeaderSize}: the most a dictionary page header takes. */
  private static final int MAX_DICTIONARY_HEADER_BYTES = 100;
  private static final SemanticVersion PARQUET_816_FIXED = new SemanticVersion(1, 2, 9);
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooter() {}

  /** A file encrypted with Parquet modular encryption, which this reader does not decrypt. */
  static final class EncryptedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    EncryptedFileException(String what) {
      super(what + " (Parquet modular encryption); reading encrypted Parquet is not supported");
    }
  }

  /**
   * @param file the file
   * @param in a stream over it
   * @param options the read options (for the metadata converter)
   * @return its metadata
   * @throws IOException if the footer is missing, truncated or corrupt, or the file is encrypted
   */
  static ParquetMetadata read(InputFile file, SeekableInputStream in, ParquetReadOptions options) throws IOException {
    long length = file.getLength();
    if (length < 12) {
      throw new IOException("a Parquet file has at least 12 bytes, this one " + length);
    }
    byte[] tail = new byte[8];
    in.seek(length - 8);
    in.readFully(tail);
    byte[] magic = Arrays.copyOfRange(tail, 4, 8);
    if (Arrays.equals(magic, ENCRYPTED_MAGIC)) {
      throw new EncryptedFileException("the file's footer is encrypted");
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("no PAR1 magic at the end of the file");
    }
    long footerLength = (tail[0] & 0xffL) | (tail[1] & 0xffL) << 8 | (tail[2] & 0xffL) << 16 | (tail[3] & 0xffL) << 24;
    if (footerLength > length - 12) {
      throw new IOException("the footer claims " + footerLength + " bytes of a " + length + "-byte file");
    }
    byte[] footer = new byte[(int) footerLength];
    in.seek(length - 8 - footerLength);
    in.readFully(footer);
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
    if (metadata.isSetEncryption_algorithm()) {
      throw new EncryptedFileException("the file's columns are encrypted");
    }
    if (metadata.getSchema() == null || metadata.getRow_groups() == null) {
      throw new IOException("the footer has no schema or no row groups");
    }
    for (SchemaElement e : metadata.getSchema()) {
      if (e.isSetLogicalType() && e.getLogicalType().getSetField() == null) {
        e.unsetLogicalType();
      }
    }
    if (omitsDictionaryHeaderSize(metadata.getCreated_by())) {
      long dataEnd = length - 8 - footerLength;
      for (RowGroup group : metadata.getRow_groups()) {
        for (ColumnChunk chunk : group.getColumns()) {
          ColumnMetaData c = chunk.getMeta_data();
          if (c != null) {
            long start = c.isSetDictionary_page_offset() && c.getDictionary_page_offset() > 0
                && c.getDictionary_page_offset() < c.getData_page_offset()
                ? c.getDictionary_page_offset() : c.getData_page_offset();
            long room = dataEnd - (start + c.getTotal_compressed_size());
            c.setTotal_compressed_size(c.getTotal_compressed_size() + Math.max(0, Math.min(MAX_DICTIONARY_HEADER_BYTES, room)));
          }
        }
      }
    }
    return new ParquetMetadataConverter(options).fromParquetMetadata(metadata);
  }

  /** parquet-cpp's rule: a parquet-mr writer older than 1.2.9, or one that names no version. */
  private static boolean omitsDictionaryHeaderSize(String createdBy) {
    if (createdBy == null || !createdBy.startsWith("parquet-mr")) {
      return false;
    }
    try {
      VersionParser.ParsedVersion version = VersionParser.parse(createdBy);
      return !version.hasSemanticVersion() || version.getSemanticVersion().compareTo(PARQUET_816_FIXED) < 0;
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      return true;
    }
  }
}
