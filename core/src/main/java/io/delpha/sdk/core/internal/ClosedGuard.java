package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.ClosedException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one closed check of every closeable component: {@link #check()} first in each public method, {@link #close()}
 * first in {@code close()}. Once closed, a component stays closed; every call then throws {@link ClosedException}
 * before it looks at its arguments or touches a resource. Thread-safe.
 *
 * <pre>{@code
 * private final ClosedGuard guard = new ClosedGuard("this S3ObjectStore");
 * public boolean exists(String key) { guard.check(); ... }
 * public void close() { if (guard.close()) { s3.close(); } }
 * }</pre>
 */
public final class ClosedGuard {

  private final String component;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param component how the exception names the component, e.g. {@code "this S3ObjectStore"}; never a secret
   */
  public ClosedGuard(String component) {
    this.component = component;
  }

  /**
   * @throws ClosedException if {@link #close()} was called
   */
  public void check() {
    if (closed.get()) {
      throw new ClosedException(component);
    }
  }

  /**
   * Marks the component closed.
   *
   * @return {@code true} for the first call only: the caller releases its resources then, so closing is idempotent
   */
  public boolean close() {
    return closed.compareAndSet(false, true);
  }

  /**
   * @return whether {@link #close()} was called
   */
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public String toString() {
    return component + (closed.get() ? " (closed)" : " (open)");
  }
}
