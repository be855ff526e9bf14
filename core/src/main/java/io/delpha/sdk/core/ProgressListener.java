package io.delpha.sdk.core;

/**
 * Receives progress of long-running work (a pipeline run, a file being ingested, a bulk query): the
 * one progress-listener type of the library.
 *
 * <p>Callbacks run on the worker's thread: keep them short and never throw from them (an exception a
 * listener throws is logged and ignored). Every method has an empty default so a host overrides only
 * what it needs.
 *
 * <pre>{@code
 * ProgressListener listener = new ProgressListener() {
 *   public void onProgress(Progress p) { System.out.println(p.task() + " " + p.done() + "/" + p.total()); }
 * };
 * }</pre>
 */
public interface ProgressListener {

  /** A listener that ignores every event. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * A task started.
   *
   * @param task the task's name, e.g. {@code "extract sales_order"}
   */
  default void onStart(String task) {}

  /**
   * A task advanced.
   *
   * @param progress where the task stands
   */
  default void onProgress(Progress progress) {}

  /**
   * A task finished successfully.
   *
   * @param task the task's name
   * @param summary a one-line summary for humans
   */
  default void onSuccess(String task, String summary) {}

  /**
   * A task failed; the failure is also thrown to (or reported by) the caller of the work.
   *
   * @param task the task's name
   * @param error what went wrong
   */
  default void onFailure(String task, DelphaException error) {}

  /**
   * Where a task stands.
   *
   * @param task the task's name
   * @param done units done so far (rows, bytes, files: see {@code unit})
   * @param total units in all, or {@code -1} when unknown
   * @param unit what is counted, e.g. {@code "rows"}
   */
  record Progress(String task, long done, long total, String unit) {
    /**
     * @return the fraction done in [0, 1], or {@code -1} when the total is unknown
     */
    public double fraction() {
      return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }
  }
}
