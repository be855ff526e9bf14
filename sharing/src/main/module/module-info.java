/** Delta Sharing: the client, SharingSql and the loopback sharing server. */
module io.delpha.sdk.sharing {
  requires transitive io.delpha.sdk.parquet;
  requires static roaringbitmap;

  exports io.delpha.sdk.sharing;
}
