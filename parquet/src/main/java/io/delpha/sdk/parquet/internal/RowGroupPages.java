package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.internal.crypto.ColumnDecryptor;
import io.delpha.sdk.parquet.internal.crypto.DecryptionFailure;
import io.delpha.sdk.parquet.internal.crypto.FileDecryptor;
import io.delpha.sdk.parquet.internal.crypto.ModuleCipher;
import io.delpha.sdk.parquet.internal.crypto.ModuleType;
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
import org.apache.parquet.format.ColumnCryptoMetaData;
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
 *
 * <p>An encrypted column's modules (Parquet modular encryption) are decrypted as they are read, each with the AAD of
 * its place (row group, column, data page ordinal counting data pages only), before the checks every page goes
 * through: a page header's claims are checked on its plaintext, a page's sizes on its decrypted bytes. A data page v2
 * is read both ways writers encrypt it: whole (Arrow C++) or its data after levels left in clear (parquet-java).
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
  private final Map<List<String>, Chunk> chunks = new HashMap<>();
  private final @Nullable FileDecryptor decryptor;
  private final int ordinal;

  /** A column chunk and its place in its row group (its column ordinal). */
  private record Chunk(ColumnChunk chunk, int ordinal) {}

  /**
   * @param in the file
   * @param fileLength its length
   * @param group the row group's metadata
   * @throws ParquetDecodingException if a column chunk has no metadata or lives in another file
   */
  RowGroupPages(SeekableInputStream in, long fileLength, RowGroup group) {
    this(in, fileLength, group, null, 0);
  }

  /**
   * @param in the file
   * @param fileLength its length
   * @param group the row group's metadata
   * @param decryptor the file's decryption, if it is encrypted
   * @param ordinal the row group's ordinal, for the AADs of its modules
   * @throws ParquetDecodingException if a column chunk has no metadata (and is not encrypted with a key not given) or
   *     lives in another file
   */
  RowGroupPages(SeekableInputStream in, long fileLength, RowGroup group, @Nullable FileDecryptor decryptor,
      int ordinal) {
    this.in = in;
    this.fileLength = fileLength;
    this.rows = group.getNum_rows();
    this.decryptor = decryptor;
    this.ordinal = ordinal;
    List<ColumnChunk> columns = Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks");
    for (int c = 0; c < columns.size(); c++) {
      ColumnChunk chunk = columns.get(c);
      if (chunk.isSetFile_path()) {
        throw new UnsupportedParquetException("a column chunk is stored in another file (" + chunk.getFile_path()
            + "), which this reader does not follow");
      }
      ColumnMetaData meta = chunk.getMeta_data();
      ColumnCryptoMetaData crypto = chunk.getCrypto_metadata();
      List<String> path;
      if (decryptor != null && crypto != null && crypto.isSetENCRYPTION_WITH_COLUMN_KEY()) {
        // named by its crypto metadata: its own metadata is there only if its key was found
        path = crypto.getENCRYPTION_WITH_COLUMN_KEY().getPath_in_schema();
      } else {
        path = meta == null ? null : meta.getPath_in_schema();
      }
      if (path == null) {
        throw new ParquetDecodingException("a column chunk has no metadata");
      }
      chunks.put(List.copyOf(path), new Chunk(chunk, c));
    }
  }

  @Override
  public PageReader getPageReader(ColumnDescriptor descriptor) {
    Chunk found = chunks.get(Arrays.asList(descriptor.getPath()));
    if (found == null) {
      throw new ParquetDecodingException("the row group has no column chunk for " + Arrays.toString(descriptor.getPath()));
    }
    ColumnChunk chunk = found.chunk();
    ColumnDecryptor columnDecryptor = null;
    ColumnCryptoMetaData crypto = chunk.getCrypto_metadata();
    if (decryptor != null && crypto != null) {
      try {
        columnDecryptor = decryptor.column(crypto, String.join(".", descriptor.getPath()), ordinal, found.ordinal());
      } catch (DecryptionFailure e) {
        throw new UncheckedIOException(e);
      }
    }
    ColumnMetaData meta = chunk.getMeta_data();
    if (meta == null) {
      throw new ParquetDecodingException("a column chunk has no metadata");
    }
    return new ChunkPages(meta, descriptor, columnDecryptor);
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
    /** The chunk's decryptor, if its column is encrypted. */
    private final @Nullable ColumnDecryptor crypto;
    /** Whether the chunk's metadata places a dictionary page first: its first header's AAD is a dictionary's. */
    private final boolean dictionaryFirst;
    /** The data pages read so far (an encrypted data page's ordinal). */
    private int dataPages;
    private boolean firstHeaderRead;
    /** An encrypted chunk's current page, decrypted with its header (levels in clear included, for a v2 page). */
    private byte @Nullable [] decrypted;

    /**
     * @throws ParquetDecodingException if the chunk lies outside the file, or its value count cannot be its row
     *     group's: a column that never repeats holds one value (level) per row, a repeated one at least one per row
     */
    ChunkPages(ColumnMetaData meta, ColumnDescriptor descriptor, @Nullable ColumnDecryptor crypto) {
      this.crypto = crypto;
      this.dictionaryFirst = meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0;
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
      if (crypto != null || compressedSize > REUSED_PAGE_BYTES || size > REUSED_PAGE_BYTES) {
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
      if (crypto != null) {
        return nextEncryptedHeader(crypto);
      }
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
      byte[] plain = decrypted;
      if (plain != null) {
        decrypted = null;
        return plain;
      }
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
      if (crypto == null) {
        pos += header.getCompressed_page_size();
      }
      decrypted = null;
    }

    /**
     * Reads an encrypted page: its header, decrypted (the first of the chunk with a dictionary page header's AAD if
     * the chunk's metadata places a dictionary first, else a data page header's), then its body (the bytes the header
     * counts, encrypted: length, nonce, ciphertext, tag), decrypted and kept for {@link #body}. The header returned
     * counts the body's plaintext bytes, so that every check of {@link PageClaims} and the reads after apply to them.
     *
     * @return the page's header, the position moved past the page, or {@code null} at the chunk's end
     * @throws DecryptionFailure naming the module that fails its authentication
     */
    private @Nullable PageHeader nextEncryptedHeader(ColumnDecryptor crypto) throws IOException {
      if (end - pos <= 0) {
        return null;
      }
      boolean first = !firstHeaderRead;
      firstHeaderRead = true;
      ModuleType headerType = first && dictionaryFirst ? ModuleType.DICTIONARY_PAGE_HEADER : ModuleType.DATA_PAGE_HEADER;
      byte[] module = module(crypto, headerType, end - pos);
      byte[] plainHeader;
      try {
        plainHeader = crypto.decrypt(headerType, dataPages, module, 0, module.length);
      } catch (DecryptionFailure e) {
        if (!first) {
          throw e;
        }
        // writers differ on whether a chunk's metadata says it starts with a dictionary: the first header is either
        ModuleType other = headerType == ModuleType.DATA_PAGE_HEADER ? ModuleType.DICTIONARY_PAGE_HEADER
            : ModuleType.DATA_PAGE_HEADER;
        try {
          plainHeader = crypto.decrypt(other, dataPages, module, 0, module.length);
        } catch (DecryptionFailure ignored) {
          throw e;
        }
        headerType = other;
      }
      ByteArrayInputStream bytes = new ByteArrayInputStream(plainHeader);
      PageHeader header;
      try {
        header = Util.readPageHeader(bytes);
      } catch (IOException e) {
        throw new IOException("unreadable page header (" + crypto.describe(headerType, dataPages) + "): "
            + e.getMessage(), e);
      }
      org.apache.parquet.format.PageType type = header.getType();
      boolean dictionaryHeader = type == org.apache.parquet.format.PageType.DICTIONARY_PAGE;
      if (dictionaryHeader != (headerType == ModuleType.DICTIONARY_PAGE_HEADER)) {
        throw new DecryptionFailure(crypto.describe(headerType, dataPages) + " holds the header of a " + type
            + " page");
      }
      int stored = header.getCompressed_page_size();
      if (stored < 0 || header.getUncompressed_page_size() < 0 || stored > end - pos) {
        throw new ParquetDecodingException("a page header claims " + stored + " bytes where the column chunk has "
            + (end - pos) + " left");
      }
      if (type == org.apache.parquet.format.PageType.DATA_PAGE) {
        decrypted = page(crypto, ModuleType.DATA_PAGE, stored, 0);
        dataPages++;
      } else if (type == org.apache.parquet.format.PageType.DATA_PAGE_V2) {
        decrypted = pageV2(crypto, header, stored);
        dataPages++;
      } else if (dictionaryHeader) {
        decrypted = page(crypto, ModuleType.DICTIONARY_PAGE, stored, 0);
      } else {
        pos += stored; // an index page: passed over, as in plaintext
        return header;
      }
      header.setCompressed_page_size(decrypted.length);
      return header;
    }

    /**
     * @param clear the bytes before the module, in clear (a v2 page's levels, as parquet-java writes them), copied
     *     before the plaintext
     * @return the page's plaintext, after {@code clear} bytes read as they are
     */
    private byte[] page(ColumnDecryptor crypto, ModuleType type, int stored, int clear) throws IOException {
      byte[] levels = new byte[clear];
      in.seek(pos);
      in.readFully(levels);
      pos += clear;
      int room = stored - clear;
      byte[] module = module(crypto, type, room);
      if (ModuleCipher.LENGTH_BYTES + module.length != room) {
        throw new ParquetDecodingException(crypto.describe(type, dataPages) + " takes "
            + (ModuleCipher.LENGTH_BYTES + module.length) + " bytes where its header counts " + room);
      }
      byte[] plain = crypto.decrypt(type, dataPages, module, 0, module.length);
      if (clear == 0) {
        return plain;
      }
      byte[] page = Arrays.copyOf(levels, clear + plain.length);
      System.arraycopy(plain, 0, page, clear, plain.length);
      return page;
    }

    /**
     * A data page v2: encrypted whole (Arrow C++: its module fills the page) or its data after its levels left in
     * clear (parquet-java: its module starts after them). The module's own length tells which.
     */
    private byte[] pageV2(ColumnDecryptor crypto, PageHeader header, int stored) throws IOException {
      DataPageHeaderV2 h = header.getData_page_header_v2();
      int levels = h == null ? 0 : h.getRepetition_levels_byte_length() + h.getDefinition_levels_byte_length();
      if (levels <= 0 || levels > stored - ModuleCipher.LENGTH_BYTES) {
        return page(crypto, ModuleType.DATA_PAGE, stored, 0);
      }
      byte[] length = new byte[ModuleCipher.LENGTH_BYTES];
      in.seek(pos);
      in.readFully(length);
      long whole = Integer.toUnsignedLong((int) LittleEndian.INT.get(length, 0));
      return page(crypto, ModuleType.DATA_PAGE, stored, whole == stored - ModuleCipher.LENGTH_BYTES ? 0 : levels);
    }

    /**
     * Reads a module at the position: its 4-byte length, then its buffer, which must fit in {@code room} bytes and
     * hold at least a nonce (and a tag, unless a CTR page). The position moves past it.
     *
     * @return its buffer (nonce, ciphertext, tag)
     */
    private byte[] module(ColumnDecryptor crypto, ModuleType type, long room) throws IOException {
      if (room < ModuleCipher.LENGTH_BYTES) {
        throw new ParquetDecodingException(crypto.describe(type, dataPages) + " has no room for its length");
      }
      byte[] length = new byte[ModuleCipher.LENGTH_BYTES];
      in.seek(pos);
      in.readFully(length);
      long size = Integer.toUnsignedLong((int) LittleEndian.INT.get(length, 0));
      if (size > room - ModuleCipher.LENGTH_BYTES || size < crypto.overhead(type)) {
        throw new ParquetDecodingException(crypto.describe(type, dataPages) + " claims " + size + " encrypted bytes "
            + "where the column chunk has " + (room - ModuleCipher.LENGTH_BYTES) + " left (and it takes at least "
            + crypto.overhead(type) + ")");
      }
      if (type == ModuleType.DATA_PAGE_HEADER || type == ModuleType.DICTIONARY_PAGE_HEADER) {
        if (size > MAX_HEADER_BYTES) {
          throw new ParquetDecodingException(crypto.describe(type, dataPages) + " claims " + size + " bytes, more "
              + "than a page header takes (" + MAX_HEADER_BYTES + ")");
        }
      } else if (size >= HeapBudget.CHECKED_BYTES) {
        HeapBudget.require(size, "an encrypted page");
      }
      byte[] module = new byte[(int) size];
      in.readFully(module);
      pos += ModuleCipher.LENGTH_BYTES + size;
      return module;
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
