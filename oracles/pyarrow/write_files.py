#!/usr/bin/env python3
"""The pyarrow side of the pyarrow differential (PyarrowDifferentialTest, `mvn -Ppyarrow test`).

For each seed in [--seed, --seed + --count) it draws a random Arrow schema and table (every type pyarrow writes to
Parquet: integers of each width, signed and unsigned; float16/32/64; bool; strings and binaries in their plain,
large and view forms; fixed_size_binary; decimal32/64/128/256 of every precision; date32/64; time32/64; timestamps
of every unit with and without a zone; durations; uuid and json extension types; dictionary arrays; the null type;
list, large_list, fixed_size_list, map and struct nested to depth 3, with nulls and empty containers at every level)
and random writer settings (format version, data page v1/v2, dictionary on/off/per column and falling back, every
codec and level, column encodings, page, batch and row-group sizes, statistics, page index, checksums, bloom
filters, content-defined chunking, INT96 and coerced timestamps, ...), writes `<seed>.parquet`, reads it back with
pyarrow and writes `<seed>.json`: the seed, the settings, the Arrow schema and every row in a canonical form:

  null, true/false, integers as JSON numbers,
  "d:<16 hex digits>"  a float of any width widened to a double, as its IEEE 754 bits ("d:NaN" for every NaN),
  "n:<plain text>"     a decimal, with all its scale's digits,
  "s:<text>"           a string,            "x:<hex>"   bytes,
  "D:<epoch day>"      a date,              "T:<nanosecond of the day>" a time,
  "I:<epoch ns>"       an instant (a timestamp with a zone, or UTC-adjusted),
  "L:<epoch ns>"       a local date-time (a timestamp without a zone),
  [..]                 a list,  {"field": ..}  a struct,  {"#map": [[key, value], ..]}  a map.

With --encrypt each file is also encrypted (pyarrow's CryptoFactory, envelope encryption, key material in the
footer, the test's KMS below), with a configuration drawn from a random source of its own and recorded in the
settings' "encryption"; pyarrow reads it back decrypted.

A seed draws the same file on every run (random.Random(seed), nothing else). One line per file on stdout:
`<seed> ok` or `<seed> skipped <why>` (a combination pyarrow itself refuses to write).
"""
import argparse
import base64
import decimal
import io
import json
import os
import random
import struct
import sys

import pyarrow as pa
import pyarrow.parquet as pq

try:
    import pyarrow.parquet.encryption as pe
except ImportError:  # a pyarrow built without encryption: --encrypt is refused by the first file
    pe = None

DECIMALS = decimal.Context(prec=200)
CODECS = ["NONE", "SNAPPY", "GZIP", "BROTLI", "LZ4", "LZ4_RAW", "ZSTD"]
LEVELS = {"GZIP": (1, 9), "BROTLI": (0, 11), "ZSTD": (1, 22)}
ENCODINGS = {
    "BOOLEAN": ["PLAIN"],
    "INT32": ["PLAIN", "DELTA_BINARY_PACKED", "BYTE_STREAM_SPLIT"],
    "INT64": ["PLAIN", "DELTA_BINARY_PACKED", "BYTE_STREAM_SPLIT"],
    "INT96": ["PLAIN"],
    "FLOAT": ["PLAIN", "BYTE_STREAM_SPLIT"],
    "DOUBLE": ["PLAIN", "BYTE_STREAM_SPLIT"],
    "BYTE_ARRAY": ["PLAIN", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY"],
    "FIXED_LEN_BYTE_ARRAY": ["PLAIN", "BYTE_STREAM_SPLIT", "DELTA_BYTE_ARRAY"],
}
INTS = {
    "int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
    "uint8": (8, False), "uint16": (16, False), "uint32": (32, False), "uint64": (64, False),
}
NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
DAY_NS = 86400 * 10**9
ZONES = ["UTC", "+00:00", "Europe/Paris", "America/New_York", "+05:30", "Asia/Tokyo", "-11:00"]
TEXT = "abcxyzABC0189 _-.,é漢字🎉\u00a0\u200b"


# ---------------------------------------------------------------- types


def scalar_type(r):
    k = r.randrange(30)
    if k < 4:
        return getattr(pa, r.choice(list(INTS)))()
    if k == 4:
        return pa.bool_()
    if k == 5:
        return r.choice([pa.float16(), pa.float32(), pa.float64()])
    if k == 6:
        return pa.float64()
    if k in (7, 8):
        return r.choice([pa.string(), pa.large_string(), pa.string_view()])
    if k == 9:
        return r.choice([pa.binary(), pa.large_binary(), pa.binary_view()])
    if k == 10:
        return pa.binary(r.choice([1, 2, 3, 7, 16, 33]))
    if k in (11, 12):
        return decimal_type(r)
    if k == 13:
        return r.choice([pa.date32(), pa.date64()])
    if k == 14:
        return r.choice([pa.time32("s"), pa.time32("ms"), pa.time64("us"), pa.time64("ns")])
    if k in (15, 16, 17):
        return pa.timestamp(r.choice(list(NS)), tz=r.choice([None, None] + ZONES))
    if k == 18:
        return pa.duration(r.choice(list(NS)))
    if k == 19:
        return pa.uuid()
    if k == 20:
        return pa.json_()
    if k == 21:
        return pa.dictionary(r.choice([pa.int16(), pa.int32(), pa.uint16()]),
                             r.choice([pa.string(), pa.int64(), pa.float64(), pa.binary(), pa.large_string()]))
    if k == 22:
        return pa.null()
    return r.choice([pa.int32(), pa.int64(), pa.string(), pa.float64()])


def decimal_type(r):
    width = r.choice([32, 64, 128, 128, 256, 256])
    top = {32: 9, 64: 18, 128: 38, 256: 76}[width]
    if width == 256 and r.random() < 0.7:
        top = 38  # the row model's decimals go to 38 digits: most decimal256 columns within them
    p = r.randint(1, top)
    s = r.choice([0, p, r.randint(0, p)])
    return {32: pa.decimal32, 64: pa.decimal64, 128: pa.decimal128, 256: pa.decimal256}[width](p, s)


def field(name, t, r):
    return pa.field(name, t, nullable=pa.types.is_null(t) or r.random() < 0.7)


def any_type(r, depth):
    if depth >= 3 or r.random() < 0.55:
        return scalar_type(r)
    k = r.randrange(6)
    if k == 0:
        return pa.list_(field("item", any_type(r, depth + 1), r))
    if k == 1:
        return pa.large_list(field("item", any_type(r, depth + 1), r))
    if k == 2:
        return pa.list_(field("item", any_type(r, depth + 1), r), r.randint(1, 4))
    if k == 3:
        key = r.choice([pa.string(), pa.int32(), pa.int64(), pa.large_string(), pa.binary(), pa.date32(),
                        pa.decimal128(9, 2)])
        return pa.map_(key, field("value", any_type(r, depth + 1), r))
    fields = [field("f%d" % i, any_type(r, depth + 1), r) for i in range(r.randint(1, 4))]
    return pa.struct(fields)


# ---------------------------------------------------------------- values (Python objects the builders take)


def text(r):
    k = r.random()
    if k < 0.1:
        return ""
    n = r.randint(1, 12) if k < 0.97 else r.randint(200, 3000)
    return "".join(r.choice(TEXT) for _ in range(n))


def scalar_value(t, r):
    if pa.types.is_integer(t):
        bits, signed = INTS[str(t)]
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        k = r.random()
        return r.choice([lo, hi, 0, -1 if signed else 1]) if k < 0.15 else r.randint(lo, hi) if k < 0.6 \
            else max(lo, min(hi, r.randint(-1000, 1000)))
    if pa.types.is_boolean(t):
        return r.random() < 0.5
    if pa.types.is_floating(t):
        k = r.random()
        if k < 0.1:
            return r.choice([float("nan"), float("inf"), float("-inf"), -0.0, 0.0])
        if pa.types.is_float16(t):
            return r.choice([0x0001, 0x03ff, 0x0400, 0x7bff, 0x3c00, 0xbc00, r.randrange(0x10000)])
        if k < 0.2 and pa.types.is_float64(t):
            return r.choice([5e-324, 1.7976931348623157e308, -2.2250738585072014e-308])
        if k < 0.2:
            return r.choice([1.401298464324817e-45, 3.4028234663852886e38, -1.1754943508222875e-38])
        v = r.uniform(-1e6, 1e6) if k < 0.7 else r.randint(-100, 100) / 4
        return struct.unpack("<f", struct.pack("<f", v))[0] if pa.types.is_float32(t) else v
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return text(r)
    if pa.types.is_fixed_size_binary(t):
        return bytes(r.randrange(256) for _ in range(t.byte_width))
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return bytes(r.randrange(256) for _ in range(r.choice([0, 1, 3, 9, 40])))
    if pa.types.is_decimal(t):
        top = 10 ** t.precision - 1
        k = r.random()
        unscaled = r.choice([top, -top, 0, 1, -1]) if k < 0.2 else r.randint(-top, top) if k < 0.7 \
            else max(-top, min(top, r.randint(-999, 999)))
        return decimal.Decimal(unscaled).scaleb(-t.scale, DECIMALS)
    if pa.types.is_date32(t):
        return r.choice([r.randint(-800000, 2900000), 0, -719162, 2932896, r.randint(-30000, 30000)])
    if pa.types.is_date64(t):
        return r.choice([r.randint(-800000, 2900000), 0, r.randint(-30000, 30000)]) * 86400000
    if pa.types.is_time32(t) or pa.types.is_time64(t):
        unit = NS[t.unit]
        return r.choice([0, DAY_NS // unit - 1, r.randrange(DAY_NS // unit)])
    if pa.types.is_timestamp(t):
        unit = NS[t.unit]
        # within what the unit holds in microseconds (coerce_timestamps="us" would overflow, and pyarrow 25 aborts
        # the process on that overflow inside a nested column instead of raising)
        lim = ((1 << 63) - 1) // max(1, NS[t.unit] // 1000)
        k = r.random()
        if k < 0.1:
            return r.choice([0, -1, 1, lim, -lim])
        if k < 0.5:
            return r.randint(-lim, lim)
        return r.randint(-3 * 10**9, 7 * 10**9) * 10**9 // unit + r.randrange(max(1, 10**9 // unit))
    if pa.types.is_duration(t):
        lim = (1 << 63) - 1
        return r.choice([0, -1, lim, -lim, r.randint(-lim, lim), r.randint(-10**6, 10**6)])
    if isinstance(t, pa.UuidType):
        return bytes(r.randrange(256) for _ in range(16))
    if isinstance(t, pa.JsonType):
        return json.dumps({"k": text(r), "n": r.randint(-9, 9)}, ensure_ascii=False)
    if pa.types.is_dictionary(t):
        return scalar_value(t.value_type, r)
    if pa.types.is_null(t):
        return None
    raise ValueError("no values for %s" % t)


def values(t, n, nullable, r):
    """n random values of t; nulls (if nullable) and, for containers, empty ones at every level."""
    null_rate = 0.0 if not nullable else r.choice([0.0, 0.05, 0.3, 0.9, 1.0])
    if pa.types.is_fixed_size_list(t):
        null_rate = 0.0  # pyarrow 25 writes a null fixed_size_list but cannot read it back ("Expected all lists
        # to be of size=k but index i had size=0"): no oracle for it
    pool = None
    if not is_nested(t) and r.random() < 0.5:
        pool = [scalar_value(t, r) for _ in range(r.randint(1, 6))]  # repeats: dictionaries form
    out = []
    for _ in range(n):
        if pa.types.is_null(t) or r.random() < null_rate:
            out.append(None)
        elif pool is not None and r.random() < 0.8:
            out.append(r.choice(pool))
        elif is_list(t):
            size = t.list_size if pa.types.is_fixed_size_list(t) else r.choice([0, 0, 1, 2, 3, r.randint(0, 12)])
            out.append(values(t.value_type, size, t.value_field.nullable, r))
        elif pa.types.is_map(t):
            keys = values(t.key_type, r.choice([0, 0, 1, 2, r.randint(0, 8)]), False, r)
            seen = set()
            keys = [k for k in keys if not (k in seen or seen.add(k))]  # keys unique within a map
            out.append(list(zip(keys, values(t.item_type, len(keys), t.item_field.nullable, r))))
        elif pa.types.is_struct(t):
            out.append([values(t.field(i).type, 1, t.field(i).nullable, r)[0] for i in range(t.num_fields)])
        else:
            out.append(scalar_value(t, r))
    return out


def is_list(t):
    return pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t)


def is_nested(t):
    return is_list(t) or pa.types.is_map(t) or pa.types.is_struct(t)


def mask(vs):
    return pa.array([v is None for v in vs], pa.bool_())


def build(t, vs):
    """An Arrow array of type t holding vs (as values() draws them)."""
    if is_list(t):
        if pa.types.is_fixed_size_list(t):
            flat = [e for v in vs for e in (v if v is not None else [None] * t.list_size)]
            child = build(t.value_type, flat if t.value_field.nullable else [
                e if e is not None else values(t.value_type, 1, False, random.Random(0))[0] for e in flat])
            return pa.FixedSizeListArray.from_arrays(child, type=t, mask=mask(vs))
        offsets = [0]
        for v in vs:
            offsets.append(offsets[-1] + (len(v) if v is not None else 0))
        child = build(t.value_type, [e for v in vs if v is not None for e in v])
        cls = pa.LargeListArray if pa.types.is_large_list(t) else pa.ListArray
        return cls.from_arrays(pa.array(offsets, pa.int64() if cls is pa.LargeListArray else pa.int32()), child,
                               type=t, mask=mask(vs))
    if pa.types.is_map(t):
        pairs = [p for v in vs if v is not None for p in v]
        offsets = [0]
        for v in vs:
            offsets.append(offsets[-1] + (len(v) if v is not None else 0))
        return pa.MapArray.from_arrays(pa.array(offsets, pa.int32()), build(t.key_type, [p[0] for p in pairs]),
                                       build(t.item_type, [p[1] for p in pairs]), type=t, mask=mask(vs))
    if pa.types.is_struct(t):
        children = []
        for i in range(t.num_fields):
            f = t.field(i)
            column = [v[i] if v is not None else None for v in vs]
            if not f.nullable:  # a null struct's non-nullable fields still hold a value
                filler = values(f.type, 1, False, random.Random(i))[0]
                column = [c if v is not None else filler for c, v in zip(column, vs)]
            children.append(build(f.type, column))
        return pa.StructArray.from_arrays(children, fields=list(t), mask=mask(vs))
    if pa.types.is_float16(t):
        return pa.array([None if v is None else half_bits(v) for v in vs], pa.uint16()).view(pa.float16())
    if isinstance(t, pa.BaseExtensionType):
        return pa.ExtensionArray.from_storage(t, build(t.storage_type, vs))
    if pa.types.is_dictionary(t):
        return build(t.value_type, vs).dictionary_encode().cast(t)
    if pa.types.is_date64(t) or pa.types.is_date32(t) or pa.types.is_time32(t) or pa.types.is_time64(t) \
            or pa.types.is_timestamp(t) or pa.types.is_duration(t):
        storage = pa.int32() if pa.types.is_date32(t) or pa.types.is_time32(t) else pa.int64()
        return pa.array(vs, storage).view(t)
    if pa.types.is_decimal(t):
        return pa.array(vs, pa.decimal256(76, t.scale)).cast(t)
    return pa.array(vs, t)


def half_bits(v):
    if isinstance(v, int):
        return v
    return struct.unpack("<H", struct.pack("<e", v))[0]


# ---------------------------------------------------------------- the canonical form of pyarrow's reading


def double(v):
    if v != v:
        return "d:NaN"
    return "d:" + struct.pack(">d", v).hex()


def canon(arr):
    """Every value of arr in the canonical form (module docstring)."""
    t = arr.type
    if arr.offset != 0:
        arr = pa.concat_arrays([arr])  # a copy from offset 0: offsets and children below index from there
        assert arr.offset == 0
    valid = arr.is_valid().to_pylist()
    n = len(arr)
    if isinstance(t, pa.BaseExtensionType):
        return canon(arr.storage)
    if pa.types.is_dictionary(t):
        words = canon(arr.dictionary)  # by index: a null slot's index need not be in the dictionary
        return [words[j] if v else None for j, v in zip(arr.indices.fill_null(0).to_pylist(), valid)]
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_map(t):
        offsets = arr.offsets.to_pylist()
        if pa.types.is_map(t):
            keys, items = canon(arr.keys), canon(arr.items)
            return [{"#map": [[keys[j], items[j]] for j in range(offsets[i], offsets[i + 1])]} if valid[i] else None
                    for i in range(n)]
        child = canon(arr.values)
        return [child[offsets[i]:offsets[i + 1]] if valid[i] else None for i in range(n)]
    if pa.types.is_fixed_size_list(t):
        child = canon(arr.values)
        k = t.list_size
        return [child[i * k:(i + 1) * k] if valid[i] else None for i in range(n)]
    if pa.types.is_struct(t):
        children = [canon(arr.field(j)) for j in range(t.num_fields)]
        return [{t.field(j).name: children[j][i] for j in range(t.num_fields)} if valid[i] else None
                for i in range(n)]
    if pa.types.is_null(t):
        return [None] * n
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        return arr.to_pylist()
    if pa.types.is_float16(t):
        bits = arr.view(pa.uint16()).to_pylist()
        return [double(struct.unpack("<e", struct.pack("<H", b))[0]) if b is not None else None for b in bits]
    if pa.types.is_floating(t):
        return [double(v) if v is not None else None for v in arr.to_pylist()]
    if pa.types.is_decimal(t):
        return ["n:" + format(v, "f") if v is not None else None for v in arr.to_pylist()]
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return ["s:" + v if v is not None else None for v in arr.to_pylist()]
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t) \
            or pa.types.is_fixed_size_binary(t):
        return ["x:" + v.hex() if v is not None else None for v in arr.to_pylist()]
    if pa.types.is_date32(t):
        return [None if v is None else "D:%d" % v for v in arr.view(pa.int32()).to_pylist()]
    if pa.types.is_date64(t):
        return [None if v is None else "D:%d" % (v // 86400000) for v in arr.view(pa.int64()).to_pylist()]
    if pa.types.is_time32(t) or pa.types.is_time64(t):
        raw = arr.view(pa.int32() if pa.types.is_time32(t) else pa.int64()).to_pylist()
        return [None if v is None else "T:%d" % (v * NS[t.unit]) for v in raw]
    if pa.types.is_timestamp(t):
        tag = "L:" if t.tz is None else "I:"
        return [None if v is None else tag + str(v * NS[t.unit]) for v in arr.view(pa.int64()).to_pylist()]
    if pa.types.is_duration(t):
        return arr.view(pa.int64()).to_pylist()
    raise ValueError("no canonical form for %s" % t)


# ---------------------------------------------------------------- writer settings


def leaves(table, compliant):
    """(path, physical type) of each Parquet leaf column the table is written as."""
    buf = io.BytesIO()
    pq.write_table(table.slice(0, 0), buf, use_compliant_nested_type=compliant)
    schema = pq.ParquetFile(io.BytesIO(buf.getvalue())).schema
    return [(schema.column(i).path, schema.column(i).physical_type) for i in range(len(schema))]


def settings(r, table):
    s = {"version": r.choice(["1.0", "2.4", "2.6", "2.6"]), "data_page_version": r.choice(["1.0", "2.0"])}
    s["use_compliant_nested_type"] = r.random() < 0.8
    cols = leaves(table, s["use_compliant_nested_type"])
    paths = [p for p, _ in cols]
    k = r.random()
    if k < 0.6:
        s["compression"] = r.choice(CODECS)
        if s["compression"] in LEVELS and r.random() < 0.3:
            s["compression_level"] = r.randint(*LEVELS[s["compression"]])
    elif paths:
        s["compression"] = {p: r.choice(CODECS) for p in paths}
    dictionary = r.choice(["on", "off", "some"])
    encodings = {}
    if dictionary != "on" and r.random() < 0.7:
        for p, physical in cols:
            if r.random() < 0.6:
                encodings[p] = r.choice(ENCODINGS[physical])
    if dictionary == "on":
        s["use_dictionary"] = True
    elif dictionary == "off":
        s["use_dictionary"] = False
    else:
        s["use_dictionary"] = [p for p in paths if p not in encodings and r.random() < 0.5]
    if encodings:
        s["column_encoding"] = encodings
    if r.random() < 0.3:
        s["dictionary_pagesize_limit"] = r.choice([1, 16, 64, 1000])
    if r.random() < 0.6:
        s["data_page_size"] = r.choice([1, 8, 64, 512, 4096, 65536, 1 << 20])
    if r.random() < 0.5:
        s["write_batch_size"] = r.choice([1, 2, 3, 17, 100])
    if r.random() < 0.3:
        s["max_rows_per_page"] = r.choice([1, 2, 5, 50])
    s["row_group_size"] = r.choice([None, 1, 2, 7, 64, 1000])
    s["write_statistics"] = r.choice([True, False, [p for p in paths if r.random() < 0.5]])
    s["write_page_index"] = r.random() < 0.5
    s["write_page_checksum"] = r.random() < 0.3
    s["store_schema"] = r.random() < 0.8
    s["store_decimal_as_integer"] = r.random() < 0.4
    s["write_time_adjusted_to_utc"] = r.random() < 0.2
    if r.random() < 0.1:
        s["use_deprecated_int96_timestamps"] = True
    elif s["version"] != "2.6" or r.random() < 0.15:
        s["coerce_timestamps"] = r.choice(["ms", "us"])
        s["allow_truncated_timestamps"] = True
    if r.random() < 0.3 and paths:
        # (True means 1M distinct values, a filter of ~1 MiB per column chunk: with tiny row groups, gigabytes)
        s["bloom_filter_options"] = {p: {"ndv": r.choice([1, 10, 1000]), "fpp": r.choice([0.01, 0.2])}
                                     for p in paths if r.random() < 0.5}
        if s["row_group_size"] is not None and s["row_group_size"] < 100:
            s["bloom_filter_options"] = {p: {"ndv": 10} for p in s["bloom_filter_options"]}
        # pyarrow builds no bloom filter for booleans (dropped after the draws, so that each seed draws as before)
        physical = dict(cols)
        s["bloom_filter_options"] = {p: v for p, v in s["bloom_filter_options"].items() if physical[p] != "BOOLEAN"}
    if r.random() < 0.1:
        s["use_content_defined_chunking"] = r.choice([True, {"min_chunk_size": 64, "max_chunk_size": 512}])
    return s


# ---------------------------------------------------------------- one file


def draw_table(r):
    n = r.choice([0, 1, 2, r.randint(0, 20), r.randint(0, 200), r.randint(0, 200), r.randint(200, 1000)])
    fields, arrays = [], []
    for i in range(r.randint(1, 6)):
        t = any_type(r, 0)
        nullable = pa.types.is_null(t) or r.random() < 0.75
        fields.append(pa.field("c%d" % i, t, nullable=nullable))
        arrays.append(build(t, values(t, n, nullable, r)))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class TestKms(pe.KmsClient if pe else object):
    """The test's KMS (PyarrowDifferentialTest.TEST_KMS is its Java twin): a key "wrapped" by a master key is
    base64(master key id + ":" + key). Enough to exercise key material and wrapping; not a KMS."""

    def __init__(self, config):
        pe.KmsClient.__init__(self)

    def wrap_key(self, key_bytes, master_key_identifier):
        return base64.b64encode(master_key_identifier.encode() + b":" + key_bytes).decode()

    def unwrap_key(self, wrapped_key, master_key_identifier):
        raw = base64.b64decode(wrapped_key)
        prefix = master_key_identifier.encode() + b":"
        if not raw.startswith(prefix):
            raise ValueError("the key was not wrapped by " + master_key_identifier)
        return raw[len(prefix):]


def encryption(seed, table):
    """Envelope encryption drawn for a seed, from a random source of its own (the table and settings stay those of
    the seed without encryption): algorithm, footer mode, wrapping, key length, and every column on the footer key
    or some top-level leaf columns on a key of their own (the others in clear)."""
    r = random.Random(seed * 7919 + 1)
    config = {"footer_key": "kf", "encryption_algorithm": r.choice(["AES_GCM_V1", "AES_GCM_CTR_V1"]),
              "plaintext_footer": r.random() < 0.3, "double_wrapping": r.random() < 0.5,
              "data_key_length_bits": r.choice([128, 192, 256])}
    leaves = [f.name for f in table.schema if not pa.types.is_nested(f.type) and f.name]
    if leaves and r.random() < 0.5:
        config["column_keys"] = {"kc1": r.sample(leaves, r.randint(1, len(leaves)))}
    else:
        config["uniform_encryption"] = True
    return config


def write_one(seed, out, encrypt=False):
    r = random.Random(seed)
    table = draw_table(r)
    s = settings(r, table)
    path = os.path.join(out, "%d.parquet" % seed)
    options = {k: v for k, v in s.items() if k != "row_group_size"}
    read_options = {}
    if encrypt:
        factory = pe.CryptoFactory(lambda config: TestKms(config))
        kms = pe.KmsConnectionConfig()
        s["encryption"] = encryption(seed, table)
        s.pop("bloom_filter_options", None)  # pyarrow does not write bloom filters in encrypted files
        options.pop("bloom_filter_options", None)
        try:
            options["encryption_properties"] = factory.file_encryption_properties(
                kms, pe.EncryptionConfiguration(**s["encryption"]))
        except Exception as e:
            return "skipped " + type(e).__name__ + ": " + str(e).splitlines()[0][:200]
        read_options["decryption_properties"] = factory.file_decryption_properties(kms, pe.DecryptionConfiguration())
    try:
        pq.write_table(table, path, row_group_size=s["row_group_size"], **options)
    except Exception as e:  # a combination pyarrow refuses to write (an encoding its type does not take, ...)
        if os.path.exists(path):
            os.remove(path)
        return "skipped " + type(e).__name__ + ": " + str(e).splitlines()[0][:200]
    try:
        back = pq.read_table(path, **read_options)
        back.validate(full=True)
        if back.num_rows != table.num_rows:
            raise ValueError("pyarrow reads %d rows of the %d it wrote" % (back.num_rows, table.num_rows))
    except Exception as e:  # pyarrow cannot read its own file back (or reads what it did not write): no oracle
        os.remove(path)
        return "skipped pyarrow-cannot-read-back " + type(e).__name__ + ": " + str(e).splitlines()[0][:200]
    rows = []
    columns = [canon(back.column(i).combine_chunks()) if back.num_rows else [] for i in range(back.num_columns)]
    for i in range(back.num_rows):
        rows.append([c[i] for c in columns])
    dump = {"seed": seed, "pyarrow": pa.__version__, "settings": s, "schema": str(table.schema).splitlines(),
            "columns": back.column_names, "rows": rows}
    with open(os.path.join(out, "%d.json" % seed), "w", encoding="utf-8") as f:
        json.dump(dump, f, ensure_ascii=False)
    return "ok"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--encrypt", action="store_true",
                   help="encrypt each file (envelope encryption through CryptoFactory and the test's KMS)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for seed in range(a.seed, a.seed + a.count):
        print(seed, write_one(seed, a.out, a.encrypt), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
