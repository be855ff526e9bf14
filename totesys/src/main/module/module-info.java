/** TotesysPipeline: PostgreSQL to a Parquet lake on S3 to a star schema. */
module io.delpha.sdk.totesys {
  requires transitive io.delpha.sdk.aws;
  requires static org.postgresql.jdbc;

  exports io.delpha.sdk.totesys;
  // Jackson binds the Totesys pipeline's own state files (Extractor.State, Transformer.Manifest, package-private)
  opens io.delpha.sdk.totesys.internal to com.fasterxml.jackson.databind;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.totesys.internal.TotesysStack;
}
