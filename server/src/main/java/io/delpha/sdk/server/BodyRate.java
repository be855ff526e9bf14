package io.delpha.sdk.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * The least rate of request bodies ({@link ServerOptions#minRequestDataRate()}): once a grace of {@link
 * ServerOptions#headerTimeout()} has passed since a handler started reading a body, the body must have brought the
 * rate's bytes for every second past the grace; a slower one fails {@code 408 too_slow}. Checked as bytes arrive; a
 * body that stops altogether is ended by the idle timeout.
 */
final class BodyRate {

  private final int minRate;
  private final long graceNanos;

  BodyRate(int minRate, Duration grace) {
    this.minRate = minRate;
    this.graceNanos = grace.toNanos();
  }

  /** @return the clock of one body, started now */
  Clock start() {
    return new Clock(System.nanoTime());
  }

  /** @return the stream, failing {@code 408 too_slow} from a read once it falls below the rate */
  InputStream watch(InputStream in) {
    Clock clock = start();
    return new FilterInputStream(in) {
      private long bytes;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          clock.check(++bytes);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          bytes += n;
          clock.check(bytes);
        }
        return n;
      }
    };
  }

  /** One body's time. */
  final class Clock {
    private final long started;

    private Clock(long started) {
      this.started = started;
    }

    /**
     * @param bytes the body's bytes so far
     * @throws HttpException {@code 408 too_slow}, asking to close the connection, when they are behind the rate
     */
    void check(long bytes) {
      long late = System.nanoTime() - started - graceNanos;
      if (minRate > 0 && late > 0 && bytes < (double) minRate * late / 1e9) {
        throw new HttpException(408, "too_slow", "the body arrives slower than " + minRate + " bytes a second",
            Map.of("Connection", "close"));
      }
    }
  }
}
