// delpha-data-sdk in JShell: the API imported, and helpers that start the test harness's embedded servers.
// Opened by examples/jshell/jshell.sh; see docs/jshell.md.
import io.delpha.sdk.cassandra.*;
import io.delpha.sdk.core.*;
import io.delpha.sdk.parquet.*;
import io.delpha.sdk.core.secrets.*;
import io.delpha.sdk.core.storage.*;
import io.delpha.sdk.ingest.*;
import io.delpha.sdk.security.*;
import io.delpha.sdk.sharing.*;
import io.delpha.sdk.totesys.*;
import io.delpha.sdk.usage.*;
import io.delpha.sdk.salesforce.*;
import io.delpha.sdk.aws.*;
import io.delpha.sdk.azure.*;
import io.delpha.sdk.server.*;
import io.delpha.sdk.testing.*;
import java.nio.file.*;
import java.time.*;

/** Starts (once) a real Cassandra 5 node on loopback and connects a CassandraManager to it (about 20 s). */
CassandraManager cassandra() {
  CassandraServer s = CassandraServer.shared(CassandraServer.Variant.PLAIN);
  return connect(s.host(), s.port());
}

/** Connects a CassandraManager to a node already running. */
CassandraManager connect(String host, int port) {
  return CassandraManager.builder().contactPoint(host, port).localDatacenter("datacenter1").build();
}

/** Starts (once) an embedded PostgreSQL and returns a new empty database on it. */
javax.sql.DataSource postgres(String name) {
  return PostgresServer.shared().createDatabase(name);
}

/** Starts (once) an S3-compatible server on loopback and returns a store over a new bucket. */
S3ObjectStore s3() {
  S3Server s = S3Server.shared();
  return S3ObjectStore.builder().bucket(s.createBucket("jshell")).region(S3Server.REGION)
      .endpointOverride(s.endpoint()).credentials(s.accessKey(), s.secretKey()).build();
}

System.out.println("delpha-data-sdk: API imported; try  var cass = cassandra();  new DictionaryManager(cass).listKeyspaces()");
