/** Delta Sharing: the client, SharingSql and the loopback sharing server. */
module io.delpha.sdk.sharing {
  requires transitive io.delpha.sdk.parquet;

  exports io.delpha.sdk.sharing;
}
