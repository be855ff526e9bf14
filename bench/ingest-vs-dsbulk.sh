#!/usr/bin/env bash
# BatchIngestor vs DataStax Bulk Loader 1.10.0 vs a raw-driver writer, on one local Cassandra node (1 GB heap).
# Usage: bench/ingest-vs-dsbulk.sh [rows]   (default 1000000). Takes several minutes; run it alone.
# BENCH_JFR=/tmp/ours.jfr also records a CPU profile of our loader.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
WORK="$PWD/target/ingest-bench"
DSBULK="$WORK/dsbulk"
mkdir -p "$WORK" "$DSBULK"

# 1. our code and the test harness (also copies the Cassandra server jars into target/)
. bench/classpath.sh
mvn -B -q test-compile
CP="$(test_classpath "$WORK/classpath.txt")"

# 2. dsbulk 1.10.0 from Maven Central, with a throwaway pom: never a dependency of the library
if [ ! -f "$DSBULK/lib/.done" ]; then
  cat > "$DSBULK/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>dsbulk-assembly</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>com.datastax.oss</groupId><artifactId>dsbulk-runner</artifactId><version>1.10.0</version></dependency>
    <dependency><groupId>com.datastax.oss</groupId><artifactId>dsbulk-workflow-load</artifactId><version>1.10.0</version></dependency>
    <dependency><groupId>com.datastax.oss</groupId><artifactId>dsbulk-connectors-csv</artifactId><version>1.10.0</version></dependency>
    <dependency><groupId>com.datastax.oss</groupId><artifactId>dsbulk-batcher-reactor</artifactId><version>1.10.0</version></dependency>
    <dependency><groupId>com.datastax.oss</groupId><artifactId>dsbulk-executor-reactor</artifactId><version>1.10.0</version></dependency>
    <dependency><groupId>ch.qos.logback</groupId><artifactId>logback-classic</artifactId><version>1.2.13</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$DSBULK/pom.xml" dependency:copy-dependencies -DoutputDirectory="$DSBULK/lib"
  touch "$DSBULK/lib/.done"
fi

# 3. the run: one node with a 1 GB heap; each loader in its own JVM under GNU time
java -Xmx2g ${BENCH_JFR:+-Dbench.jfr="$BENCH_JFR"} \
  -Ddelpha.cassandra.lib="$CASSANDRA_LIB" \
  -Ddelpha.test.work="$WORK/servers" \
  -Ddelpha.cassandra.heap=1g \
  -cp "$CP" \
  io.delpha.sdk.bench.IngestBenchmark all "$WORK/run" "$DSBULK/lib" "$ROWS"
