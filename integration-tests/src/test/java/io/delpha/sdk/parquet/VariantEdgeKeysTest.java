package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.parquet.variant.VariantBuilder;
import org.apache.parquet.variant.VariantObjectBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shredded VARIANT's object keys are data: Spark 4.2 shreds an object with the key {@code ""} into a
 * {@code typed_value} field named {@code ""} (issue 69), and the format holds keys that are empty, unicode, 1,000
 * characters long, or differ only in case. None of the row model's naming rules (a column needs a name, names are
 * unique) applies to them. Files written by parquet-java's own variant shredder ({@code VariantValueWriter}) with such a
 * shredding schema, at the top level and inside a STRUCT, read as the variants it was given.
 */
class VariantEdgeKeysTest {

  static final long SEED = Long.getLong("variant.keys.seed", 69_000L);
  static final String LONG_KEY = "k".repeat(999) + "é";
  /** The shredded keys: empty, case-differing, unicode, long, and one whose value is an object shredded again. */
  static final List<String> SHREDDED = List.of("", "a", "A", "ключ", "名前", LONG_KEY, " ", "inner");
  static final List<String> RESIDUAL = List.of("b", "B", "😀", "x".repeat(1000));

  static final MessageType SCHEMA = Types.buildMessage()
      .required(PrimitiveTypeName.INT32).named("id")
      .addField(variant("v"))
      .addField(Types.optionalGroup().addField(variant("w")).required(PrimitiveTypeName.INT32).named("n").named("st"))
      .named("m");

  static GroupType variant(String name) {
    Types.GroupBuilder<GroupType> typed = Types.optionalGroup();
    for (String key : SHREDDED) {
      typed.addField(key.equals("inner") ? field(key, Types.optionalGroup().addField(field("", Types.optional(
          PrimitiveTypeName.INT64).named("typed_value"))).addField(field("Z", Types.optional(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType()).named("typed_value"))).named("typed_value"))
          : key.equals("") || key.equals("a") ? field(key, Types.optional(PrimitiveTypeName.INT64).named("typed_value"))
          : field(key, Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
              .named("typed_value")));
    }
    return Types.optionalGroup().as(LogicalTypeAnnotation.variantType((byte) 1))
        .required(PrimitiveTypeName.BINARY).named("metadata")
        .optional(PrimitiveTypeName.BINARY).named("value")
        .addField(typed.named("typed_value"))
        .named(name);
  }

  static GroupType field(String key, Type typedValue) {
    return Types.requiredGroup().optional(PrimitiveTypeName.BINARY).named("value").addField(typedValue).named(key);
  }

  record Written(int id, org.apache.parquet.variant.Variant v, org.apache.parquet.variant.Variant w) {}

  @Test
  @DisplayName("shredded keys that are empty, differ in case, are unicode or 1,000 characters long read as written, "
      + "as rows and as batches, top level and in a STRUCT")
  void edgeKeysReadAsWritten(@TempDir Path tmp) throws IOException {
    Random r = new Random(SEED);
    List<Written> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(new Written(i, r.nextInt(10) == 0 ? null : object(r, 0), r.nextInt(10) == 0 ? null : object(r, 0)));
    }
    Path file = tmp.resolve("keys.parquet");
    LaidOutWriter.write(file, SCHEMA, 50, rows, VariantEdgeKeysTest::layOut);
    String replay = " (replay: mvn -q test -Dtest=VariantEdgeKeysTest -Dvariant.keys.seed=" + SEED + ")";
    for (List<Row> read : List.of(ParquetCorpusTest.readAll(file), ParquetCorpusTest.readColumnar(file))) {
      assertThat(read).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        Written w = rows.get(i);
        Row o = read.get(i);
        assertThat(o.getInt("id")).isEqualTo(i);
        assertThat(o.getVariant("v")).as("row %d v%s", i, replay).isEqualTo(ours(w.v()));
        assertThat(o.getRow("st").getVariant("w")).as("row %d st.w%s", i, replay).isEqualTo(ours(w.w()));
      }
    }
    assertThat(rows.stream().filter(w -> w.v() != null && ours(w.v()).toJson().contains("\"\":")).count())
        .as("rows whose v has the empty key").isGreaterThan(50);
  }

  /** An object of some of the shredded keys (each mostly of its shredded type) and some residual ones. */
  static org.apache.parquet.variant.Variant object(Random r, int depth) {
    VariantBuilder b = new VariantBuilder();
    appendObject(b, r, depth);
    return b.build();
  }

  private static void appendObject(VariantBuilder b, Random r, int depth) {
    Set<String> keys = new LinkedHashSet<>();
    List<String> pool = new ArrayList<>(depth == 0 ? SHREDDED : List.of("", "Z", "z"));
    pool.addAll(RESIDUAL);
    for (int n = r.nextInt(pool.size() + 1); n > 0; n--) {
      keys.add(pool.get(r.nextInt(pool.size())));
    }
    VariantObjectBuilder o = b.startObject();
    for (String k : keys) {
      o.appendKey(k);
      int roll = r.nextInt(6);
      if (k.equals("inner") && roll > 0) {
        appendObject(o, r, depth + 1);
      } else if ((k.equals("") || k.equals("a")) && roll > 0) {
        o.appendLong(r.nextLong());
      } else if (roll > 1) {
        o.appendString(k.isEmpty() ? "empty" : "s" + r.nextInt(1000));
      } else {
        o.appendDouble(r.nextDouble());
      }
    }
    b.endObject();
  }

  static Variant ours(org.apache.parquet.variant.Variant v) {
    return v == null ? null : VariantParquetJavaTest.ours(v);
  }

  private static void layOut(RecordConsumer rc, Written row) {
    rc.startField("id", 0);
    rc.addInteger(row.id());
    rc.endField("id", 0);
    LaidOutWriter.variant(rc, SCHEMA, "v", row.v());
    GroupType st = SCHEMA.getType("st").asGroupType();
    rc.startField("st", 2);
    rc.startGroup();
    LaidOutWriter.variant(rc, st, "w", row.w());
    rc.startField("n", 1);
    rc.addInteger(row.id());
    rc.endField("n", 1);
    rc.endGroup();
    rc.endField("st", 2);
  }
}
