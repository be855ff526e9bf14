#!/bin/sh
# Regenerates Delta Lake fixtures of the sharing tests (integration-tests/src/test/resources/delta) with Spark and delta-spark from
# Maven Central (versions in pom.xml), one set of tables at a time; the other set's files stay as they are.
#   generate.sh base      events, renamed_by_name, renamed_by_id (about two minutes)
#   generate.sh features  variants, variants_nested, widened: need Spark 4 and Delta 4 (about eight minutes)
#   generate.sh keys      variants_keys: shredded variants with edge keys (Spark 4, Delta 4; a few minutes)
#   generate.sh primitives variants_primitives: every primitive of a variant, inferred and forced shredding
# VERSIONS holds a line per table: the Spark, Delta Lake and JDK that wrote it (the base tables checked in were
# written by Spark 3.5.3 and delta-spark 3.3.0; regenerating them writes them with pom.xml's versions).
set -eu
case "${1:-}" in
  base) command=generate ;;
  features) command=generate-features ;;
  keys) command=generate-keys ;;
  primitives) command=generate-primitives ;;
  *) echo "usage: $0 base|features|keys|primitives" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
mvn -B -q -ntp -f "$here/pom.xml" compile exec:exec -Doracle.command="$command" -Doracle.dir="$out"
dest="$here/../../src/test/resources/delta"
mkdir -p "$dest/tables" "$dest/expected"
touch "$dest/VERSIONS"
for t in $(cd "$out/tables" && ls); do
  rm -rf "${dest:?}/tables/$t" "${dest:?}/expected/$t"
  cp -r "$out/tables/$t" "$dest/tables/$t"
  grep -v "^$t " "$dest/VERSIONS" > "$out/VERSIONS.kept" || true
  cat "$out/VERSIONS.kept" > "$dest/VERSIONS"
done
find "$dest/tables" -name '*.crc' -delete
find "$dest/tables" -type d -empty -delete
sort "$dest/VERSIONS" "$out/VERSIONS" > "$out/VERSIONS.all"
cp "$out/VERSIONS.all" "$dest/VERSIONS"
for f in $(cd "$out/expected" && find . -name '*.jsonl'); do
  mkdir -p "$dest/expected/$(dirname "$f")"
  gzip -9 -n -c "$out/expected/$f" > "$dest/expected/$f.gz"
done
if [ "$1" = base ]; then
# Delta takes a commit's timestamp from its log file's modification time, which git does not keep: record each
# version's timestamp as Spark's change feed reported it, for the loopback server
python3 - "$out/expected/events/changes-1-5.jsonl" > "$dest/tables/events/_commit_timestamps.properties" <<'PY'
import json, sys, datetime
ts = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    ts[r["_commit_version"]] = r["_commit_timestamp"]
print("# Each version's commit timestamp (epoch ms) as Spark's change data feed reported it: Delta takes it from the")
print("# commit file's modification time, which a git checkout does not keep (see DeltaLogServer).")
for v in sorted(ts):
    d = datetime.datetime.strptime(ts[v], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    print("%d=%d" % (v, round(d.timestamp() * 1000)))
PY
fi
rm -rf "$out"
echo "fixtures of $1 written to $dest"
