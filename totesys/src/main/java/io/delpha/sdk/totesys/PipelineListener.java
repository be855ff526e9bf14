package io.delpha.sdk.totesys;

import io.delpha.sdk.core.ProgressListener;

/**
 * Hears a {@link TotesysPipeline}'s progress (the core {@link ProgressListener} callbacks, one task per
 * step and table, e.g. {@code "extract sales_order"}) and the end of every run, successful or not: the
 * place for alerts (see {@link LoggingPipelineListener} and {@link SnsPipelineListener}).
 *
 * <p>Callbacks run on the pipeline's thread; an exception a listener throws is logged and ignored.
 */
public interface PipelineListener extends ProgressListener {

  /**
   * A run (or a step run alone) ended.
   *
   * @param report what it did; {@link RunReport#succeeded()} is {@code false} if it failed
   */
  default void onRunFinished(RunReport report) {}
}
