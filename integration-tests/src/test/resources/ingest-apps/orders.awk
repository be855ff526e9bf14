# An ingest app in POSIX awk (docs/ingest-apps.md): a simple CSV (no quoted fields) with the header
# id,name,amount,placed_at,paid on standard input; one JSON line per row to the table named by DELPHA_TABLE.
function q(s) {
  gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/\r/, "", s)
  return "\"" s "\""
}
BEGIN { FS = ","; table = ENVIRON["DELPHA_TABLE"] }
NR == 1 { next }
NF != 5 { printf "{\"bad\":%s,\"line\":%d,\"original\":%s}\n", q("expected 5 fields, found " NF), NR, q($0); next }
{
  printf "{\"table\":%s,\"line\":%d,\"row\":{\"id\":%s,\"name\":%s,\"amount\":%s,\"placed_at\":%s,\"paid\":%s}}\n",
    q(table), NR, $1, q($2), q($3), q($4), $5
}
END { print "awk app: " NR - 1 " records read from " ENVIRON["DELPHA_FILE_NAME"] > "/dev/stderr" }
