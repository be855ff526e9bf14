package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files our writer encrypts with the envelope ({@link FileEncryption#builder()}{@code .kms(..)}, key material in the
 * footer), read by pyarrow's {@code CryptoFactory} with the test's KMS ({@code oracles/pyarrow/read_encrypted.py}):
 * every algorithm, footer mode, wrapping and key layout, through the row and the columnar writer, each value equal to
 * what was written. Runs in {@code mvn -Ppyarrow test} (the profile's Python).
 */
@Tag("pyarrow")
@DisplayName("Our encrypted files read by pyarrow's CryptoFactory")
class PyarrowEncryptedWriteTest {

  private static final Path SCRIPT = Path.of("oracles/pyarrow/read_encrypted.py").toAbsolutePath();
  private static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .required("amount", ColumnType.DOUBLE)
      .nullable("flag", ColumnType.BOOLEAN)
      .build();
  private static final int ROWS = 12_000;

  static Row row(long i) {
    return Row.of(SCHEMA, i, i % 7 == 0 ? null : "name-" + (i % 97), i * 0.25, i % 5 == 0 ? null : i % 2 == 0);
  }

  @Test
  @DisplayName("both algorithms, both footer modes, single and double wrapping, uniform and per-column keys, row and "
      + "columnar writers: pyarrow reads every value")
  void pyarrowReadsOurFiles(@TempDir Path tmp) throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    for (FileEncryption.Algorithm algorithm : FileEncryption.Algorithm.values()) {
      for (boolean plaintextFooter : new boolean[] {false, true}) {
        for (boolean twice : new boolean[] {false, true}) {
          for (boolean perColumn : new boolean[] {false, true}) {
            for (boolean columnar : new boolean[] {false, true}) {
              FileEncryption.Builder b = FileEncryption.builder().algorithm(algorithm)
                  .kms(PyarrowDifferentialTest.TEST_KMS).footerMasterKey("kf").doubleWrapping(twice);
              if (plaintextFooter) {
                b.plaintextFooter();
              }
              if (perColumn) {
                b.columnMasterKey("amount", "kc1").columnMasterKey("name", "kc2"); // id and flag in clear
              }
              String what = algorithm + (plaintextFooter ? " plaintext footer" : " encrypted footer")
                  + (twice ? " double" : " single") + " wrapping" + (perColumn ? " per-column keys" : " uniform")
                  + (columnar ? " columnar" : " rows");
              Path file = tmp.resolve(cases.size() + ".parquet");
              write(file, WriteOptions.defaults().withRowGroupBytes(64 * 1024).withEncryption(b.build()), columnar);
              cases.put(file.toString(), what);
            }
          }
        }
      }
    }
    Path python = Path.of(System.getProperty("pyarrow.python", "target/pyarrow-venv/bin/python")).toAbsolutePath();
    assertThat(python).as("the profile's Python (mvn -Ppyarrow makes target/pyarrow-venv)").isExecutable();
    List<String> command = new ArrayList<>(List.of(python.toString(), SCRIPT.toString()));
    command.addAll(cases.keySet());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", SCRIPT.getParent().toString());
    Process p = pb.start();
    ObjectMapper json = new ObjectMapper();
    List<String> failures = new ArrayList<>();
    int read = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("{")) {
          failures.add("python: " + line);
          continue;
        }
        JsonNode answer = json.readTree(line);
        String what = cases.get(answer.get("file").asText());
        read++;
        if (answer.has("error")) {
          failures.add(what + ": pyarrow refuses it: " + answer.get("error").asText());
          continue;
        }
        JsonNode rows = answer.get("rows");
        if (rows.size() != ROWS) {
          failures.add(what + ": pyarrow reads " + rows.size() + " rows of " + ROWS);
          continue;
        }
        for (int i = 0; i < ROWS; i++) {
          Row expected = row(i);
          JsonNode got = rows.get(i);
          boolean same = got.get("id").asLong() == expected.getLong("id")
              && (expected.isNull("name") ? got.get("name").isNull()
                  : expected.getString("name").equals(got.get("name").asText()))
              && got.get("amount").asDouble() == expected.getDouble("amount")
              && (expected.isNull("flag") ? got.get("flag").isNull()
                  : got.get("flag").asBoolean() == expected.getBoolean("flag"));
          if (!same) {
            failures.add(what + ": row " + i + " reads " + got + ", written " + expected);
            break;
          }
        }
      }
    }
    assertThat(p.waitFor()).as("the reader's exit").isZero();
    assertThat(failures).as("files pyarrow does not read as written").isEmpty();
    assertThat(read).as("files pyarrow read").isEqualTo(cases.size());
  }

  private static void write(Path file, WriteOptions options, boolean columnar) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, options)) {
      if (columnar) {
        ColumnBatch.Appender batch = ColumnBatch.appender(SCHEMA);
        for (long i = 0; i < ROWS; i++) {
          batch.appendRow(row(i));
          if (batch.batch().rowCount() == 1_000) {
            w.write(batch.batch());
            batch.clear();
          }
        }
        w.write(batch.batch());
      } else {
        for (long i = 0; i < ROWS; i++) {
          w.write(row(i));
        }
      }
    }
  }
}
