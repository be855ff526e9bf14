package io.delpha.sdk.parquet.internal.crypto;

/**
 * The kinds of module Parquet modular encryption encrypts, with the type byte each puts in its AAD (the format's
 * Encryption.md, section 4.4.2).
 */
public enum ModuleType {
  FOOTER(0, "the footer"),
  COLUMN_META_DATA(1, "the column metadata"),
  DATA_PAGE(2, "the data page"),
  DICTIONARY_PAGE(3, "the dictionary page"),
  DATA_PAGE_HEADER(4, "the header of the data page"),
  DICTIONARY_PAGE_HEADER(5, "the header of the dictionary page"),
  COLUMN_INDEX(6, "the column index"),
  OFFSET_INDEX(7, "the offset index"),
  BLOOM_FILTER_HEADER(8, "the bloom filter header"),
  BLOOM_FILTER_BITSET(9, "the bloom filter bitset");

  private final byte id;
  private final String description;

  ModuleType(int id, String description) {
    this.id = (byte) id;
    this.description = description;
  }

  /** @return the module's type byte in its AAD */
  public byte id() {
    return id;
  }

  /** @return what the module is, for messages ("the data page") */
  public String description() {
    return description;
  }

  /** @return whether its AAD carries a page ordinal: data pages and their headers */
  public boolean hasPageOrdinal() {
    return this == DATA_PAGE || this == DATA_PAGE_HEADER;
  }

  /** @return whether {@code AES_GCM_CTR_V1} encrypts it with CTR: the pages, data and dictionary */
  public boolean isPage() {
    return this == DATA_PAGE || this == DICTIONARY_PAGE;
  }
}
