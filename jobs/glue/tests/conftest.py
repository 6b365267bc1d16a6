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
