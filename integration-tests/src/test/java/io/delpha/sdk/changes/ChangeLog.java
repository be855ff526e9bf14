package io.delpha.sdk.changes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.salesforce.SalesforceStubs;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A seeded generator of Salesforce change logs over Accounts and Contacts, and the org they leave: every change type
 * (CREATE, UPDATE with changed, nulled and diff fields, DELETE, UNDELETE, the four gap events, GAP_OVERFLOW), events
 * of several records, transactions of several events, compound fields changed part by part. The expected table is the
 * org's final state, kept here as plain maps of the flat fields: it is computed without the consumer's code.
 */
final class ChangeLog {

  static final String ACCOUNT_SCHEMA = "AccSchema-1";
  static final String CONTACT_SCHEMA = "ConSchema-1";
  static final String OVERFLOW_ID = "000000000000000AAA";
  private static final DateTimeFormatter REST_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** A DateTime in a Bulk API 2.0 query's CSV, as the Bulk API's date formats page writes it. */
  private static final DateTimeFormatter BULK_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The flat field names of each compound field, by the model's own rule (written out, not the consumer's). */
  private static String flat(String compound, String part) {
    return switch (compound) {
      case "BillingAddress" -> "Billing" + part;
      case "ShippingAddress" -> "Shipping" + part;
      case "MailingAddress" -> "Mailing" + part;
      case "Name" -> part;
      default -> throw new IllegalArgumentException(compound);
    };
  }

  final Schema account = schema("AccountChangeEvent.avsc");
  final Schema contact = schema("ContactChangeEvent.avsc");
  /** The live records: entity, id, flat field, value. */
  final Map<String, Map<String, Map<String, Object>>> org = new TreeMap<>();
  private final Map<String, Map<String, Map<String, Object>>> deleted = new TreeMap<>();
  final List<FakePubSub.Event> events = new ArrayList<>();
  /** The index in {@link #events} of each GAP_OVERFLOW. */
  final List<Integer> overflows = new ArrayList<>();
  /** What each event of {@link #events} says, for a writer that is not the consumer (the benchmark's anchor). */
  final List<Change> changes = new ArrayList<>();
  private final Random r;
  private long commitTs = Instant.parse("2025-03-01T08:00:00Z").toEpochMilli();
  private long commitNumber = 10_000_000_000L;
  private int nextId;
  private int transaction;
  /** No change the consumer must re-read (no diff field): set by {@link #generateAccountWrites}. */
  private boolean direct;

  ChangeLog(long seed) {
    this(seed, 0);
  }

  /**
   * @param seed the generator's seed
   * @param idsAfter the number after which record ids are counted: logs whose ids do not overlap (the benchmark's
   *     rounds, applied one after another into one table) hold records of their own
   */
  ChangeLog(long seed, int idsAfter) {
    this.nextId = idsAfter;
    this.r = new Random(seed);
    org.put("Account", new TreeMap<>());
    org.put("Contact", new TreeMap<>());
    deleted.put("Account", new TreeMap<>());
    deleted.put("Contact", new TreeMap<>());
  }

  static Schema schema(String file) {
    try (InputStream in = ChangeLog.class.getResourceAsStream("/changes/" + file)) {
      return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String schemaJson(String file) {
    return schema(file).toString();
  }

  Schema schemaOf(String entity) {
    return entity.equals("Account") ? account : contact;
  }

  /** Generates {@code transactions} transactions of 1 to 4 events each. */
  ChangeLog generate(int transactions) {
    for (int t = 0; t < transactions; t++) {
      transaction++;
      commitTs += r.nextInt(3); // two transactions may commit in the same millisecond
      commitNumber += 1 + r.nextInt(1000);
      int n = 1 + r.nextInt(4);
      for (int seq = 1; seq <= n; seq++) {
        step(seq);
      }
    }
    return this;
  }

  /**
   * For the benchmark: {@code count} Account events in transactions of 1 to 4, none needing a REST re-read: CREATE
   * (25%), UPDATE with changed and nulled fields, compound fields part by part, now and then of 2 or 3 records (60%),
   * DELETE (15%).
   */
  ChangeLog generateAccountWrites(int count) {
    direct = true;
    while (events.size() < count) {
      transaction++;
      commitTs += r.nextInt(3);
      commitNumber += 1 + r.nextInt(1000);
      int n = Math.min(1 + r.nextInt(4), count - events.size());
      for (int seq = 1; seq <= n; seq++) {
        int roll = r.nextInt(100);
        if (org.get("Account").size() < 3 || roll < 25) {
          create("Account", seq, false);
        } else if (roll < 85) {
          update("Account", seq);
        } else {
          delete("Account", seq);
        }
      }
    }
    return this;
  }

  private void step(int seq) {
    String entity = r.nextInt(3) == 0 ? "Contact" : "Account";
    Map<String, Map<String, Object>> live = org.get(entity);
    int roll = r.nextInt(100);
    if (live.size() < 3 || roll < 22) {
      create(entity, seq, roll % 11 == 0);
    } else if (roll < 62) {
      update(entity, seq);
    } else if (roll < 72) {
      delete(entity, seq);
    } else if (roll < 80 && !deleted.get(entity).isEmpty()) {
      undelete(entity, seq, roll % 2 == 0);
    } else if (roll < 93) {
      gapUpdate(entity, seq, roll % 3 == 0);
    } else if (roll < 96) {
      overflow(entity, seq);
    } else {
      update(entity, seq);
    }
  }

  private void create(String entity, int seq, boolean gap) {
    String id = (entity.equals("Account") ? "001" : "003") + String.format(Locale.ROOT, "%015d", ++nextId);
    Map<String, Object> fields = new TreeMap<>();
    for (Schema.Field f : fields(entity)) {
      fill(fields, f, 0.7);
    }
    fields.put("CreatedDate", Instant.ofEpochMilli(commitTs));
    fields.put("LastModifiedDate", Instant.ofEpochMilli(commitTs));
    org.get(entity).put(id, fields);
    emit(entity, gap ? "GAP_CREATE" : "CREATE", List.of(id), seq, gap ? null : fields, null);
  }

  private void update(String entity, int seq) {
    List<String> ids = pick(org.get(entity), 1 + (r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 0));
    Schema s = schemaOf(entity);
    Map<String, Object> changedValues = new TreeMap<>();
    BitSet changedTop = new BitSet();
    BitSet nulledTop = new BitSet();
    BitSet diffTop = new BitSet();
    Map<Integer, BitSet> changedParts = new TreeMap<>();
    Map<Integer, BitSet> nulledParts = new TreeMap<>();
    List<Schema.Field> all = fields(entity);
    int changes = 1 + r.nextInt(3);
    for (int c = 0; c < changes; c++) {
      Schema.Field f = all.get(r.nextInt(all.size()));
      if (f.name().equals("CreatedDate")) {
        continue;
      }
      Schema t = nonNull(f.schema());
      if (t.getType() == Schema.Type.RECORD) {
        for (Schema.Field p : t.getFields()) {
          if (r.nextBoolean()) {
            Object v = r.nextInt(4) == 0 ? null : value(nonNull(p.schema()), p.doc());
            changedValues.put(flat(f.name(), p.name()), v);
            changedParts.computeIfAbsent(f.pos(), k -> new BitSet()).set(p.pos());
            if (v == null) {
              nulledParts.computeIfAbsent(f.pos(), k -> new BitSet()).set(p.pos());
            }
          }
        }
        if (changedParts.containsKey(f.pos()) && r.nextBoolean()) {
          changedTop.set(f.pos()); // Salesforce may also set the compound's own bit
        }
      } else {
        Object v = r.nextInt(4) == 0 ? null : value(t, f.doc());
        changedValues.put(f.name(), v);
        changedTop.set(f.pos());
        if (v == null) {
          nulledTop.set(f.pos());
        } else if (!direct && f.name().equals("Description") && r.nextBoolean()) {
          diffTop.set(f.pos()); // a long text sent as a diff: the consumer must re-read it
        }
      }
    }
    Schema.Field lm = s.getField("LastModifiedDate");
    changedValues.put("LastModifiedDate", Instant.ofEpochMilli(commitTs));
    changedTop.set(lm.pos());
    for (String id : ids) {
      org.get(entity).get(id).putAll(changedValues);
    }
    Map<String, Object> body = new TreeMap<>(changedValues);
    if (!diffTop.isEmpty()) {
      body.put("Description", "@@ -1,3 +1,4 @@ a diff, not the value");
    }
    Header h = new Header(bitmap(changedTop, changedParts), bitmap(nulledTop, nulledParts), bitmap(diffTop, Map.of()));
    emit(entity, "UPDATE", ids, seq, body, h);
  }

  private void delete(String entity, int seq) {
    List<String> ids = pick(org.get(entity), r.nextInt(6) == 0 ? 2 : 1);
    for (String id : ids) {
      deleted.get(entity).put(id, org.get(entity).remove(id));
    }
    emit(entity, "DELETE", ids, seq, null, null);
  }

  private void undelete(String entity, int seq, boolean gap) {
    String id = pick(deleted.get(entity), 1).get(0);
    Map<String, Object> fields = deleted.get(entity).remove(id);
    org.get(entity).put(id, fields);
    emit(entity, gap ? "GAP_UNDELETE" : "UNDELETE", List.of(id), seq, gap ? null : fields, null);
  }

  /** A change whose event was not sent: GAP_UPDATE (or GAP_DELETE) carries ids only. */
  private void gapUpdate(String entity, int seq, boolean asDelete) {
    if (asDelete) {
      String id = pick(org.get(entity), 1).get(0);
      deleted.get(entity).put(id, org.get(entity).remove(id));
      emit(entity, "GAP_DELETE", List.of(id), seq, null, null);
      return;
    }
    List<String> ids = pick(org.get(entity), 1 + r.nextInt(2));
    for (String id : ids) {
      Map<String, Object> rec = org.get(entity).get(id);
      for (Schema.Field f : fields(entity)) {
        if (!f.name().equals("CreatedDate") && r.nextInt(3) == 0) {
          fill(rec, f, 0.8);
        }
      }
      rec.put("LastModifiedDate", Instant.ofEpochMilli(commitTs));
    }
    emit(entity, "GAP_UPDATE", ids, seq, null, null);
  }

  /** Many changes none of which was sent: GAP_OVERFLOW, the placeholder id, the whole object to re-read. */
  private void overflow(String entity, int seq) {
    int n = 2 + r.nextInt(6);
    for (int i = 0; i < n; i++) {
      Map<String, Map<String, Object>> live = org.get(entity);
      int roll = r.nextInt(3);
      if (roll == 0 || live.size() < 2) {
        String id = (entity.equals("Account") ? "001" : "003") + String.format(Locale.ROOT, "%015d", ++nextId);
        Map<String, Object> fields = new TreeMap<>();
        fields(entity).forEach(f -> fill(fields, f, 0.7));
        fields.put("CreatedDate", Instant.ofEpochMilli(commitTs));
        live.put(id, fields);
      } else if (roll == 1) {
        String id = pick(live, 1).get(0);
        deleted.get(entity).put(id, live.remove(id));
      } else {
        Map<String, Object> rec = live.get(pick(live, 1).get(0));
        fields(entity).stream().filter(f -> !f.name().equals("CreatedDate") && r.nextBoolean())
            .forEach(f -> fill(rec, f, 0.8));
      }
    }
    overflows.add(events.size());
    emit(entity, "GAP_OVERFLOW", List.of(OVERFLOW_ID), seq, null, null);
  }

  /** An event's change: the flat fields it sets (a null to null), none for a delete or a gap. */
  record Change(String entity, String type, List<String> ids, Map<String, Object> body) {}

  private record Header(List<String> changed, List<String> nulled, List<String> diff) {}

  private void emit(String entity, String type, List<String> ids, int seq, Map<String, Object> body, Header h) {
    Schema s = schemaOf(entity);
    Schema hs = s.getField("ChangeEventHeader").schema();
    GenericRecord header = new GenericData.Record(hs);
    header.put("entityName", entity);
    header.put("recordIds", new ArrayList<>(ids));
    header.put("changeType", new GenericData.EnumSymbol(hs.getField("changeType").schema(), type));
    header.put("changeOrigin", "com/salesforce/api/soap/60.0;client=test");
    header.put("transactionKey", String.format(Locale.ROOT, "%08x-tx", transaction));
    header.put("sequenceNumber", seq);
    header.put("commitTimestamp", commitTs);
    header.put("commitNumber", commitNumber);
    header.put("commitUser", "005000000000001AAA");
    header.put("nulledFields", h == null ? List.of() : h.nulled());
    header.put("diffFields", h == null ? List.of() : h.diff());
    header.put("changedFields", h == null ? List.of() : h.changed());
    GenericRecord event = new GenericData.Record(s);
    event.put("ChangeEventHeader", header);
    if (body != null) {
      for (Schema.Field f : fields(entity)) {
        Schema t = nonNull(f.schema());
        if (t.getType() == Schema.Type.RECORD) {
          GenericRecord compound = new GenericData.Record(t);
          boolean any = false;
          for (Schema.Field p : t.getFields()) {
            Object v = body.get(flat(f.name(), p.name()));
            compound.put(p.pos(), v == null ? null : avro(v, nonNull(p.schema())));
            any |= v != null;
          }
          event.put(f.pos(), any ? compound : null);
        } else {
          Object v = body.get(f.name());
          event.put(f.pos(), v == null ? null : avro(v, t));
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(s).write(event, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    events.add(new FakePubSub.Event(entity.equals("Account") ? ACCOUNT_SCHEMA : CONTACT_SCHEMA, out.toByteArray()));
    changes.add(new Change(entity, type, List.copyOf(ids), body == null ? Map.of() : new TreeMap<>(body)));
  }

  private static Object avro(Object v, Schema t) {
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (v instanceof LocalDate d) {
      return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
    return v;
  }

  /** Salesforce's form: the first entry the top-level bitmap, then "pos-0x.." per compound. */
  private static List<String> bitmap(BitSet top, Map<Integer, BitSet> parts) {
    List<String> out = new ArrayList<>();
    if (!top.isEmpty() || !parts.isEmpty()) {
      out.add(hex(top));
    }
    parts.forEach((pos, bits) -> out.add(pos + "-" + hex(bits)));
    return out;
  }

  private static String hex(BitSet bits) {
    BigInteger n = BigInteger.ZERO;
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      n = n.setBit(i);
    }
    String h = n.toString(16).toUpperCase(Locale.ROOT);
    return "0x" + (h.length() % 2 == 1 ? "0" + h : h);
  }

  private void fill(Map<String, Object> fields, Schema.Field f, double present) {
    Schema t = nonNull(f.schema());
    if (t.getType() == Schema.Type.RECORD) {
      for (Schema.Field p : t.getFields()) {
        fields.put(flat(f.name(), p.name()), r.nextDouble() < present ? value(nonNull(p.schema()), p.doc()) : null);
      }
    } else {
      fields.put(f.name(), r.nextDouble() < present ? value(t, f.doc()) : null);
    }
  }

  private Object value(Schema t, String doc) {
    String data = doc == null ? "" : doc.substring(doc.lastIndexOf(':') + 1);
    return switch (t.getType()) {
      case BOOLEAN -> r.nextBoolean();
      case INT -> r.nextInt(100_000);
      case DOUBLE -> r.nextInt(4_000_000) / 4.0;
      case LONG -> data.equals("Date") ? LocalDate.of(2020, 1, 1).plusDays(r.nextInt(3000))
          : Instant.ofEpochMilli(commitTs - r.nextInt(1_000_000_000));
      default -> word() + (r.nextInt(5) == 0 ? " \"quoted\", ünïcode ✓" : " " + r.nextInt(1000));
    };
  }

  private String word() {
    String[] w = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Pied Piper"};
    return w[r.nextInt(w.length)];
  }

  private List<String> pick(Map<String, ?> from, int n) {
    List<String> keys = new ArrayList<>(from.keySet());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n && !keys.isEmpty(); i++) {
      out.add(keys.remove(r.nextInt(keys.size())));
    }
    return out;
  }

  private List<Schema.Field> fields(String entity) {
    return schemaOf(entity).getFields().subList(1, schemaOf(entity).getFields().size());
  }

  static Schema nonNull(Schema s) {
    return s.getType() == Schema.Type.UNION ? s.getTypes().get(1) : s;
  }

  /** @return the expected rows of an entity's table: id, then each column (lower case) with its value or null */
  Map<String, Map<String, Object>> expected(String entity) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    org.get(entity).forEach((id, fields) -> {
      Map<String, Object> row = new TreeMap<>();
      fields.forEach((k, v) -> row.put(k.toLowerCase(Locale.ROOT), v));
      out.put(id, row);
    });
    return out;
  }

  /** @return a record as the REST API answers {@code GET /sobjects/<entity>/<id>}: flat fields, compounds, attributes */
  ObjectNode rest(ObjectMapper json, String entity, String id) {
    ObjectNode o = json.createObjectNode();
    o.putObject("attributes").put("type", entity).put("url", "/services/data/v60.0/sobjects/" + entity + "/" + id);
    o.put("Id", id);
    Map<String, Object> fields = org.get(entity).get(id);
    for (Schema.Field f : fields(entity)) {
      Schema t = nonNull(f.schema());
      if (t.getType() == Schema.Type.RECORD) {
        ObjectNode compound = json.createObjectNode();
        for (Schema.Field p : t.getFields()) {
          String name = flat(f.name(), p.name());
          put(o, name, fields.get(name));
          put(compound, p.name().substring(0, 1).toLowerCase(Locale.ROOT) + p.name().substring(1), fields.get(name));
        }
        if (!f.name().equals("Name")) {
          o.set(f.name(), compound);
        }
      } else {
        put(o, f.name(), fields.get(f.name()));
      }
    }
    if (entity.equals("Contact")) {
      o.put("Name", (fields.get("FirstName") == null ? "" : fields.get("FirstName") + " ") + fields.get("LastName"));
    }
    return o;
  }

  /** @return the REST answer of {@code SELECT ... FROM <entity>}: every live record, one page */
  ObjectNode query(ObjectMapper json, String entity) {
    ObjectNode page = json.createObjectNode();
    ArrayNode records = json.createArrayNode();
    org.get(entity).keySet().forEach(id -> records.add(rest(json, entity, id)));
    page.put("totalSize", records.size()).put("done", true).set("records", records);
    return page;
  }

  /**
   * @return the results of a Bulk API 2.0 query job {@code SELECT Id, <flat fields> FROM <entity>} over every live
   *     record, as Salesforce writes them: a header of the fields, then a row per record, every value quoted (a quote
   *     doubled), an empty value for a null, DateTimes in UTC with {@code Z}, LF line endings
   */
  String csv(String entity) {
    List<String> names = new ArrayList<>(List.of("Id"));
    for (Schema.Field f : fields(entity)) {
      Schema t = nonNull(f.schema());
      if (t.getType() == Schema.Type.RECORD) {
        t.getFields().forEach(p -> names.add(flat(f.name(), p.name())));
      } else {
        names.add(f.name());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.join(",", names.stream().map(ChangeLog::quote).toList())).append('\n');
    org.get(entity).forEach((id, fields) -> {
      List<String> cells = new ArrayList<>();
      for (String name : names) {
        Object v = name.equals("Id") ? id : fields.get(name);
        cells.add(quote(v == null ? "" : v instanceof Instant i ? BULK_TIME.format(i) : v.toString()));
      }
      out.append(String.join(",", cells)).append('\n');
    });
    return out.toString();
  }

  private static String quote(String v) {
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  private static void put(ObjectNode o, String name, Object v) {
    if (v == null) {
      o.putNull(name);
    } else if (v instanceof Instant i) {
      o.put(name, REST_TIME.format(i));
    } else if (v instanceof LocalDate d) {
      o.put(name, d.toString());
    } else if (v instanceof Boolean b) {
      o.put(name, b);
    } else if (v instanceof Integer n) {
      o.put(name, n);
    } else if (v instanceof Double n) {
      o.put(name, n);
    } else {
      o.put(name, v.toString());
    }
  }

  /**
   * Stubs the org's final state as the REST API answers it: the login, each record, 404 for the others, a query per
   * object.
   *
   * @param wm the WireMock server the stream's {@code SalesforceManager} logs in to
   */
  void stubRest(WireMockExtension wm) {
    ObjectMapper json = new ObjectMapper();
    wm.resetAll();
    SalesforceStubs.stubPasswordLogin(wm, SalesforceStubs.TOKEN_A);
    wm.stubFor(get(urlPathMatching("/services/data/v60.0/sobjects/.*")).atPriority(10).willReturn(aResponse()
        .withStatus(404).withHeader("Content-Type", "application/json")
        .withBody("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")));
    for (String entity : org.keySet()) {
      for (String id : org.get(entity).keySet()) {
        wm.stubFor(get(urlPathEqualTo("/services/data/v60.0/sobjects/" + entity + "/" + id)).atPriority(1)
            .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(rest(json, entity, id).toString())));
      }
      wm.stubFor(get(urlPathMatching("/services/data/v60.0/query/?")).withQueryParam("q",
          matching("SELECT Id, .* FROM " + entity)).atPriority(1).willReturn(aResponse().withStatus(200)
              .withHeader("Content-Type", "application/json").withBody(query(json, entity).toString())));
      stubCount(wm, entity, org.get(entity).size());
    }
  }

  /**
   * {@code SELECT COUNT() FROM <entity>} as the REST API answers it: the count as {@code totalSize}, no record.
   *
   * @param wm the WireMock server
   * @param entity the object
   * @param count the count answered
   */
  static void stubCount(WireMockExtension wm, String entity, int count) {
    wm.stubFor(get(urlPathMatching("/services/data/v60.0/query/?")).withQueryParam("q",
        equalTo("SELECT COUNT() FROM " + entity)).atPriority(1).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"totalSize\":" + count + ",\"done\":true,\"records\":[]}")));
  }

  /**
   * @param cql where the table is
   * @param ks its keyspace
   * @param table the table
   * @return its rows as {@link #expected} gives them: id, then each column but {@code id} with its value or null
   */
  static Map<String, Map<String, Object>> rows(CqlExecutor cql, String ks, String table) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Row row : cql.execute("SELECT * FROM " + ks + "." + table)) {
      Map<String, Object> cols = new TreeMap<>();
      for (ColumnDefinition c : row.getColumnDefinitions()) {
        String name = c.getName().asInternal();
        if (!name.equals("id")) {
          cols.put(name, row.getObject(name));
        }
      }
      out.put(row.getString("id"), cols);
    }
    return out;
  }
}
