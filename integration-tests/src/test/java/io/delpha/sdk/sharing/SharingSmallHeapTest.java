package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.testing.HostilePeer;
import io.delpha.sdk.testing.JavaProcess;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 48, row 5, judged in a child JVM of 256 MiB with the client's <em>default</em> limits: a sharing server
 * whose query answer streams file lines forever made the client run out of memory in seconds; now the answer stops
 * at a limit with a {@link ResponseLimitException}, and the heap's peak stays under the JVM's bound. The file
 * lines carry presigned URLs of a realistic length (an S3 URL signed with a session token is about 1,300
 * characters). To measure, {@code -Dsharing.urlChars=} changes the URLs' length and {@code
 * -Dsharing.maxStreamMiB=} sets the child's {@code maxStreamBytes}.
 */
@Tag("process")
class SharingSmallHeapTest {

  /** Reads the endless query in the child JVM and prints what happened. */
  public static final class Reader {
    public static void main(String[] args) {
      DeltaSharingClientBuilder b = DeltaSharingClient.builder().endpoint(URI.create(args[0]))
          .bearerToken(Secret.of("tok"));
      if (args.length > 1) { // to measure other bounds than the defaults
        b.responseLimits(l -> l.maxStreamBytes(Long.parseLong(args[1]) << 20));
      }
      try (DeltaSharingClient c = b.build()) {
        c.readTable("s.sc.t").close();
        System.out.println("RESULT read-whole");
      } catch (ResponseLimitException e) {
        System.out.println("RESULT limit=" + e.limit() + " peakHeapMiB=" + peakHeap() / (1 << 20));
      } catch (DelphaException e) {
        System.out.println("RESULT failed " + e);
      }
    }

    private static long peakHeap() {
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      return peak;
    }
  }

  @Test
  @DisplayName("at -Xmx256m and the default limits, an endless query answer ends in a ResponseLimitException, "
      + "not an OutOfMemoryError")
  void endlessQueryAtSmallHeap() {
    int urlChars = Integer.getInteger("sharing.urlChars", 1300);
    try (HostilePeer sharing = HostilePeer.start()) {
      String url = "https://bucket.s3.eu-west-1.amazonaws.com/t/part-00000.snappy.parquet?X-Amz-Signature=";
      String line = SharingHostilePeerTest.fileLine(url + "s".repeat(Math.max(0, urlChars - url.length())),
          "c0ffee00-0000-4000-8000-000000000000", 123_456L) + "\n";
      sharing.on("POST", SharingHostilePeerTest.TABLE_PATH + "/query", sharing.endless(200, "application/x-ndjson",
          protocolLine() + "\n" + metadataLine(SharingHostilePeerTest.SCHEMA, List.of()) + "\n", line,
          SharingHostilePeerTest.ndjsonHeaders()));
      String maxStreamMiB = System.getProperty("sharing.maxStreamMiB");
      String endpoint = sharing.uri(SharingHostilePeerTest.PREFIX).toString();
      try (JavaProcess child = JavaProcess.start(Reader.class, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
          maxStreamMiB == null ? new String[] {endpoint} : new String[] {endpoint, maxStreamMiB})) {
        String result = child.awaitLine(l -> l.startsWith("RESULT") || l.contains("OutOfMemoryError"),
            Duration.ofMinutes(5));
        System.out.println("urlChars=" + urlChars + " lineBytes=" + line.length() + " maxStreamMiB="
            + (maxStreamMiB == null ? "default" : maxStreamMiB) + " " + result + " sentMiB="
            + sharing.bytesSent() / (1 << 20));
        assertThat(result).startsWith("RESULT limit=");
        assertThat(child.awaitExit(Duration.ofMinutes(1))).isZero();
      }
    }
  }
}
