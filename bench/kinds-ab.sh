#!/usr/bin/env bash
# The per-value paths that ask a column's kind (Row.of's check, the warehouse's binary COPY write, the Cassandra
# loader's driver value), this build against an earlier commit's, in one run: KindPathsBenchmark in fresh JVMs,
# alternately, JVMS times each. Prints each build's median ns per value and the ratio earlier/now (higher is better).
# Both builds must print the same CHECK line (the work done), or no figure is printed.
#
# Usage: bench/kinds-ab.sh [earlier commit, default e6c47e4: before the kinds of issue 51]     env: JVMS (5), ROWS
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:-e6c47e4}
JVMS=${JVMS:-5}
ROWS=${ROWS:-1000000}
WORK="$PWD/target/bench/kinds-ab"
rm -rf "$WORK" && mkdir -p "$WORK"
. bench/classpath.sh
mvn -B -q -DskipTests test-compile
test_classpath "$WORK/cp.txt" > /dev/null
git worktree add -q --detach "$WORK/old" "$OLD"
trap 'git worktree remove --force "$WORK/old"' EXIT
(cd "$WORK/old" && mvn -B -q -DskipTests compile)
SRC=bench/io/delpha/sdk/totesys/internal/KindPathsBenchmark.java
# the old commit's classes: one folder before the library was cut into modules, every module's after
old_classes() {
  if [ -d "$WORK/old/core/target/classes" ]; then
    ls -d "$WORK"/old/*/target/classes | grep -v integration-tests | paste -sd:
  else
    echo "$WORK/old/target/classes"
  fi
}
for build in old new; do
  classes=$([ "$build" = old ] && old_classes || echo "$PWD/core/target/classes")
  mkdir -p "$WORK/$build"
  javac -nowarn -d "$WORK/$build" -cp "$classes:$(cat "$WORK/cp.txt")" "$SRC"
done
for i in $(seq "$JVMS"); do
  for build in old new; do
    classes=$([ "$build" = old ] && old_classes || echo "$PWD/core/target/classes")
    java -Xmx4g -cp "$WORK/$build:$classes:$(cat "$WORK/cp.txt")" io.delpha.sdk.totesys.internal.KindPathsBenchmark \
      "$ROWS" > "$WORK/$build.$i.out"
  done
done
checks=$(cat "$WORK"/*.out | grep '^CHECK|' | sort -u | wc -l)
if [ "$checks" != 1 ]; then
  echo "the two builds did not do the same work:"; grep -h '^CHECK|' "$WORK"/*.out | sort | uniq -c; exit 1
fi
for what in "Row.of" "COPY write" "CQL driver value"; do
  o=$(grep -h "^NS|$what|" "$WORK"/old.*.out | cut -d'|' -f3 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  n=$(grep -h "^NS|$what|" "$WORK"/new.*.out | cut -d'|' -f3 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  awk -v w="$what" -v o="$o" -v n="$n" -v ref="$OLD" 'BEGIN { printf "RESULT|%s ns/value|%s|%s|%s|%.2f (%s/now)\n", w, n, ref, o, o / n, ref }'
done
