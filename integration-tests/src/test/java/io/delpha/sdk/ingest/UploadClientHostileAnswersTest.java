package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.HostilePeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload client of {@code fetch} against generated hostile answers: per seed, one of the four calls of the
 * protocol answers a mutation of what {@link UploadServer} sends (an object widened past {@code maxItems}, an array
 * multiplied, JSON nested past {@code maxJsonDepth}, a string of megabytes, a trickle under {@code
 * minBytesPerSecond}, an answer cut short of its declared length, an endless one, a redirect to another host, text
 * that is not JSON, whitespace or empty arrays sent forever: answers that deliver nothing) or a benign change
 * (fields added within the limits). Each seed ends in a typed error naming the right limit where one is broken, or
 * in the upload's right outcome; the customer's password never reaches the other host. {@code
 * -Dhostile.upload.seed}, {@code -Dhostile.upload.count} replay and widen.
 */
@Timeout(300)
class UploadClientHostileAnswersTest {

  private static final String CUSTOMER = "acme";
  private static final String PASSWORD = "pw-SECRET-5813";
  private static final String BASIC = "Basic " + Base64.getEncoder()
      .encodeToString((CUSTOMER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  private static final String UPLOAD = "9a1b2c3d-0000-4c6a-9e2f-1b0a9c8d7e6f";
  private static final String CSV = "id,name\n1,ada\n2,grace\n";

  private enum Call {
    CONSTRAINTS("GET", "/constraints", 200, "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}"),
    OPEN("POST", "/uploads", 201, "{\"upload\":\"" + UPLOAD + "\"}"),
    PUT("PUT", "/uploads/" + UPLOAD + "/files/", 200, "{\"name\":\"people.csv\",\"size\":" + CSV.length() + "}"),
    COMMIT("POST", "/uploads/" + UPLOAD + "/commit", 200, "{\"accepted\":[{\"name\":\"people.csv\","
        + "\"key\":\"acme/incoming/people.csv\",\"size\":" + CSV.length() + "}],\"rejected\":[]}");

    final String method;
    final String prefix;
    final int status;
    final String body;

    Call(String method, String prefix, int status, String body) {
      this.method = method;
      this.prefix = prefix;
      this.status = status;
      this.body = body;
    }
  }

  private enum Mutation {
    BENIGN, WIDEN, MULTIPLY, DEEPEN, LONG_STRING, TRICKLE, CUT, ENDLESS, REDIRECT, NOT_JSON, PADDED, EMPTY_ARRAYS
  }

  @TempDir
  Path dir;

  @Test
  void aHostileAnswerIsTypedOrTheUploadIsRight() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("people.csv"), CSV);
    ResponseLimits limits = ResponseLimits.builder().maxItems(64).maxJsonDepth(32).maxStringChars(4096)
        .maxBodyBytes(1 << 20).minBytesPerSecond(2000).rateWindow(Duration.ofMillis(300))
        .bodyTimeout(Duration.ofSeconds(20)).idleTimeout(Duration.ofSeconds(5)).build();
    HostileAnswers.run(getClass(), "aHostileAnswerIsTypedOrTheUploadIsRight", "hostile.upload.seed",
        "hostile.upload.count", 20, random -> {
          try (HostilePeer server = HostilePeer.start(); HostilePeer thief = HostilePeer.start()) {
            for (Call c : Call.values()) {
              server.on(c.method, c.prefix, HostilePeer.json(c.status, c.body));
            }
            Call call = HostileAnswers.pick(random, Call.values());
            Mutation m = HostileAnswers.pick(random, Mutation.values());
            server.on(call.method, call.prefix, answer(server, thief, call, m, random));
            UploadClient client = UploadClient.builder().endpoint(server.uri("/"))
                .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
                .responseLimits(limits).build();
            FetchReport report = null;
            Throwable failure = null;
            try {
              report = client.fetch(CUSTOMER, PASSWORD, in);
            } catch (RuntimeException e) {
              failure = e;
            }
            String what = call + " " + m;
            if (HostileAnswers.typed(failure)) {
              assertThat(m).as(what + " failed: " + failure).isNotEqualTo(Mutation.BENIGN);
              switch (m) {
                case WIDEN, MULTIPLY -> HostileAnswers.breaks(failure, "maxItems");
                case DEEPEN -> HostileAnswers.breaks(failure, "maxJsonDepth");
                case LONG_STRING -> HostileAnswers.breaks(failure, "maxStringChars");
                case TRICKLE -> HostileAnswers.breaks(failure, "minBytesPerSecond");
                case ENDLESS, EMPTY_ARRAYS -> HostileAnswers.breaks(failure, "maxBodyBytes");
                case PADDED -> HostileAnswers.endsUndelivered(failure, "maxBodyBytes", "bodyTimeout");
                default -> { }
              }
              assertThat(failure.getMessage()).doesNotContain(PASSWORD);
            } else {
              // a PUT's answer of 200 is read under the byte and time bounds but not parsed: its shape is no harm
              boolean shapeOnly = call == Call.PUT && m != Mutation.CUT && m != Mutation.ENDLESS
                  && m != Mutation.REDIRECT && m != Mutation.PADDED && m != Mutation.EMPTY_ARRAYS;
              assertThat(m == Mutation.BENIGN || m == Mutation.TRICKLE || shapeOnly)
                  .as(what + " was taken as a right answer").isTrue();
              assertThat(report.accepted()).extracting(FetchReport.StagedFile::key)
                  .containsExactly("acme/incoming/people.csv");
            }
            server.close();
            thief.close();
            assertThat(thief.requests()).as(what + ": nothing reaches the other host").isEmpty();
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(BASIC));
          }
        });
  }

  /** The call's answer, mutated. */
  private static HostilePeer.Answer answer(HostilePeer server, HostilePeer thief, Call call, Mutation m,
      Random random) throws Exception {
    ObjectNode valid = (ObjectNode) JsonSupport.MAPPER.readTree(call.body);
    return switch (m) {
      case BENIGN -> {
        ObjectNode b = HostileAnswers.widen(valid, random.nextInt(20));
        yield HostilePeer.json(call.status, b.toString());
      }
      case WIDEN -> HostilePeer.json(call.status, HostileAnswers.widen(valid, 65 + random.nextInt(5000)).toString());
      case MULTIPLY -> {
        ObjectNode b = valid.deepCopy();
        ArrayNode items = JsonSupport.MAPPER.createArrayNode().add("x");
        b.set("extra", HostileAnswers.multiply(items, 64 + random.nextInt(50_000)));
        yield HostilePeer.json(call.status, b.toString());
      }
      case DEEPEN -> HostilePeer.json(call.status, "{\"extra\":" + HostileAnswers.deep(33 + random.nextInt(10_000))
          + "," + call.body.substring(1));
      case LONG_STRING -> HostilePeer.json(call.status, "{\"extra\":\"" + HostileAnswers.handle(random,
          4097 + random.nextInt(1 << 20)).replace('\u001b', 'e') + "\"," + call.body.substring(1));
      case TRICKLE -> server.trickle(call.status, "application/json", call.body + " ".repeat(2000),
          Duration.ofMillis(5 + random.nextInt(20)));
      case CUT -> (request, out) -> {
        byte[] bytes = call.body.getBytes(StandardCharsets.UTF_8);
        HostilePeer.head(out, call.status, Map.of("Content-Type", "application/json",
            "Content-Length", String.valueOf(bytes.length + 1 + random.nextInt(1000))));
        out.write(bytes, 0, random.nextInt(bytes.length));
        out.flush();
      };
      case ENDLESS -> server.endless(call.status, "application/json", "{\"extra\":[", "1,", Map.of());
      case REDIRECT -> HostilePeer.redirect(HostileAnswers.pick(random, 301, 302, 303, 307, 308),
          thief.uri(call.prefix).toString());
      case NOT_JSON -> HostilePeer.body(call.status, "application/json", "<html>" + call.body);
      // delivers nothing: whitespace forever inside the document, or empty arrays forever where an array is legal
      case PADDED -> server.padded(call.status, "application/json", call.body.substring(0, call.body.length() - 1)
          + ",", HostileAnswers.pick(random, HostileAnswers.Padding.JSON).text(), HostilePeer.Wire.PLAIN,
          Duration.ZERO, Map.of());
      case EMPTY_ARRAYS -> server.endless(call.status, "application/json", "{\"extra\":[[]", ",[]", Map.of());
    };
  }
}
