"""Writes the pyarrow fixtures of PyarrowFixturesTest (issue 69) and the values pyarrow reads back from each.

Run: python3 -m venv /tmp/pyv && /tmp/pyv/bin/pip install pyarrow && /tmp/pyv/bin/python generate.py
Seeded: the same pyarrow version writes the same files.
"""
import datetime
import json
import random

import pyarrow as pa
import pyarrow.parquet as pq


def list_of_structs(rng, rows):
    # list<struct<id int64, name string, score double>>: null lists, empty lists, null structs, null fields
    out = []
    for _ in range(rows):
        r = rng.random()
        if r < 0.15:
            out.append(None)
        elif r < 0.35:
            out.append([])
        else:
            items = []
            for _ in range(rng.randint(1, 6)):
                if rng.random() < 0.1:
                    items.append(None)
                else:
                    items.append({"id": rng.randint(-2**62, 2**62) if rng.random() > 0.1 else None,
                                  "name": ("n%d" % rng.randint(0, 999)) if rng.random() > 0.2 else None,
                                  "score": rng.random() * 100 if rng.random() > 0.1 else None})
            out.append(items)
    return out


def mostly_null_nested(rng, rows):
    # list<list<struct<s string, t time32[ms]>>>, mostly null at every level
    out = []
    for _ in range(rows):
        r = rng.random()
        if r < 0.6:
            out.append(None)
        elif r < 0.75:
            out.append([])
        else:
            outer = []
            for _ in range(rng.randint(1, 3)):
                q = rng.random()
                if q < 0.4:
                    outer.append(None)
                elif q < 0.6:
                    outer.append([])
                else:
                    inner = []
                    for _ in range(rng.randint(1, 3)):
                        if rng.random() < 0.5:
                            inner.append(None)
                        else:
                            ms = rng.randint(0, 86_399_999)
                            inner.append({"s": ("s%d" % rng.randint(0, 99)) if rng.random() > 0.5 else None,
                                          "t": datetime.time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60,
                                                             ms % 1000 * 1000) if rng.random() > 0.5 else None})
                    outer.append(inner)
            out.append(outer)
    return out


def to_json(v):
    if isinstance(v, datetime.time):  # milliseconds of the day, as time32[ms] stores it
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000
    if isinstance(v, list):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    return v


def write(name, table, **options):
    pq.write_table(table, name + ".parquet", data_page_version="2.0", use_dictionary=False, **options)
    back = pq.read_table(name + ".parquet").to_pylist()
    with open(name + ".json", "w") as f:
        json.dump([to_json(r) for r in back], f, indent=None, separators=(",", ":"))
        f.write("\n")


rng = random.Random(69)
item = pa.struct([("id", pa.int64()), ("name", pa.string()), ("score", pa.float64())])
rows = 1200
write("v2_gzip_list_struct", pa.table({
    "k": pa.array(range(rows), pa.int64()),
    "items": pa.array(list_of_structs(rng, rows), pa.list_(item))}),
    compression="gzip", data_page_size=4 * 1024)

element = pa.struct([("s", pa.string()), ("t", pa.time32("ms"))])
rows = 2000
write("v2_snappy_mostly_null", pa.table({
    "k": pa.array(range(rows), pa.int32()),
    "nested": pa.array(mostly_null_nested(rng, rows), pa.list_(pa.list_(element)))}),
    compression="snappy", data_page_size=4 * 1024)
