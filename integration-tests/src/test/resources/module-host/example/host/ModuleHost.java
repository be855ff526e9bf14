package example.host;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DataDictionary;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.cassandra.KeyspaceDescription;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.MissingDependencyException;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.RowReader;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * A host application in its own module, reading the library as module {@code io.delpha.sdk} (ModuleHostTest): the
 * core against a real Cassandra node, or a Parquet file with the Parquet jars on the class path. One line per step.
 */
public final class ModuleHost {

  private ModuleHost() {}

  public static void main(String[] args) throws Exception {
    Module library = CassandraManager.class.getModule();
    System.out.println("LIBRARY " + library.getName() + " automatic=" + library.getDescriptor().isAutomatic());
    switch (args[0]) {
      case "cassandra" -> cassandra(args[1], Integer.parseInt(args[2]), args[3]);
      case "parquet" -> parquet(Path.of(args[1]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    // the driver's Netty takes sun.misc.Unsafe from jdk.unsupported, which a named host resolves only when a module
    // it reads requires it; without it Netty falls back to heap buffers and says so on start-up
    Object unsafe = Class.forName("io.netty.util.internal.PlatformDependent").getMethod("hasUnsafe").invoke(null);
    System.out.println("NETTY unsafe=" + unsafe + " jdk.unsupported="
        + ModuleLayer.boot().findModule("jdk.unsupported").isPresent());
    try {
      Class.forName("io.delpha.sdk.core.internal.Capability").getMethod("version", String.class).invoke(null, "x");
      System.out.println("INTERNAL REACHED");
    } catch (IllegalAccessException e) {
      System.out.println("INTERNAL REFUSED");
    }
    System.out.println("DONE");
  }

  /**
   * A keyspace, a table, a row written and read; the keyspace's data dictionary through JSON and back; Parquet, which
   * this host lacks, refused.
   */
  static void cassandra(String host, int port, String datacenter) {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(host, port).localDatacenter(datacenter)
        .build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS module_host WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS module_host.readings (id int PRIMARY KEY, v text)");
      cass.execute("INSERT INTO module_host.readings (id, v) VALUES (?, ?)", 7, "seven");
      Row row = cass.execute("SELECT v FROM module_host.readings WHERE id = ?", 7).one();
      System.out.println("READ 7 " + (row == null ? null : row.getString("v")));
      DataDictionary dictionary = new DictionaryManager(cass).export("module_host");
      for (KeyspaceDescription ks : DataDictionary.fromJson(dictionary.toJson()).keyspaces()) {
        System.out.println("DICTIONARY " + ks.name() + " " + ks.tables().stream().map(TableDescription::name).toList());
      }
    }
    try {
      ParquetRows.read(Path.of("rows.parquet"));
    } catch (MissingDependencyException e) {
      System.out.println("MISSING " + e.capability() + " module path named " + e.getMessage().contains("module path"));
    }
  }

  /** A Parquet file the test wrote: its rows counted and its amounts summed. */
  static void parquet(Path file) {
    long rows = 0;
    BigDecimal sum = BigDecimal.ZERO;
    try (RowReader reader = ParquetRows.read(file)) {
      while (reader.hasNext()) {
        sum = sum.add((BigDecimal) reader.next().get("amount"));
        rows++;
      }
    }
    System.out.println("PARQUET " + rows + " " + sum);
  }
}
