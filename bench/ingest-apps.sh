#!/usr/bin/env bash
# A customer's program app (java CsvToJson.java, sandboxed, echoing CSV as JSON lines) against the built-in CSV path,
# on the same file and one local Cassandra node (1 GB heap). Usage: bench/ingest-apps.sh [rows] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
WORK="$PWD/target/ingest-apps-bench"
mkdir -p "$WORK"
. bench/classpath.sh
mvn -B -q test-compile
CP="$(test_classpath "$WORK/classpath.txt")"
java -Xmx2g \
  -Ddelpha.cassandra.lib="$CASSANDRA_LIB" \
  -Ddelpha.test.work="$WORK/servers" \
  -Ddelpha.cassandra.heap=1g \
  -cp "$CP" \
  io.delpha.sdk.bench.IngestAppBenchmark all "$WORK/run" "$ROWS" "$PWD/integration-tests/src/test/resources/ingest-apps/CsvToJson.java"
