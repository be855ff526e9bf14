/**
 * The totesys pipeline: {@link io.delpha.sdk.totesys.TotesysPipeline} extracts the totesys PostgreSQL
 * database incrementally into a Parquet ingestion zone, transforms it into a star schema in a processed
 * zone and loads a PostgreSQL warehouse; {@link io.delpha.sdk.totesys.RunReport} says what each run did
 * and {@link io.delpha.sdk.totesys.PipelineListener}s hear progress and failures. Hosts depend on its
 * roles {@link io.delpha.sdk.totesys.PipelineRunner} and {@link io.delpha.sdk.totesys.PipelineScheduler}.
 */
@NullMarked
package io.delpha.sdk.totesys;

import org.jspecify.annotations.NullMarked;
