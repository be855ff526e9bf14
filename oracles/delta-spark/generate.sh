#!/bin/sh
# Regenerates the Delta Lake fixtures of the sharing tests (src/test/resources/delta) with Spark and delta-spark
# from Maven Central (versions in pom.xml; written to VERSIONS). About two minutes on 2 cores.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
mvn -B -q -ntp -f "$here/pom.xml" compile exec:exec -Doracle.command=generate -Doracle.dir="$out"
dest="$here/../../src/test/resources/delta"
rm -rf "$dest/tables" "$dest/expected"
mkdir -p "$dest"
cp -r "$out/tables" "$dest/tables"
find "$dest/tables" -name '*.crc' -delete
cp "$out/VERSIONS" "$dest/VERSIONS"
for f in $(cd "$out/expected" && find . -name '*.jsonl'); do
  mkdir -p "$dest/expected/$(dirname "$f")"
  gzip -9 -c "$out/expected/$f" > "$dest/expected/$f.gz"
done
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
rm -rf "$out"
echo "fixtures written to $dest"
