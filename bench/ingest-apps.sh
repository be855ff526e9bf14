#!/usr/bin/env bash
# A customer's program app (java CsvToJson.java, sandboxed, echoing CSV as JSON lines) against the built-in CSV path,
# on the same file and one local Cassandra node (1 GB heap). Usage: bench/ingest-apps.sh [rows] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
WORK="$PWD/target/ingest-apps-bench"
mkdir -p "$WORK"
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"
java -Xmx2g \
  -Ddelpha.cassandra.lib="$PWD/target/cassandra-server/lib" \
  -Ddelpha.test.work="$WORK/servers" \
  -Ddelpha.cassandra.heap=1g \
  -cp "target/test-classes:target/classes:$(cat "$WORK/classpath.txt")" \
  io.delpha.sdk.bench.IngestAppBenchmark all "$WORK/run" "$ROWS" "$PWD/src/test/resources/ingest-apps/CsvToJson.java"
