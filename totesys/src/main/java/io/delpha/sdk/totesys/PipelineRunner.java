package io.delpha.sdk.totesys;

import java.time.LocalDateTime;
import java.util.Map;

/**
 * Runs an incremental ETL pipeline, whole or one step at a time. A role of {@link TotesysPipeline};
 * depend on it where a host triggers runs (and substitute it in your own tests). Runs never overlap:
 * a second caller waits for the first. Each step is idempotent on re-run after a crash.
 */
public interface PipelineRunner {

  /**
   * Extracts, transforms and loads, stopping at the first step that fails.
   *
   * @return what the run did; {@link RunReport#succeeded()} is {@code false} if a step failed
   */
  RunReport run();

  /**
   * @return what the extract step alone did (new source row versions into the ingestion zone)
   */
  RunReport extract();

  /**
   * @return what the transform step alone did (unprocessed ingestion objects into the processed zone)
   */
  RunReport transform();

  /**
   * @return what the load step alone did (processed objects not loaded yet into the warehouse)
   */
  RunReport load();

  /**
   * @return the extract watermark of each source table, empty before the first extract
   */
  Map<String, LocalDateTime> watermarks();
}
