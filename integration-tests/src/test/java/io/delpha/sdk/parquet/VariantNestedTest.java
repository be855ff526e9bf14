package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VARIANT inside a LIST, MAP or STRUCT, at any depth: what our writer writes reads back equal (rows and batches),
 * and every case of parquet-testing's {@code shredded_variant/} put inside a LIST, a STRUCT, a MAP's values and a
 * LIST of LISTs of STRUCTs (by parquet-mr, the case's own group copied) reads as its expected variants there, its error
 * cases refused there too: the same shredding rules as a top-level VARIANT. DuckDB's reading of these files is held in
 * {@link VariantDuckDbTest}.
 */
@DisplayName("VARIANT inside LIST, MAP and STRUCT: read unshredded and shredded, as at the top level")
class VariantNestedTest {

  static final RowSchema INNER = RowSchema.builder()
      .required("v", ColumnType.VARIANT)
      .nullable("w", ColumnType.VARIANT)
      .required("n", ColumnType.INT)
      .build();

  /** A VARIANT at every place the row model has for one, required and nullable. */
  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.INT)
      .nullable("top", ColumnType.VARIANT)
      .nullable("list", ColumnType.list(ColumnType.VARIANT, true))
      .required("dense", ColumnType.list(ColumnType.VARIANT, false))
      .nullable("struct", ColumnType.struct(INNER))
      .nullable("map", ColumnType.map(ColumnType.STRING, ColumnType.VARIANT, true))
      .nullable("keyed", ColumnType.map(ColumnType.VARIANT, ColumnType.INT, false))
      .nullable("deep", ColumnType.list(ColumnType.map(ColumnType.LONG, ColumnType.list(ColumnType.struct(INNER),
          true), true), true))
      .build();

  /** {@link #SCHEMA}'s rows, seeded: random variants ({@link VariantFuzzTest#randomVariant}), nulls at every level. */
  static List<Row> rows(long seed, int count) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(Row.of(SCHEMA, i, r.nextInt(5) == 0 ? null : variant(r), r.nextInt(6) == 0 ? null : list(r, true),
          list(r, false), r.nextInt(6) == 0 ? null : inner(r, i), r.nextInt(6) == 0 ? null : map(r),
          r.nextInt(6) == 0 ? null : keyed(r), r.nextInt(6) == 0 ? null : deep(r, i)));
    }
    return rows;
  }

  private static Variant variant(Random r) {
    return r.nextInt(8) == 0 ? Variant.ofNull() : VariantFuzzTest.randomVariant(r, 1 + r.nextInt(3));
  }

  private static List<Variant> list(Random r, boolean nulls) {
    List<Variant> l = new ArrayList<>();
    for (int n = r.nextInt(4); n > 0; n--) {
      l.add(nulls && r.nextInt(4) == 0 ? null : variant(r));
    }
    return Collections.unmodifiableList(l);
  }

  private static Row inner(Random r, int n) {
    return Row.of(INNER, variant(r), r.nextBoolean() ? null : variant(r), n);
  }

  private static Map<String, Variant> map(Random r) {
    Map<String, Variant> m = new LinkedHashMap<>();
    for (int n = r.nextInt(3); n > 0; n--) {
      m.put("k" + r.nextInt(10), r.nextInt(4) == 0 ? null : variant(r));
    }
    return Collections.unmodifiableMap(m);
  }

  private static Map<Variant, Integer> keyed(Random r) {
    Map<Variant, Integer> m = new LinkedHashMap<>();
    for (int n = r.nextInt(3); n > 0; n--) {
      m.put(Variant.of("key" + r.nextInt(10)), n);
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<Map<Long, List<Row>>> deep(Random r, int i) {
    List<Map<Long, List<Row>>> out = new ArrayList<>();
    for (int a = r.nextInt(3); a > 0; a--) {
      if (r.nextInt(5) == 0) {
        out.add(null);
        continue;
      }
      Map<Long, List<Row>> m = new LinkedHashMap<>();
      for (int b = r.nextInt(3); b > 0; b--) {
        List<Row> structs = new ArrayList<>();
        for (int c = r.nextInt(3); c > 0; c--) {
          structs.add(r.nextInt(5) == 0 ? null : inner(r, i));
        }
        m.put((long) b, r.nextInt(5) == 0 ? null : Collections.unmodifiableList(structs));
      }
      out.add(Collections.unmodifiableMap(m));
    }
    return Collections.unmodifiableList(out);
  }

  static Path write(Path file, List<Row> rows, WriteOptions options) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, options)) {
      rows.forEach(w::write);
    }
    return file;
  }

  @Test
  @DisplayName("our writer's VARIANTs in lists, maps (values and keys) and structs, nested four deep, required and "
      + "nullable, read back equal through rows and through batches of every size; a Variant in each place")
  void ourNestedVariantsReadBackEqual(@TempDir Path tmp) {
    List<Row> rows = rows(59_100L, 700);
    Path file = write(tmp.resolve("nested.parquet"), rows, WriteOptions.defaults().withRowGroupBytes(64 * 1024));
    try (RowReader r = ParquetRows.read(file)) {
      assertThat(r.schema()).isEqualTo(SCHEMA);
    }
    assertThat(ParquetCorpusTest.readAll(file)).containsExactlyElementsOf(rows);
    assertThat(ParquetCorpusTest.readColumnar(file)).containsExactlyElementsOf(rows);
    for (int batchRows : new int[] {1, 7, 256}) {
      List<Row> read = new ArrayList<>();
      try (ColumnBatchReader r = ParquetRows.readBatches(file, ReadOptions.defaults().withBatchRows(batchRows))) {
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.rowCount(); i++) {
            read.add(b.row(i));
          }
        }
      }
      assertThat(read).as("batches of %d rows", batchRows).containsExactlyElementsOf(rows);
    }
    Row some = ParquetCorpusTest.readAll(file).stream()
        .filter(row -> row.getList("list") != null && row.getList("list").stream().anyMatch(v -> v != null)
            && row.getRow("struct") != null && row.getMap("map") != null && !row.getMap("map").isEmpty())
        .findFirst().orElseThrow();
    assertThat(some.getList("list")).allMatch(v -> v == null || v instanceof Variant);
    assertThat(some.getRow("struct").getVariant("v")).isInstanceOf(Row.javaType(ColumnType.VARIANT));
    assertThat(some.getMap("map").values()).allMatch(v -> v == null || v instanceof Variant);
  }

  @Test
  @DisplayName("a variant null and a missing VARIANT stay apart inside a list and a struct")
  void variantNullIsNotNull(@TempDir Path tmp) {
    Row row = Row.of(SCHEMA, 1, Variant.ofNull(), Arrays.asList(Variant.ofNull(), null), List.of(Variant.ofNull()),
        Row.of(INNER, Variant.ofNull(), null, 3), Collections.singletonMap("k", null), null, null);
    Path file = write(tmp.resolve("nulls.parquet"), List.of(row), WriteOptions.defaults());
    Row read = ParquetCorpusTest.readAll(file).get(0);
    assertThat(read).isEqualTo(row);
    assertThat(read.getList("list")).isEqualTo(Arrays.asList(Variant.ofNull(), null));
    assertThat(read.getRow("struct").getVariant("v")).isEqualTo(Variant.ofNull());
    assertThat(read.getRow("struct").getVariant("w")).isNull();
  }

  // ---------------------------------------------------------------- parquet-testing's cases, nested

  @Test
  @DisplayName("every shredded_variant/ case inside a LIST, a STRUCT, a MAP's values and LISTs of LISTs of STRUCTs "
      + "reads as its expected variants; its error cases are refused; its -INVALID files as at the top level")
  void shreddedCasesNested(@TempDir Path tmp) throws Exception {
    JsonNode cases = new ObjectMapper().readTree(VariantShreddedCasesTest.DIR.resolve("cases.json").toFile());
    List<String> wrong = new ArrayList<>();
    int read = 0;
    int refused = 0;
    for (JsonNode c : cases) {
      if (!c.hasNonNull("parquet_file")) {
        continue;
      }
      String name = c.get("parquet_file").textValue();
      Path original = VariantShreddedCasesTest.DIR.resolve(name);
      Path nested = nest(original, tmp.resolve("nested-" + name));
      List<Row> top = null;
      try {
        top = ParquetCorpusTest.readAll(original);
      } catch (DataFormatException e) {
        assertThat(c.hasNonNull("error_message") || name.contains("-INVALID")).as(name).isTrue();
      }
      if (top == null) {
        try {
          ParquetCorpusTest.readAll(nested);
          wrong.add(name + ": refused at the top level, read nested");
        } catch (DataFormatException e) {
          assertThat(e).hasMessageContaining(nested.getFileName().toString());
          refused++;
        }
        continue;
      }
      List<Row> rows = ParquetCorpusTest.readAll(nested);
      assertThat(rows).hasSize(top.size() + 1);
      RowSchema schema = rows.get(0).schema();
      RowSchema s = schema.column(schema.requireIndex("s")).type().fields();
      RowSchema x = schema.column(schema.requireIndex("ll")).type().element().type().element().type().fields();
      for (int i = 0; i < top.size(); i++) {
        Variant expected = top.get(i).getVariant(variantColumn(top.get(i).schema()));
        Row want = Row.of(schema, Arrays.asList(expected, expected), Row.of(s, expected, i),
            Collections.singletonMap("k", expected), List.of(List.of(Row.of(x, expected)), List.of()));
        if (!rows.get(i).equals(want)) {
          wrong.add(name + " row " + i + ": " + rows.get(i) + ", expected " + want);
        }
      }
      assertThat(rows.get(top.size()).values()).as(name + ": the row of nulls").containsOnlyNulls();
      assertThat(ParquetCorpusTest.readColumnar(nested)).as(name).containsExactlyElementsOf(rows);
      read++;
    }
    System.out.printf("shredded_variant/ nested: %d cases read equal, %d refused as at the top level%n", read, refused);
    assertThat(wrong).isEmpty();
    assertThat(read).isGreaterThanOrEqualTo(128);
    assertThat(refused).isGreaterThanOrEqualTo(6);
  }

  private static int variantColumn(RowSchema schema) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.column(i).type().kind() == ColumnType.Kind.VARIANT) {
        return i;
      }
    }
    throw new AssertionError("no VARIANT column in " + schema);
  }

  /**
   * Writes, with parquet-mr, the rows of a file of one VARIANT group (and other columns, left out) as {@code l}, a
   * LIST of the group twice; {@code s}, a STRUCT of it and the row's number; {@code m}, a MAP of "k" to it; {@code ll},
   * a LIST of a LIST of a STRUCT of it, and an empty LIST: the group's own bytes, its shredding unchanged. Then a row
   * of nulls (a required group under them has no value).
   */
  static Path nest(Path original, Path file) throws IOException {
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE).build();
    List<Group> groups = new ArrayList<>();
    GroupType variant;
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(original), options)) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      variant = schema.getFields().stream()
          .filter(f -> f.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.VariantLogicalTypeAnnotation)
          .findFirst().orElseThrow().asGroupType();
      for (PageReadStore pages = r.readNextRowGroup(); pages != null; pages = r.readNextRowGroup()) {
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
            .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group row = records.read();
          groups.add(row.getFieldRepetitionCount(variant.getName()) == 0 ? null : row.getGroup(variant.getName(), 0));
        }
      }
    }
    Repetition rep = variant.getRepetition();
    MessageType schema = Types.buildMessage()
        .addField(Types.optionalGroup().as(LogicalTypeAnnotation.listType())
            .addField(Types.repeatedGroup().addField(renamed(variant, "element", rep)).named("list")).named("l"))
        .addField(Types.optionalGroup().addField(renamed(variant, "v", rep))
            .addField(Types.required(PrimitiveTypeName.INT32).named("n")).named("s"))
        .addField(Types.optionalGroup().as(LogicalTypeAnnotation.mapType())
            .addField(Types.repeatedGroup().addField(Types.required(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType()).named("key")).addField(renamed(variant, "value", rep))
                .named("key_value")).named("m"))
        .addField(Types.optionalGroup().as(LogicalTypeAnnotation.listType())
            .addField(Types.repeatedGroup().addField(Types.requiredGroup().as(LogicalTypeAnnotation.listType())
                .addField(Types.repeatedGroup().addField(Types.requiredGroup().addField(renamed(variant, "x", rep))
                    .named("element")).named("list")).named("element")).named("list")).named("ll"))
        .named("nested");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).withType(schema).build()) {
      SimpleGroupFactory factory = new SimpleGroupFactory(schema);
      for (int i = 0; i < groups.size(); i++) {
        Group g = groups.get(i);
        Group row = factory.newGroup();
        Group l = row.addGroup("l");
        for (int k = 0; k < 2; k++) {
          Group element = l.addGroup("list");
          if (g != null) {
            element.add("element", g);
          }
        }
        Group s = row.addGroup("s");
        if (g != null) {
          s.add("v", g);
        }
        s.add("n", i);
        Group entry = row.addGroup("m").addGroup("key_value");
        entry.add("key", "k");
        if (g != null) {
          entry.add("value", g);
        }
        Group outer = row.addGroup("ll");
        Group x = outer.addGroup("list").addGroup("element").addGroup("list").addGroup("element");
        if (g != null) {
          x.add("x", g);
        }
        outer.addGroup("list").addGroup("element");
        w.write(row);
      }
      w.write(factory.newGroup());
    }
    return file;
  }

  private static Type renamed(GroupType variant, String name, Repetition repetition) {
    return Types.buildGroup(repetition).as(variant.getLogicalTypeAnnotation())
        .addFields(variant.getFields().toArray(new Type[0])).named(name);
  }

  @Test
  @DisplayName("a required VARIANT under a null STRUCT, LIST element or MAP value is no value")
  void requiredVariantUnderNulls(@TempDir Path tmp) {
    Row row = Row.of(SCHEMA, 1, null, null, List.of(), null, null, null, Arrays.asList(null,
        Collections.singletonMap(1L, Arrays.asList(null, Row.of(INNER, Variant.of(1), null, 2))),
        Collections.singletonMap(2L, null)));
    Path file = write(tmp.resolve("absent.parquet"), List.of(row, row), WriteOptions.defaults());
    assertThat(ParquetCorpusTest.readAll(file)).containsExactly(row, row);
    assertThat(ParquetCorpusTest.readColumnar(file)).containsExactly(row, row);
  }
}
