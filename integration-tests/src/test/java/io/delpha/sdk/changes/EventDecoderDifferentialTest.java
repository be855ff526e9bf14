package io.delpha.sdk.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.delpha.sdk.changes.internal.EventDecoder;
import io.delpha.sdk.changes.internal.EventSchema;
import io.delpha.sdk.core.DataFormatException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stream's decoder (Avro's fast reader, collections held to the payload's bytes) against Avro's resolving reader,
 * a path of Avro's it does not use, on seeded change events of the generator and mutations of them: a truncation, a
 * byte changed, a varint claiming a large count spliced in, a slice repeated. Where the oracle reads a record, ours
 * reads the same one; where ours refuses one, it is typed and the oracle refuses it too, but for a payload with bytes
 * after its record (which Avro reads and leaves), and a collection claiming more items, or a string more bytes, than
 * the payload has (which ours refuses before Avro sizes it: the oracle is not run on those, it would allocate up to
 * two billion items or bytes first).
 */
@DisplayName("Change events: the decoder against Avro's resolving reader, on seeded events and mutations of them")
public class EventDecoderDifferentialTest {

  private static final GenericData RESOLVING = resolving();

  private static GenericData resolving() {
    GenericData data = new GenericData();
    data.setFastReaderEnabled(false);
    return data;
  }

  @Test
  @DisplayName("every record the oracle reads, ours reads the same; every payload ours refuses is typed, and refused by "
      + "the oracle unless it only has bytes after its record")
  void againstResolvingReader() {
    long seed = Long.getLong("changes.decoder.seed", 71_029L);
    int count = Integer.getInteger("changes.decoder.count", 4_000);
    String replay = " (replay: -Dchanges.decoder.seed=" + seed + " -Dtest=EventDecoderDifferentialTest)";
    ChangeLog log = new ChangeLog(seed).generate(200);
    EventSchema account = EventSchema.parse(ChangeLog.ACCOUNT_SCHEMA, ChangeLog.schemaJson("AccountChangeEvent.avsc"),
        1 << 20, 16);
    EventSchema contact = EventSchema.parse("contact", ChangeLog.schemaJson("ContactChangeEvent.avsc"), 1 << 20, 16);
    SplittableRandom random = new SplittableRandom(seed);
    int agreed = 0;
    int refusedBoth = 0;
    int trailing = 0;
    int claims = 0;
    int lengths = 0;
    for (int n = 0; n < count; n++) {
      FakePubSub.Event event = log.events.get(random.nextInt(log.events.size()));
      EventSchema schema = event.schemaId().equals(ChangeLog.ACCOUNT_SCHEMA) ? account : contact;
      int kind = random.nextInt(6);
      byte[] payload = kind == 0 ? event.payload() : mutate(event.payload(), kind, random);
      String what = "mutation " + n + " (kind " + kind + ") of an event of " + schema.id() + ": "
          + java.util.HexFormat.of().formatHex(payload) + replay;
      GenericRecord ours = null;
      DataFormatException refused = null;
      try {
        ours = EventDecoder.record(schema, payload);
      } catch (DataFormatException e) {
        refused = e;
      }
      if (kind == 0) {
        assertThat(refused).as(what).isNull();
      }
      if (refused != null && refused.getMessage().contains("array or map items or more")) {
        claims++;
        continue;
      }
      if (refused != null && refused.getMessage().contains("claims a string")) {
        lengths++;
        continue;
      }
      GenericRecord oracle = null;
      Exception oracleRefused = null;
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(payload, null);
      try {
        oracle = new GenericDatumReader<GenericRecord>(schema.avro(), schema.avro(), RESOLVING).read(null, in);
      } catch (Exception | StackOverflowError e) {
        oracleRefused = new Exception(e);
      }
      if (ours != null) {
        assertThat(oracle).as("the oracle read what ours read: " + what).isNotNull();
        assertThat(ours).as(what).isEqualTo(oracle);
        agreed++;
        // the event made of the record: typed if refused (a bitmap or header the generator never sends)
        byte[] p = payload;
        assertThatCode(() -> {
          try {
            EventDecoder.decode(schema, p);
          } catch (DataFormatException e) {
            // typed
          }
        }).as(what).doesNotThrowAnyException();
      } else if (refused.getMessage().contains("bytes after its last field")) {
        assertThat(oracle).as("the oracle reads a record and leaves bytes: " + what).isNotNull();
        trailing++;
      } else {
        assertThat(oracleRefused).as("ours refused (" + refused.getMessage() + "), so must the oracle: " + what)
            .isNotNull();
        refusedBoth++;
      }
    }
    // the mutations reached every outcome
    assertThat(agreed).as("records read by both" + replay).isGreaterThan(count / 6);
    assertThat(refusedBoth).as("payloads refused by both" + replay).isGreaterThan(count / 20);
    assertThat(trailing).as("payloads with bytes after their record" + replay).isPositive();
    assertThat(claims).as("payloads claiming more items than their bytes" + replay).isPositive();
    assertThat(lengths).as("payloads claiming a string longer than their bytes" + replay).isPositive();
  }

  /** A payload mutated: 1 cut short, 2 a byte changed, 3 a claim spliced in, 4 a slice repeated, 5 two bytes changed. */
  private static byte[] mutate(byte[] payload, int kind, SplittableRandom random) {
    int at = random.nextInt(payload.length);
    return switch (kind) {
      case 1 -> Arrays.copyOf(payload, at);
      case 2 -> {
        byte[] p = payload.clone();
        p[at] = (byte) random.nextInt(256);
        yield p;
      }
      case 3 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(payload, 0, at);
        long claim = List.of(1L << 20, 1L << 30, Integer.MAX_VALUE - 8L, 3L + random.nextInt(200))
            .get(random.nextInt(4));
        long zigzag = claim << 1;
        while ((zigzag & ~0x7FL) != 0) {
          out.write((int) (zigzag & 0x7F | 0x80));
          zigzag >>>= 7;
        }
        out.write((int) zigzag);
        out.write(payload, at, payload.length - at);
        yield out.toByteArray();
      }
      case 4 -> {
        int length = 1 + random.nextInt(Math.min(32, payload.length - at));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(payload, 0, at + length);
        out.write(payload, at, payload.length - at);
        yield out.toByteArray();
      }
      default -> {
        byte[] p = payload.clone();
        p[at] = (byte) random.nextInt(256);
        p[random.nextInt(p.length)] = (byte) random.nextInt(256);
        yield p;
      }
    };
  }
}
