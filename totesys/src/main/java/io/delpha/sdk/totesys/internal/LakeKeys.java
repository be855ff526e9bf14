package io.delpha.sdk.totesys.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Names lake objects {@code <folder>/yyyy/MM/dd/HHmmssSSSSSS.parquet} after the UTC time of the run, to
 * the microsecond, and never hands out the same time twice (so each run's keys are new).
 */
public final class LakeKeys {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HHmmssSSSSSS").withZone(ZoneOffset.UTC);

  private final Clock clock;
  private Instant last = Instant.EPOCH;

  /**
   * @param clock where run times come from
   */
  public LakeKeys(Clock clock) {
    this.clock = clock;
  }

  /**
   * @return a run time, microsecond precision, later than any handed out before by this instance
   */
  public synchronized Instant nextRunTime() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (!now.isAfter(last)) {
      now = last.plus(1, ChronoUnit.MICROS);
    }
    last = now;
    return now;
  }

  /**
   * @param folder the folder, e.g. {@code "sales_order"} or {@code "_rejects/sales_order"}
   * @param runTime the run's time
   * @return the object key
   */
  public static String key(String folder, Instant runTime) {
    return folder + "/" + FORMAT.format(runTime) + ".parquet";
  }

  /**
   * The part of a key after its folder, which sorts in time order.
   *
   * @param folder the folder the key is under
   * @param key the key
   * @return the time part, e.g. {@code 2024/11/15/101500123456.parquet}
   */
  public static String timePart(String folder, String key) {
    return key.substring(folder.length() + 1);
  }
}
