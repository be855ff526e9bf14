"""An ingest app in Python (docs/ingest-apps.md): the customer's CSV file on standard input, one JSON line per
record on standard output. Standard library only; Python 3.8+.

    {"table": "<DELPHA_TABLE>", "line": n, "row": {"column": "text", ...}}   a record, for the manager to validate
    {"bad": "why", "line": n, "original": "text"}                             a record this app cannot read

An empty unquoted field is left out of the row (the column stays unset); the manager converts every value with the
table's CQL types, exactly as for its own CSV path. Try it without a manager:

    DELPHA_TABLE=orders python3 orders_app.py < orders.csv
"""
import csv
import io
import json
import os
import sys


def main() -> int:
    table = os.environ.get("DELPHA_TABLE", "data")
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    reader = csv.reader(source, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        print("empty file: no header", file=sys.stderr)
        return 0
    count = 0
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            out.write(json.dumps({"bad": str(e), "line": line, "original": ""}) + "\n")
            line = reader.line_num + 1
            continue
        if fields:
            if len(fields) != len(header):
                out.write(json.dumps({"bad": "expected %d fields, found %d" % (len(header), len(fields)),
                                      "line": line, "original": ",".join(fields)}) + "\n")
            else:
                row = {name: value for name, value in zip(header, fields) if value != ""}
                out.write(json.dumps({"table": table, "line": line, "row": row}, ensure_ascii=False) + "\n")
                count += 1
        line = reader.line_num + 1
    out.flush()
    print("python app: %d records from %s" % (count, os.environ.get("DELPHA_FILE_NAME", "stdin")), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
