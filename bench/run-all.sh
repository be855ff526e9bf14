#!/usr/bin/env bash
# Runs every benchmark beside its anchor and prints one table: our figure, the anchor's from the same run,
# the ratio, and the goal of issue 15. Each benchmark checks that its work is complete (row counts and value
# checksums) before it prints a figure; a benchmark that fails prints no figure and fails this script.
#
# Usage: bench/run-all.sh [name...]     names: see BENCHMARKS below (default: all), plus the optional ones in
# OPTIONAL (run only when named, e.g. bench/run-all.sh ring). Run it on a quiet machine.
#
# Adding a benchmark: write a function bench_<name> that runs it and prints, for each figure, one line
#   RESULT|<what>|<our figure>|<anchor name>|<anchor figure>|<ratio ours/anchor>|<goal, e.g. ">= 0.5" on the ratio,
#   "<= 1.5 s" on our figure, or empty>
# (figures carry their unit, "rows/s" or "s"; for times, give the ratio as anchor/ours so higher is better),
# then add <name> to BENCHMARKS. Output of each run is kept in target/bench/<name>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$PWD/target/bench"
mkdir -p "$WORK"

BENCHMARKS=(parquet encrypted scan firstfiles sharing ingest apps totesys salesforce servers)
# long, or starting several servers: run only when named
OPTIONAL=(ring variant pagedquery nodedown changes)

# per measure (what + anchor) of a file of "<run>|what|ours|anchor|theirs|ratio|goal" lines, the line with the
# median ratio, as a RESULT line
median_results() {
  awk -F'|' '{ key = $2 "|" $4; n[key]++; line[key, n[key]] = $0; ratio[key, n[key]] = $6; if (!(key in seen)) { seen[key] = 1; order[++m] = key } }
    END {
      for (i = 1; i <= m; i++) {
        key = order[i]; c = n[key]
        for (a = 1; a <= c; a++) idx[a] = a
        for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (ratio[key, idx[b]] + 0 < ratio[key, idx[a]] + 0) { t = idx[a]; idx[a] = idx[b]; idx[b] = t }
        l = line[key, idx[int((c + 1) / 2)]]; sub(/^[0-9]+\|/, "RESULT|", l)
        all = ""; for (a = 1; a <= c; a++) all = all (a > 1 ? " " : "") ratio[key, idx[a]]
        print "all ratios, " key ": " all
        print l
      }
    }' "$1"
}

bench_parquet() {
  # 1M rows x 6 columns (long, string, decimal, timestamp, boolean, date), SNAPPY, DuckDB on one thread (and two), ours on one
  # (the row writer encodes and the row reader decodes on a second),
  # best of PARQUET_REPS runs; anchors: DuckDB COPY TO parquet, DuckDB's scan of our file, and parquet-java's
  # ExampleParquetWriter on the same rows (docs/parquet.md, "Writing against parquet-java").
  # Figures vary more from one JVM to the next than within one (the JIT's choices, on 2 cores), so PARQUET_JVMS JVMs
  # run it in turn (every one checks every value) and each measure's RESULT is the run with the median ratio: ours
  # and the anchor always from the same JVM. Every run's lines stay in the log.
  median_of_jvms "${PARQUET_JVMS:-3}" parquet \
    java -Xmx3g -cp "$CP" io.delpha.sdk.bench.ParquetBenchmark "${PARQUET_ROWS:-1000000}" "${PARQUET_REPS:-5}"
}

bench_encrypted() {
  # issue 72: ParquetBenchmark's 1M rows (ENCRYPTED_ROWS), SNAPPY, columnar writer and reader on the caller's thread,
  # written and read in clear, with AES_GCM_V1 and with AES_GCM_CTR_V1 (uniform, 256-bit footer key, encrypted footer)
  # in the same JVM (goal: >= 0.8x the clear figure), and the GCM file read by parquet-java's ParquetFileReader with
  # its FileDecryptionProperties (its column readers, every value); every read checked (count and checksum) before
  # any figure; best of ENCRYPTED_REPS (default 5) per JVM, ENCRYPTED_JVMS (default 3) JVMs, the median ratio kept
  median_of_jvms "${ENCRYPTED_JVMS:-3}" encrypted \
    java -Xmx3g -cp "$CP" io.delpha.sdk.bench.EncryptedParquetBenchmark "${ENCRYPTED_ROWS:-1000000}" \
    "${ENCRYPTED_REPS:-5}"
}

# runs the benchmark command "$3..." in $1 JVMs in turn (each JVM's lines to the log, its RESULT lines as "run: ",
# the load before each), keeping every RESULT line in $WORK/$2-runs.txt; then per measure the run with the median ratio
median_of_jvms() {
  local jvms="$1" all="$WORK/$2-runs.txt" k
  shift 2
  : > "$all"
  for ((k = 1; k <= jvms; k++)); do
    echo "---- JVM $k of $jvms (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$@" | tee /dev/stderr | sed -n "s/^RESULT|/$k|/p" >> "$all" || exit 1
  done 2>&1 | sed 's/^RESULT|/run: /' || return 1
  median_results "$all"
}

bench_scan() {
  # issue 62: SCAN_FILES (default 4) files of SCAN_ROWS (default 1M) rows of ParquetBenchmark's schema, written once by
  # our columnar writer (default row groups; the layout is printed), read as one ParquetRows.readBatches on one thread
  # and on SCAN_THREADS (default 2), and by ParquetRows.scanBatches on as many (a consumer per thread; goal: >= 1.8x
  # the one-thread scan), in one warm JVM, every value through the vectors' arrays, beside the same files dealt out to as many one-thread scans at once (the machine's ceiling at
  # the time) and DuckDB's scan on as many threads (SET threads TO 2; no goal). Best of SCAN_REPS (default 9) after a
  # warm-up; every run checked (count and checksum) first. SCAN_JVMS JVMs (default 3) run it in turn and each
  # measure's RESULT is the JVM with the median ratio; every run's lines stay in the log, with the load before each.
  median_of_jvms "${SCAN_JVMS:-3}" scan java -Xmx3g -cp "$CP" io.delpha.sdk.bench.ParallelScanBenchmark \
    "${SCAN_FILES:-4}" "${SCAN_ROWS:-1000000}" "${SCAN_REPS:-9}" "${SCAN_THREADS:-2}"
}

# the Java feature version of the JDK at $1 (17, 21, 25...), empty if it is none
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'
}

# The JDK to run firstfiles on: hardwood needs Java 21 or later. FIRST_JDK if set, else JAVA_HOME if it is 21 or
# later, else the newest 21 or later under /usr/lib/jvm; prints nothing when there is none (or FIRST_JDK=none).
jdk_21_or_later() {
  local c v best="" best_v=0
  [ "${FIRST_JDK:-}" != none ] || return 0
  if [ -n "${FIRST_JDK:-}" ]; then
    v=$(java_major "$FIRST_JDK")
    [ "${v:-0}" -ge 21 ] || { echo "FIRST_JDK=$FIRST_JDK is not a JDK 21 or later" >&2; return 1; }
    echo "$FIRST_JDK"; return 0
  fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  for c in /usr/lib/jvm/*; do
    [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c")
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
  return 0
}

# of $1 rounds of firstfiles' "<round>|<reader>|<file>|<seconds>" lines in file $2: per file, the median of each
# reader's times, ours against hardwood as a RESULT line (ratio hardwood/ours: > 1 when we are faster); fails when
# a reader gave no figure for a file in some round
file_medians() {
  awk -F'|' -v rounds="$1" '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    { key = $2 SUBSEP $3; t[key] = t[key] (t[key] == "" ? "" : " ") $4; c[key]++
      if ($2 != "ours") other = $2; if ($3 > files) files = $3 }
    END {
      for (f = 1; f <= files; f++) {
        if (c["ours", f] != rounds) { print "ours gave " c["ours", f] + 0 " figures for file " f ", not " rounds; bad = 1 }
        o = median(t["ours", f])
        if (other == "") {
          print "all times, file " f ": ours " t["ours", f]
          printf "RESULT|rows by name, file %d, fresh JVM (median of %d)|%.3f s|hardwood not run||||\n", f, rounds, o
          continue
        }
        if (c[other, f] != rounds) { print other " gave " c[other, f] + 0 " figures for file " f ", not " rounds; bad = 1; continue }
        h = median(t[other, f])
        print "all times, file " f ": ours " t["ours", f] "; " other " " t[other, f]
        printf "RESULT|rows by name, file %d, fresh JVM (median of %d)|%.3f s|%s|%.3f s|%.3f|>= 1.2\n", f, rounds, o, other, h, h / o
      }
      exit bad
    }' "$2"
}

# one JVM of firstfiles' round $k: its output to the log (its RESULT lines as "run: "), its RESULT lines to $all
# and its FILE lines (one reader's time for one file) to $times, each prefixed with the round
firstfiles_jvm() {
  local out
  out=$("$@" 2>&1) || { printf '%s\n' "$out"; echo "FAILED: $*"; return 1; }
  printf '%s\n' "$out" | sed 's/^RESULT|/run: /'
  printf '%s\n' "$out" | sed -n "s/^RESULT|/$k|/p" >> "$all"
  printf '%s\n' "$out" | sed -n "s/^FILE|/$k|/p" >> "$times"
}

# The class path of a host that reads Parquet with the SDK, for firstfiles' JVMs of ours (hardwood's runs on its own
# jars alone): this build's modules' classes, the bench classes (integration-tests/target/test-classes, a folder:
# only what is loaded counts), the runtime jars a host gets from the published POM (bundle/target/.flattened-pom.xml:
# the core's dependencies)
# plus the stack the parquet capability's artifact brings (delpha-data-sdk-parquet), resolved by Maven in a throwaway host project under
# target/bench/parquet-host (as CapabilityHosts does for the capability tests), and the benchmark's own two extras
# from the test class path: DuckDB's JDBC driver (the in-JVM anchor) and logback (a host has some SLF4J backend).
# About 50 jars where the test class path has about 210: a JVM that opens, indexes and searches fewer jars as it
# loads classes and services is what a host's is.
# the <dependency> elements of a POM that are not the library's own modules
third_party() {
  sed -n '/^  <dependencies>/,/^  <\/dependencies>/p' "$1" | awk '/<dependency>/ { block = ""; inside = 1 }
    inside { block = block $0 "\n" } /<\/dependency>/ { inside = 0; if (block !~ /io\.delpha/) printf "%s", block }'
}

parquet_host_cp() {
  local dir="$WORK/parquet-host" snippet extras
  mkdir -p "$dir"
  # the stack the parquet module's published POM brings (parquet/target/.flattened-pom.xml, written by the build)
  [ -f parquet/target/.flattened-pom.xml ] || { echo "no parquet/target/.flattened-pom.xml: build first" >&2; return 1; }
  snippet="$(third_party parquet/target/.flattened-pom.xml)"
  [ -n "$snippet" ] || { echo "parquet/target/.flattened-pom.xml brings no stack" >&2; return 1; }
  {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example.host</groupId>
  <artifactId>parquet-bench-host</artifactId>
  <version>1</version>
EOF
    # the everything artifact's published dependencies but the library's own modules, then the capability's stack
    echo '  <dependencies>'
    third_party bundle/target/.flattened-pom.xml
    printf '%s\n' "$snippet"
    echo '  </dependencies>'
    echo '</project>'
  } > "$dir/pom.xml"
  mvn -B -q -ntp -f "$dir/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$dir/classpath.txt" > "$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; return 1; }
  extras=$(tr ':' '\n' < "$WORK/classpath.txt" | grep -E '/(duckdb_jdbc|logback-classic|logback-core)-[^/]*\.jar$' | paste -sd:)
  [ "$(printf '%s' "$extras" | tr ':' '\n' | grep -c .)" = 3 ] || { echo "DuckDB or logback not on the test class path" >&2; return 1; }
  echo "$(ls -d "$PWD"/*/target/classes | grep -v integration-tests | paste -sd:):$PWD/integration-tests/target/test-classes:$(cat "$dir/classpath.txt"):$extras"
}

bench_firstfiles() {
  # issue 34 and 49: three 1M-row files read one after the other in a fresh JVM, every value by name. The files
  # are written once (FirstFilesBenchmark$Write, its own JVM, which prints the checksum every reader must get);
  # then FIRST_JVMS rounds (default 5), each: our row reader in a fresh JVM (DuckDB, one thread, reads the same
  # files after ours in that JVM: the native limit), then hardwood's RowReader (bench/hardwood, Java 21+) in a fresh
  # JVM on the same JDK, then our vector API (ParquetRows.readBatches and the vectors' arrays, DuckDB's steady scan
  # after it in that JVM: goal >= 0.8 on file 3) in a fresh JVM, then SmallFileBenchmark (a 2 KB file's first and
  # warm open+read) in another. Every reader
  # checks every file's checksum (row count and a sum per column) before it prints that file's figure.
  # Both readers run with the same flags, FIRST_JAVA_OPTS (default none: the host's defaults).
  # RESULTs: per file, the median of our times and the median of hardwood's, ratio hardwood/ours (> 1: we are
  # faster), goal >= 1.2; and, per DuckDB measure, the run with the median ratio. Every run's lines stay in the log.
  # Our JVMs run on a host's class path (parquet_host_cp above: about 50 jars), not the test class path (about 210),
  # unless FIRST_CP=test; hardwood's on its own jars.
  local jvms="${FIRST_JVMS:-5}" rows="${FIRST_ROWS:-1000000}" k all="$WORK/firstfiles-runs.txt"
  local times="$WORK/firstfiles-times.txt" dir="$WORK/firstfiles" jdk java=java hwcp="" expected out ourcp
  # shellcheck disable=SC2206
  local opts=(${FIRST_JAVA_OPTS:-})
  : > "$all"
  : > "$times"
  jdk=$(jdk_21_or_later) || return 1
  if [ -n "$jdk" ]; then
    java="$jdk/bin/java"
    echo "JDK for both readers: $jdk ($("$java" -version 2>&1 | head -1)); building bench/hardwood"
    if ! JAVA_HOME="$jdk" mvn -B -q -ntp -f bench/hardwood/pom.xml compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt > "$WORK/hardwood-build.log" 2>&1; then
      cat "$WORK/hardwood-build.log"; return 1
    fi
    hwcp="bench/hardwood/target/classes:$(cat bench/hardwood/target/classpath.txt)"
  else
    echo "hardwood SKIPPED: it needs a JDK 21 or later and none was found (FIRST_JDK, JAVA_HOME, /usr/lib/jvm/*)"
    echo "our reader alone, on $(java -version 2>&1 | head -1)"
    echo "RESULT|hardwood SKIPPED: no JDK 21+ (set FIRST_JDK)||||||"
  fi
  if [ "${FIRST_CP:-host}" = test ]; then
    ourcp="$CP"
  else
    ourcp=$(parquet_host_cp) || return 1
  fi
  echo "our class path: $(printf '%s' "$ourcp" | tr ':' '\n' | grep -c '\.jar$') jars (FIRST_CP=${FIRST_CP:-host}); hardwood's: $(printf '%s' "$hwcp" | tr ':' '\n' | grep -c '\.jar$') jars"
  rm -rf "$dir" && mkdir -p "$dir"
  out=$("$java" -Xmx3g -cp "$CP" 'io.delpha.sdk.bench.FirstFilesBenchmark$Write' "$rows" "$dir/f1.parquet" \
    "$dir/f2.parquet" "$dir/f3.parquet") || return 1
  expected=$(printf '%s\n' "$out" | sed -n 's/^EXPECTED|//p')
  echo "files written: $dir/f{1,2,3}.parquet, expected checksum (rows,ids,nameBytes,cents,offsetMicros,actives,days): $expected"
  [ -n "$expected" ] || return 1
  for ((k = 1; k <= jvms; k++)); do
    echo "---- round $k of $jvms (uptime: $(uptime))"
    firstfiles_jvm "$java" "${opts[@]}" -cp "$ourcp" io.delpha.sdk.bench.FirstFilesBenchmark "$rows" "$expected" \
      "$dir/f1.parquet" "$dir/f2.parquet" "$dir/f3.parquet" || return 1
    if [ -n "$hwcp" ]; then
      firstfiles_jvm "$java" "${opts[@]}" -cp "$hwcp" io.delpha.bench.hardwood.HardwoodFirstFiles "$expected" \
        "$dir/f1.parquet" "$dir/f2.parquet" "$dir/f3.parquet" || return 1
    fi
    firstfiles_jvm "$java" "${opts[@]}" -cp "$ourcp" io.delpha.sdk.bench.FirstFilesBenchmark vectors "$rows" "$expected" \
      "$dir/f1.parquet" "$dir/f2.parquet" "$dir/f3.parquet" || return 1
    firstfiles_jvm "$java" -cp "$ourcp" io.delpha.sdk.bench.SmallFileBenchmark "${SMALL_REPS:-1000}" || return 1
  done
  rm -rf "$dir"
  median_results "$all"
  file_medians "$jvms" "$times"
}

bench_variant() {
  # issue 59: a VARIANT column's rows read in at most twice the time of the same data as a JSON string column.
  # VARIANT_ROWS (default 1M) seeded event payloads (14 to 18 fields, nested objects and arrays) are written once
  # (VariantBenchmark$Write, its own JVM): by our writer as a VARIANT column (unshredded) and as a STRING column of
  # the same JSON text, then shredded by DuckDB's COPY of the VARIANT file (its footer checked for typed_value
  # columns); it prints the checksum every reader must get. Then VARIANT_JVMS JVMs (default 3) each read the three
  # files by rows (getVariant against getString) and by batches, every value, its JSON text and one field (user.id:
  # Variant.get against Jackson's readTree; by rows also through ReadOptions.readingVariantPath), after a warm-up over a fifth of the rows, VARIANT_REPS rounds (default 3),
  # the least time of each; DuckDB (one thread) reads the one field of the string and the shredded files. Every read
  # is checked (rows and a sum over every value) before any figure. Ratios are VARIANT rows/s over string rows/s from
  # the same JVM (0.5: twice the string's time, the goal); each measure's RESULT is the JVM with the median ratio.
  # VARIANT_JDK chooses the JDK (default: the java on the PATH), e.g. /usr/lib/jvm/temurin-25-jdk-amd64.
  # Optional (run only when named): 20 to 40 minutes on this 2-core machine, most of it the shredded file's reads.
  local jvms="${VARIANT_JVMS:-3}" rows="${VARIANT_ROWS:-1000000}" reps="${VARIANT_REPS:-3}" k java=java out expected
  local all="$WORK/variant-runs.txt" dir="$WORK/variant"
  if [ -n "${VARIANT_JDK:-}" ]; then
    java="$VARIANT_JDK/bin/java"
    [ -x "$java" ] || { echo "VARIANT_JDK=$VARIANT_JDK has no bin/java"; return 1; }
  fi
  echo "JDK: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p') ($("$java" -version 2>&1 | head -1))"
  : > "$all"
  rm -rf "$dir" && mkdir -p "$dir"
  out=$("$java" -Xmx3g -cp "$CP" 'io.delpha.sdk.bench.VariantBenchmark$Write' "$rows" "$dir" 2>&1) \
    || { printf '%s\n' "$out"; return 1; }
  printf '%s\n' "$out"
  expected=$(printf '%s\n' "$out" | sed -n 's/^EXPECTED|//p')
  [ -n "$expected" ] || return 1
  for ((k = 1; k <= jvms; k++)); do
    echo "---- JVM $k of $jvms"
    "$java" -Xmx3g -cp "$CP" io.delpha.sdk.bench.VariantBenchmark "$rows" "$reps" "$expected" "$dir" \
      | tee /dev/stderr | sed -n "s/^RESULT|/$k|/p" >> "$all" || exit 1
  done 2>&1 | sed 's/^RESULT|/run: /' || return 1
  rm -rf "$dir"
  median_results "$all"
}

bench_sharing() {
  # 20 files x 100k rows through a Delta Sharing server against a plain parallel download of the same files from the
  # same server (4 connections each side), the server in a JVM of its own (DeltaSharingBenchmark$StorageServer):
  # first at loopback speed (goals, issue 49: columnar >= 0.6x, rows >= 0.4x the download's speed), then on a link
  # as an object store serves one, each connection at SHARING_LINK_MBPS MB/s after SHARING_LINK_DELAY_MS ms to its
  # first byte (goals, issue 62: columnar >= 0.9x, rows >= 0.8x); every row counted and checksummed before a
  # figure is printed; SHARING_ROUNDS rounds (default 10; the first warms the JIT, each figure is the median of the
  # others: with 3, one round more or less moved the ratio by 0.03). Each run also prints the reader's CPU per row
  # beside DuckDB's one-thread decode of the same files from local disk (no goal)
  java -Xmx2g -cp "$CP" io.delpha.sdk.bench.DeltaSharingBenchmark "${SHARING_FILES:-20}" "${SHARING_ROWS:-100000}" 4 \
    "${SHARING_ROUNDS:-10}" || return 1
  java -Xmx2g -Dlink.mbps="${SHARING_LINK_MBPS:-40}" -Dlink.delayMs="${SHARING_LINK_DELAY_MS:-20}" -cp "$CP" \
    io.delpha.sdk.bench.DeltaSharingBenchmark "${SHARING_FILES:-20}" "${SHARING_ROWS:-100000}" 4 "${SHARING_ROUNDS:-10}" \
    || return 1
  # SQL over the same shared table: GROUP BY day through SharingSql's DuckDB view against the same aggregation over
  # readTable's rows (answers compared, counts first), then a version bump with two more files: the refresh must
  # fetch those two only (counted at the server); SHARING_ROUNDS rounds here too (default 4)
  java -Xmx2g -cp "$CP" io.delpha.sdk.bench.SharingSqlBenchmark "${SHARING_FILES:-20}" "${SHARING_ROWS:-100000}" "${SHARING_ROUNDS:-4}"
}

bench_pagedquery() {
  # the file actions of a 1M-file table query: paged (maxFiles 10,000, the default) in a 64 MiB heap against one
  # answer (queryPageSize 0) in a 2 GiB heap, each in its own JVM; file count and id checksum checked first
  local files="${PAGED_FILES:-1000000}" paged whole
  paged=$(java -Xmx64m -XX:+ExitOnOutOfMemoryError -cp "$CP" io.delpha.sdk.sharing.PagedQueryBenchmark paged "$files" 10000 \
    | tee /dev/stderr | grep '^FIGURE|') || return 1
  whole=$(java -Xmx2g -XX:+ExitOnOutOfMemoryError -cp "$CP" io.delpha.sdk.sharing.PagedQueryBenchmark whole "$files" \
    | tee /dev/stderr | grep '^FIGURE|') || return 1
  awk -F'|' -v p="$paged" -v w="$whole" 'BEGIN {
    split(p, a, "|"); split(w, b, "|")
    printf "RESULT|query of %d files, paged at -Xmx64m|%.3f s|one answer, -Xmx2g|%.3f s|%.2f|\n", '"$files"', a[3], b[3], b[3] / a[3]
    printf "RESULT|peak heap, paged (ahead of the read: %d files)|%d MiB|one answer|%d MiB|%.2f|\n", a[5], a[4], b[4], b[4] / a[4]
  }'
}

bench_ingest() {
  # 1M-row CSV into one Cassandra node: BatchIngestor, dsbulk 1.10.0 (defaults and 256 queries), a raw-driver
  # writer row by row, and one batching by replica as the ingest does (the ceiling), each in its own JVM under GNU
  # time; exact counts per table before any figure
  bash bench/ingest-vs-dsbulk.sh "${INGEST_ROWS:-1000000}"
}

bench_apps() {
  # the same 1M-row CSV through a customer's program app (java CsvToJson.java, sandboxed, CSV echoed as JSON lines)
  # and through the built-in CSV path, each manager in its own JVM under GNU time; exact counts of both tables first
  bash bench/ingest-apps.sh "${APPS_ROWS:-1000000}"
}

bench_totesys() {
  # the totesys pipeline on the 48,066-row snapshot (embedded PostgreSQL, local zones), TOTESYS_ROUNDS rounds, the
  # first a warm-up; the load against a raw CSV COPY of the same rows into unindexed tables (each anchor table checked
  # against its warehouse table, count and checksum), with a superuser warehouse role (facts' foreign keys checked
  # set-based) and with a plain one (checked row by row); then the source grown by TOTESYS_FACTORS with
  # TOTESYS_CHANGED payments changed before an incremental run: time and heap after GC, largest factor vs smallest
  java -Xmx1g -cp "$CP" io.delpha.sdk.bench.TotesysBenchmark "${TOTESYS_ROUNDS:-8}" || return 1
  java -Xmx1g -cp "$CP" io.delpha.sdk.bench.TotesysBenchmark "${TOTESYS_ROUNDS:-8}" plain || return 1
  java -Xmx1g -cp "$CP" io.delpha.sdk.bench.TotesysScaleBenchmark "${TOTESYS_FACTORS:-1,10}" "${TOTESYS_CHANGED:-1000}"
}

bench_salesforce() {
  # Bulk API 2.0 results of SF_ROWS rows over SF_PAGES pages from a loopback server adding SF_LATENCY ms to
  # every request: the default settings (parallel resultPages downloads) against the sequential Sforce-Locator
  # paging (bulkParallelDownloads(1)), and gzip against plain (time and bytes moved); every run's rows counted and
  # checksummed before a figure, median of SF_ROUNDS
  java -Xmx1g -cp "$CP" io.delpha.sdk.bench.SalesforceBulkBenchmark "${SF_ROWS:-1000000}" "${SF_PAGES:-20}" \
    "${SF_LATENCY:-50}" "${SF_ROUNDS:-3}"
}

bench_servers() {
  # an HttpService with default ServerOptions (the upload endpoint's and the usage server's): a legitimate client's
  # login (PBKDF2) + 64 KiB upload, median of SIEGE_ROUNDS, alone and under 300 slow-header connections, 14 slow
  # uploads, 40 password-flood connections, and all three (issue 68; goal: within 2x its time alone); every upload
  # checked on disk (size and SHA-256) before a figure is printed
  java -Xmx512m -cp "$CP" io.delpha.sdk.bench.ServerSiegeBenchmark "${SIEGE_ROUNDS:-20}"
}

bench_changes() {
  # issue 71: Salesforce Change Data Capture into Cassandra. One SalesforceChangeStream (batchSize CHANGES_BATCH,
  # default 100) subscribed to a FakePubSub on a loopback port, running on through the whole benchmark, against the raw
  # driver writing the same writes (one INSERT over every column, unset where a write sets nothing, and one DELETE,
  # prepared before its clock; unlogged batches of 10, 256 in flight; goal: events/s >= 0.8x). Warm-up: both apply
  # CHANGES_WARMUP AccountChangeEvents (default 100,000; ChangeLog.generateAccountWrites: CREATE, UPDATE with changed
  # and nulled fields, DELETE) again and again until a pass leaves the JIT quiet (at most CHANGES_WARMUP_PASSES, default 20). Then
  # CHANGES_ROUNDS rounds (default 3, the order alternating) of CHANGES_EVENTS events each (default 100,000, records
  # of their own), published to the running stream; after each, both tables equal to the model (rows and CRC32)
  # before any figure; lag from commit to the checkpoint covering the event (acknowledged) p50/p99/max; CPU of this
  # JVM (by thread group) and the node per run. CHANGES_JVMS JVMs (default 2), each with its own node; the median ratio.
  # G1's initiating occupancy fixed (45%): the harness holds about 1 GB of its own (the logs, the model), and with
  # marks slowed by two busy cores the adaptive threshold fell to 3-10% of the heap, under that, so a mark started
  # after every young collection, mostly in the stream's runs (it allocates more)
  median_of_jvms "${CHANGES_JVMS:-2}" changes java -Xms4g -Xmx4g -XX:-G1UseAdaptiveIHOP ${CHANGES_JFR:+-XX:StartFlightRecording=filename="$CHANGES_JFR",settings=${CHANGES_JFC:-profile}} \
    -Ddelpha.cassandra.lib="$CASSANDRA_LIB" -Ddelpha.test.work="$WORK/changes-servers" -Ddelpha.cassandra.heap=1g \
    -Dchanges.rounds="${CHANGES_ROUNDS:-3}" -Dchanges.warmupPasses="${CHANGES_WARMUP_PASSES:-20}" \
    -cp "$CP" io.delpha.sdk.changes.ChangeStreamBenchmark "${CHANGES_EVENTS:-100000}" "${CHANGES_WARMUP:-100000}" \
    "${CHANGES_BATCH:-100}"
}

bench_ring() {
  # a three-node ring on 127.0.0.1-3 (about 30 s to start), RF 3; RING_FILES x RING_ROWS CSV rows ingested by 1, then
  # 2, then 3 IngestWorkerMain processes (fresh tables each round), timed from the first file staged to the last
  # PROCESSED; exact counts per table and one metrics row per file before any figure; CPU of nodes vs workers
  java -Xmx1g -Ddelpha.cassandra.lib="$CASSANDRA_LIB" -Ddelpha.test.work="$WORK/ring-servers" \
    -cp "$CP" io.delpha.sdk.bench.RingWorkersBenchmark "$WORK/ring" "${RING_FILES:-6}" "${RING_ROWS:-100000}" \
    "${RING_WORKERS:-1,2,3}"
}

bench_nodedown() {
  # a three-node ring on 127.0.0.1-3, RF 3; one BatchIngestor ingests NODEDOWN_FILES x NODEDOWN_ROWS CSV rows in one
  # pass with every node up, then node 3 is killed (kill -9, left down) and the same files are ingested into fresh
  # tables; every file PROCESSED in its pass and every table exact before the figure (issue 73: >= 2/3 of the rate)
  java -Xmx1g -Ddelpha.cassandra.lib="$CASSANDRA_LIB" -Ddelpha.test.work="$WORK/nodedown-servers" \
    -cp "$CP" io.delpha.sdk.bench.NodeDownBenchmark "$WORK/nodedown" "${NODEDOWN_FILES:-3}" "${NODEDOWN_ROWS:-100000}"
}

if [ "$#" -gt 0 ]; then
  SELECTED=("$@")
else
  SELECTED=("${BENCHMARKS[@]}")
fi
for name in "${SELECTED[@]}"; do
  if ! declare -F "bench_$name" > /dev/null; then
    echo "unknown benchmark '$name'; known: ${BENCHMARKS[*]} ${OPTIONAL[*]}" >&2
    exit 2
  fi
done

. bench/classpath.sh
mvn -B -q -Dstyle.color=never test-compile
CP="$(test_classpath "$WORK/classpath.txt")"

RESULTS="$WORK/results.txt"
: > "$RESULTS"
FAILED=()
echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$WORK/machine.txt"
for name in "${SELECTED[@]}"; do
  echo "== $name (log: target/bench/$name.log)"
  if "bench_$name" > "$WORK/$name.log" 2>&1; then
    grep '^RESULT|' "$WORK/$name.log" | sed "s/^RESULT|/$name|/" >> "$RESULTS" || true
  else
    FAILED+=("$name")
    echo "$name|FAILED, no figure (see target/bench/$name.log)||||||" >> "$RESULTS"
  fi
done
echo "machine: load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt"

echo
awk -F'|' '
  BEGIN {
    printf "%-10s %-38s %16s %-14s %16s %7s %-8s %s\n", "benchmark", "measure", "ours", "anchor", "anchor figure", "ratio", "goal", "met"
  }
  {
    met = "-"
    if ($7 ~ /^>= */) { g = $7; sub(/^>= */, "", g); met = ($6 + 0 >= g + 0) ? "yes" : "NO" }
    # a "<= <figure>" goal bounds our figure itself (e.g. "<= 1.5 s"), not the ratio
    if ($7 ~ /^<= */) { g = $7; sub(/^<= */, "", g); met = ($3 + 0 <= g + 0) ? "yes" : "NO" }
    printf "%-10s %-38s %16s %-14s %16s %7s %-8s %s\n", $1, $2, $3, $4, $5, $6, $7, met
  }' "$RESULTS"

if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "failed: ${FAILED[*]}" >&2
  exit 1
fi
