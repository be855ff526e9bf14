#!/usr/bin/env python3
"""The pyarrow side of EncryptedWritePyarrowTest (`mvn -Ppyarrow test`): reads Parquet files that delpha-data-sdk
encrypted with the envelope (key material in the footer) through pyarrow's CryptoFactory and the test's KMS (the same
TestKms as write_files.py), and prints, per file, one JSON line: {"file": path, "rows": [...]} with pyarrow's rows as
to_pylist gives them (ints, floats, strings, booleans, null), or {"file": path, "error": "..."} if pyarrow refuses it.
"""
import json
import sys

import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe

from write_files import TestKms


def main():
    factory = pe.CryptoFactory(lambda config: TestKms(config))
    kms = pe.KmsConnectionConfig()
    for path in sys.argv[1:]:
        try:
            props = factory.file_decryption_properties(kms, pe.DecryptionConfiguration())
            rows = pq.read_table(path, decryption_properties=props).to_pylist()
            print(json.dumps({"file": path, "rows": rows}), flush=True)
        except Exception as e:  # reported, judged by the test
            print(json.dumps({"file": path, "error": type(e).__name__ + ": " + str(e).splitlines()[0][:300]}),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
