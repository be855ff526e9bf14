/**
 * Delta Sharing without Spark, and the per-organisation usage-analytics service that answers each organisation with its own platform usage.
 *
 * <p>{@link io.delpha.sdk.sharing.DeltaSharingClient} reads shared tables as rows of the {@code
 * parquet} model ({@link io.delpha.sdk.sharing.Filter} hints re-applied on the client); {@link
 * io.delpha.sdk.sharing.UsageAnalyticsServer} serves each access key its organisation's rows over HTTP(S)
 * on the library's one HTTP foundation, configured by {@link io.delpha.sdk.server.ServerOptions}.
 */
@NullMarked
package io.delpha.sdk.sharing;

import org.jspecify.annotations.NullMarked;
