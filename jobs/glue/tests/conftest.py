"""One local SparkSession for the whole pytest session: 2 cores, few shuffle partitions, no UI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def spark():
    pyspark = pytest.importorskip("pyspark")
    del pyspark
    from cdp_jobs.session import local_session

    session = local_session("cdp-jobs-tests")
    yield session
    session.stop()


def write_lines(root: Path, key: str, records: list) -> str:
    """Writes one raw-zone object: each record as a JSON line (a str is written as is, e.g. broken JSON)."""
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r, separators=(",", ":"))) + "\n")
    return os.fspath(path)


def parquet_encodings(spark, parquet_file: str) -> dict[str, set[str]]:
    """Column path → its Parquet encodings in the file's first row group (from the footer, read by parquet-mr)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(parquet_file)
    footer = jvm.org.apache.parquet.hadoop.ParquetFileReader.readFooter(conf, path)
    block = footer.getBlocks().get(0)
    return {str(c.getPath().toDotString()): {str(e) for e in c.getEncodings()} for c in block.getColumns()}


#: Parquet's dictionary encodings (v1 and v2 writer names).
DICTIONARY_ENCODINGS = frozenset({"PLAIN_DICTIONARY", "RLE_DICTIONARY"})
