package io.delpha.sdk.parquet.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * One row group's pages, read from the file page by page as each column asks for them: the page header
 * (Thrift), then the page's bytes, decompressed. Only the columns asked for are read, and a column chunk is
 * never held whole (a chunk of several GiB costs one page at a time).
 *
 * <p>This replaces parquet-hadoop's {@code ParquetFileReader}, whose footer type ({@code ParquetMetadata})
 * initialises a JSON mapper of about 370 classes the first time a JVM reads a file (about 200 ms of the
 * first file's fixed cost). What it reads is what that reader read: data pages v1 and v2 and at most one
 * dictionary page, first; other page types (index pages) are skipped; a chunk ends when the pages hold the
 * values its metadata counts. Page checksums are not verified (parquet-hadoop's default).
 */
final class RowGroupPages implements PageReadStore {

  /** The first read of a page header; a header that does not fit (large statistics) is read again, larger. */
  private static final int HEADER_PROBE_BYTES = 8 * 1024;
  /** The largest page header read: parquet-cpp's limit. */
  private static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;
  /**
   * Data pages (v1) up to this size, compressed and not, are read and decompressed into two arrays their chunk reuses
   * from page to page; a larger page gets arrays of its own, given back once it is decoded.
   */
  private static final int REUSED_PAGE_BYTES = 4 << 20;
  private static final byte[] NO_BYTES = new byte[0];

  private final SeekableInputStream in;
  private final long fileLength;
  private final long rows;
  private final Map<List<String>, ColumnChunk> chunks = new HashMap<>();

  /**
   * @param in the file
   * @param fileLength its length
   * @param group the row group's metadata
   * @throws ParquetDecodingException if a column chunk has no metadata or lives in another file
   */
  RowGroupPages(SeekableInputStream in, long fileLength, RowGroup group) {
    this.in = in;
    this.fileLength = fileLength;
    this.rows = group.getNum_rows();
    for (ColumnChunk chunk : Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks")) {
      if (chunk.isSetFile_path()) {
        throw new UnsupportedParquetException("a column chunk is stored in another file (" + chunk.getFile_path()
            + "), which this reader does not follow");
      }
      ColumnMetaData meta = chunk.getMeta_data();
      if (meta == null || meta.getPath_in_schema() == null) {
        throw new ParquetDecodingException("a column chunk has no metadata");
      }
      chunks.put(List.copyOf(meta.getPath_in_schema()), chunk);
    }
  }

  @Override
  public PageReader getPageReader(ColumnDescriptor descriptor) {
    ColumnChunk chunk = chunks.get(Arrays.asList(descriptor.getPath()));
    if (chunk == null) {
      throw new ParquetDecodingException("the row group has no column chunk for " + Arrays.toString(descriptor.getPath()));
    }
    return new ChunkPages(
        Objects.requireNonNull(chunk.getMeta_data(), "the constructor kept only chunks with metadata"), descriptor);
  }

  @Override
  public long getRowCount() {
    return rows;
  }

  /**
   * The pages of one column chunk, in file order. Every page header's claims are checked ({@link PageClaims}) before
   * its bytes are read.
   */
  private final class ChunkPages implements PageReader {
    private final long totalValues;
    private final PrimitiveTypeName type;
    private final int typeLength;
    private final boolean hasLevels;
    private final long end;
    private final BytesInputDecompressor decompressor;
    private final boolean uncompressed;
    private final CompressionCodecName codec;
    /**
     * The arrays the chunk's small data pages (v1) are read and decompressed into: a leaf reader decodes a page
     * before it asks for the next, and keeps nothing of it (values are copied into the vectors, a dictionary into
     * its own arrays), so a chunk of many pages allocates (and the heap zeroes and grows for) two arrays, not two
     * per page.
     */
    private byte[] compressedPages = NO_BYTES;
    private byte[] pages = NO_BYTES;
    private long pos;
    private long valuesRead;
    private boolean started;
    private @Nullable DictionaryPage dictionary;
    private @Nullable PageHeader pending;

    /**
     * @throws ParquetDecodingException if the chunk lies outside the file, or its value count cannot be its row
     *     group's: a column that never repeats holds one value (level) per row, a repeated one at least one per row
     */
    ChunkPages(ColumnMetaData meta, ColumnDescriptor descriptor) {
      long dictionaryOffset = meta.isSetDictionary_page_offset() ? meta.getDictionary_page_offset() : 0;
      long start = dictionaryOffset > 0 && dictionaryOffset < meta.getData_page_offset() ? dictionaryOffset
          : meta.getData_page_offset();
      this.pos = start;
      this.end = start + meta.getTotal_compressed_size();
      this.totalValues = meta.getNum_values();
      if (start < 4 || meta.getTotal_compressed_size() < 0 || end > fileLength || totalValues < 0) {
        throw new ParquetDecodingException("a column chunk lies outside the file (offset " + start + ", "
            + meta.getTotal_compressed_size() + " bytes, file of " + fileLength + ")");
      }
      int maxRep = descriptor.getMaxRepetitionLevel();
      if (maxRep == 0 ? totalValues != rows : totalValues < rows) {
        throw new ParquetDecodingException("the column chunk counts " + totalValues + " values (levels) where its row "
            + "group has " + rows + " rows" + (maxRep == 0 ? "" : " (at least one level a row)"));
      }
      this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
      this.typeLength = descriptor.getPrimitiveType().getTypeLength();
      this.hasLevels = maxRep > 0 || descriptor.getMaxDefinitionLevel() > 0;
      this.codec = CompressionCodecName.fromParquet(meta.getCodec());
      this.uncompressed = codec == CompressionCodecName.UNCOMPRESSED;
      this.decompressor = Codecs.INSTANCE.getDecompressor(codec);
    }

    /** @return the chunk's dictionary page, once: it is not kept here after (its bytes can be large) */
    @Override
    public @Nullable DictionaryPage readDictionaryPage() {
      start();
      DictionaryPage page = dictionary;
      dictionary = null;
      return page;
    }

    @Override
    public long getTotalValueCount() {
      return totalValues;
    }

    @Override
    public @Nullable DataPage readPage() {
      start();
      try {
        while (valuesRead < totalValues) {
          PageHeader header = pending != null ? pending : nextHeader();
          pending = null;
          if (header == null) {
            throw new ParquetDecodingException("the column chunk ends after " + valuesRead + " of its "
                + totalValues + " values");
          }
          switch (Objects.requireNonNull(header.getType(), "a page header has a type")) {
            case DATA_PAGE -> {
              PageClaims.dataPageV1(header, codec, type, typeLength, hasLevels, totalValues - valuesRead);
              DataPageHeader h = Objects.requireNonNull(header.getData_page_header(), "PageClaims checked it");
              BytesInput bytes = dataPageV1(header);
              valuesRead += h.getNum_values();
              return new DataPageV1(bytes, h.getNum_values(), header.getUncompressed_page_size(), null,
                  encoding(h.getRepetition_level_encoding()), encoding(h.getDefinition_level_encoding()),
                  encoding(h.getEncoding()));
            }
            case DATA_PAGE_V2 -> {
              PageClaims.dataPageV2(header, codec, type, typeLength, hasLevels, totalValues - valuesRead);
              DataPageHeaderV2 h = Objects.requireNonNull(header.getData_page_header_v2(), "PageClaims checked it");
              byte[] body = body(header);
              int rl = h.getRepetition_levels_byte_length();
              int dl = h.getDefinition_levels_byte_length();
              int dataLength = body.length - rl - dl;
              BytesInput data = BytesInput.from(body, rl + dl, dataLength);
              if (h.isIs_compressed() && !uncompressed) {
                data = decompressor.decompress(data, header.getUncompressed_page_size() - rl - dl);
              }
              valuesRead += h.getNum_values();
              return DataPageV2.uncompressed(h.getNum_rows(), h.getNum_nulls(), h.getNum_values(),
                  BytesInput.from(body, 0, rl), BytesInput.from(body, rl, dl), encoding(h.getEncoding()), data, null);
            }
            case DICTIONARY_PAGE -> throw new ParquetDecodingException(
                "a dictionary page follows data pages in a column chunk");
            default -> skip(header);
          }
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void start() {
      if (started) {
        return;
      }
      started = true;
      try {
        PageHeader header = nextHeader();
        while (header != null && header.getType() != org.apache.parquet.format.PageType.DICTIONARY_PAGE
            && header.getType() != org.apache.parquet.format.PageType.DATA_PAGE
            && header.getType() != org.apache.parquet.format.PageType.DATA_PAGE_V2) {
          skip(header);
          header = nextHeader();
        }
        if (header != null && header.getType() == org.apache.parquet.format.PageType.DICTIONARY_PAGE) {
          PageClaims.dictionary(header, codec, type, typeLength);
          org.apache.parquet.format.DictionaryPageHeader h = Objects.requireNonNull(header.getDictionary_page_header(),
              "PageClaims checked it");
          BytesInput bytes = decompress(BytesInput.from(body(header)), header.getUncompressed_page_size());
          dictionary = new DictionaryPage(bytes, header.getUncompressed_page_size(), h.getNum_values(),
              encoding(h.getEncoding()));
        } else {
          pending = header;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** @return a data page's (v1) bytes, decompressed, in the chunk's reused arrays when it is small enough */
    private BytesInput dataPageV1(PageHeader header) throws IOException {
      int compressedSize = header.getCompressed_page_size();
      int size = header.getUncompressed_page_size();
      if (compressedSize > REUSED_PAGE_BYTES || size > REUSED_PAGE_BYTES) {
        return decompress(BytesInput.from(body(header)), size);
      }
      compressedPages = room(compressedPages, compressedSize);
      in.seek(pos);
      in.readFully(compressedPages, 0, compressedSize);
      pos += compressedSize;
      if (uncompressed) {
        return BytesInput.from(compressedPages, 0, compressedSize);
      }
      pages = room(pages, size);
      return BytesInput.from(Codecs.decompress(codec, compressedPages, 0, compressedSize, size, pages), 0, size);
    }

    /** @return {@code array}, or a larger one (its contents not kept) if it holds fewer than {@code size} bytes */
    private static byte[] room(byte[] array, int size) {
      return array.length >= size ? array
          : new byte[Math.max(size, Math.min(REUSED_PAGE_BYTES, 2 * array.length))];
    }

    private BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return uncompressed ? bytes : decompressor.decompress(bytes, uncompressedSize);
    }

    /** @return the next page's header, the position moved past it, or {@code null} at the chunk's end */
    private @Nullable PageHeader nextHeader() throws IOException {
      long left = end - pos;
      if (left <= 0) {
        return null;
      }
      int probe = (int) Math.min(left, HEADER_PROBE_BYTES);
      while (true) {
        byte[] buffer = new byte[probe];
        in.seek(pos);
        in.readFully(buffer);
        ByteArrayInputStream bytes = new ByteArrayInputStream(buffer);
        try {
          PageHeader header = Util.readPageHeader(bytes);
          pos += probe - bytes.available();
          if (header.getCompressed_page_size() < 0 || header.getUncompressed_page_size() < 0
              || header.getCompressed_page_size() > end - pos) {
            throw new ParquetDecodingException("a page header claims " + header.getCompressed_page_size()
                + " bytes where the column chunk has " + (end - pos) + " left");
          }
          return header;
        } catch (IOException e) {
          if (probe == left || probe >= MAX_HEADER_BYTES) {
            throw new IOException("unreadable page header: " + e.getMessage(), e);
          }
          probe = (int) Math.min(left, Math.min(MAX_HEADER_BYTES, 4L * probe));
        }
      }
    }

    private byte[] body(PageHeader header) throws IOException {
      if (header.getCompressed_page_size() >= HeapBudget.CHECKED_BYTES) {
        HeapBudget.require(header.getCompressed_page_size(), "a compressed page");
      }
      byte[] body = new byte[header.getCompressed_page_size()];
      in.seek(pos);
      in.readFully(body);
      pos += body.length;
      return body;
    }

    private void skip(PageHeader header) {
      pos += header.getCompressed_page_size();
    }
  }

  private static Encoding encoding(org.apache.parquet.format.@Nullable Encoding encoding) {
    if (encoding == null) {
      throw new ParquetDecodingException("a page names no encoding");
    }
    try {
      return Encoding.valueOf(encoding.name());
    } catch (IllegalArgumentException e) {
      throw new UnsupportedParquetException("a page uses the encoding " + encoding + ", which this reader does not "
          + "decode");
    }
  }
}
