package io.delpha.sdk.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand, so expiry, re-check intervals, deadlines and idle timeouts never depend on
 * the wall clock. The one test clock of the harness.
 *
 * <p>It is also the tests' sleeper: components whose retries and polls pause take {@code clock::sleep}
 * through their non-public test seam, so a pause moves this clock instead of waiting, and {@link #slept()}
 * lists the pauses asked for.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;
  private final List<Duration> slept = new CopyOnWriteArrayList<>();

  /** Starts at 2026-01-01T00:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * @param start the first instant
   */
  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /**
   * @param d how far to move the clock forward
   */
  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  /**
   * Pauses without waiting: records the pause and moves the clock forward by it.
   *
   * @param d how long the caller asked to pause
   */
  public void sleep(Duration d) {
    slept.add(d);
    advance(d);
  }

  /**
   * @return every pause {@link #sleep(Duration)} was asked for, in order
   */
  public List<Duration> slept() {
    return List.copyOf(slept);
  }

  /**
   * @return the sum of every pause asked for
   */
  public Duration totalSlept() {
    return slept.stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this; // tests use UTC
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
