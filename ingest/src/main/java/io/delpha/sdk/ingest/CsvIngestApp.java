package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.internal.CsvParser;
import io.delpha.sdk.ingest.internal.RowConverter;
import io.delpha.sdk.ingest.internal.StagingKeys;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link IngestApp}: see {@link IngestApp#csv()}. In the public package, package-private, so that {@code
 * IngestApp.csv()} names no internal class and the internals that hold apps point one way, to {@link IngestApp}.
 */
final class CsvIngestApp implements IngestApp {

  @Override
  public void ingest(IngestJob job) throws Exception {
    String table = StagingKeys.tableOf(job.fileName());
    TableDescription description;
    try {
      description = job.describe(table);
    } catch (NotFoundException e) {
      throw new DataFormatException("file " + job.fileName() + " goes to table " + job.keyspace() + "." + table
          + ", which does not exist", e);
    }
    try (InputStream in = job.open();
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
      CsvParser parser = new CsvParser(reader, ',');
      List<String> header = parser.next();
      if (header == null || parser.error() != null) {
        throw new DataFormatException("file " + job.fileName() + " has no readable header row"
            + (parser.error() == null ? "" : ": " + parser.error()));
      }
      List<ColumnDescription> columns = matchHeader(job.fileName(), header, description);
      RowConverter converter = RowConverter.of(description, columns, "the CSV app");
      TableWriter writer = job.writer(table, columns.stream().map(ColumnDescription::name).toList());
      int n = columns.size();
      @Nullable Object[] values = new Object[n];
      @Nullable String[] texts = new String[n];
      List<String> fields;
      while ((fields = parser.next()) != null) {
        if (fields.size() == 1 && fields.get(0).isEmpty() && parser.raw().isEmpty()) {
          continue; // a blank line
        }
        String reason = parser.error();
        if (reason == null && fields.size() != n) {
          reason = "expected " + n + " fields, found " + fields.size();
        }
        if (reason == null) {
          for (int i = 0; i < n; i++) {
            String text = fields.get(i);
            texts[i] = text.isEmpty() && !parser.wasQuotedEmpty(i) ? null : text;
          }
          reason = converter.convert(texts, values);
        }
        if (reason != null) {
          job.reject(parser.line(), reason, parser.raw());
        } else {
          writer.write(parser.line(), values);
        }
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataFormatException("file " + job.fileName() + " is not UTF-8 text: " + e.getMessage(), e);
    }
  }

  private static List<ColumnDescription> matchHeader(String file, List<String> header, TableDescription table) {
    List<ColumnDescription> columns = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).strip();
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1);
      }
      String wanted = name;
      table.columns().stream().filter(c -> c.name().equalsIgnoreCase(wanted)).findFirst()
          .ifPresentOrElse(columns::add, () -> unknown.add(wanted));
    }
    List<String> all = table.columns().stream().map(ColumnDescription::name).toList();
    if (columns.isEmpty()) {
      throw new DataFormatException("the header of " + file + " matches no column of " + table.keyspace() + "."
          + table.name() + " (columns are " + all + ")");
    }
    if (!unknown.isEmpty()) {
      throw new DataFormatException("the header of " + file + " names columns that " + table.keyspace() + "."
          + table.name() + " does not have: " + unknown + " (columns are " + all + ")");
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new DataFormatException("the header of " + file + " names a column twice: " + header);
    }
    List<String> missingKeys = RowConverter.missingKeys(table, columns);
    if (!missingKeys.isEmpty()) {
      throw new DataFormatException("the header of " + file + " lacks the primary key column(s) " + missingKeys);
    }
    return columns;
  }
}
