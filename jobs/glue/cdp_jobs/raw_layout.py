"""Where the ingestion hub lands records in the raw zone, as the Glue jobs read it.

Firehose writes every delivery under one folder per ingestion path, partitioned Hive-style:

* ``streams/source=<source>/entity=<entity>/event_date=<yyyy-MM-dd>/<object>`` — the Kinesis path; the partition
  values are the keys the preprocessing Lambda returns (components/ingest/stream-ingest.ts).
* ``events/source=<source>/event_date=<yyyy-MM-dd>/<object>`` — the EventBridge path
  (components/ingest/event-ingest.ts).
* ``errors/<folder>/<error-output-type>/<yyyy>/<MM>/<dd>/<object>`` — records Firehose could not process or partition;
  never read as data, only accounted for.

``parse_raw_key`` turns an object key into its folder and partition values, and says why a key does not belong to the
layout, so a job can quarantine such objects with a reason instead of skipping them silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Partition keys of each data folder, outermost first (the Firehose prefixes of the components).
PARTITIONS: dict[str, tuple[str, ...]] = {
    "streams": ("source", "entity", "event_date"),
    "events": ("source", "event_date"),
}
#: The folder Firehose writes failed records under.
ERRORS_FOLDER = "errors"
#: Firehose error output types (the ``!{firehose:error-output-type}`` values).
ERROR_OUTPUT_TYPES = ("processing-failed", "partitioning-failed", "format-conversion-failed")

_VALUE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RawObject:
    """One raw-zone object: its folder, its partition values (in layout order) and its file name."""

    folder: str
    partitions: dict[str, str]
    file: str
    #: For objects under ``errors/``: the error output type; ``None`` for data.
    error_type: str | None = None


class RawLayoutError(ValueError):
    """A key outside the raw layout; ``reason`` says which part is wrong."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def parse_raw_key(key: str) -> RawObject:
    """Parses a raw-zone object key (without the bucket); raises ``RawLayoutError`` with a reason."""
    parts = key.split("/")
    if len(parts) < 2 or parts[-1] == "":
        raise RawLayoutError(key, "not an object key (no file name)")
    folder = parts[0]
    if folder == ERRORS_FOLDER:
        return _parse_error_key(key, parts)
    expected = PARTITIONS.get(folder)
    if expected is None:
        raise RawLayoutError(key, f"unknown folder {folder!r}; expected one of {', '.join(sorted(PARTITIONS))}")
    segments = parts[1:-1]
    if len(segments) != len(expected):
        raise RawLayoutError(key, f"expected partitions {'/'.join(k + '=…' for k in expected)}")
    values: dict[str, str] = {}
    for name, segment in zip(expected, segments, strict=True):
        prefix = f"{name}="
        if not segment.startswith(prefix):
            raise RawLayoutError(key, f"expected partition {name}=… where {segment!r} is")
        value = segment[len(prefix) :]
        if not _VALUE.match(value):
            raise RawLayoutError(key, f"partition {name} has an invalid value {value!r}")
        if name == "event_date" and not _DATE.match(value):
            raise RawLayoutError(key, f"event_date {value!r} is not yyyy-MM-dd")
        values[name] = value
    return RawObject(folder=folder, partitions=values, file=parts[-1])


def _parse_error_key(key: str, parts: list[str]) -> RawObject:
    # errors/<folder>/<type>/<yyyy>/<MM>/<dd>/<file>
    if len(parts) != 7:
        raise RawLayoutError(key, "expected errors/<folder>/<error-output-type>/<yyyy>/<MM>/<dd>/<object>")
    _, folder, error_type, year, month, day, file = parts
    if folder not in PARTITIONS:
        raise RawLayoutError(key, f"unknown folder {folder!r} under errors/")
    if error_type not in ERROR_OUTPUT_TYPES:
        raise RawLayoutError(key, f"unknown error output type {error_type!r}")
    date = f"{year}-{month}-{day}"
    if not _DATE.match(date):
        raise RawLayoutError(key, f"error date {year}/{month}/{day} is not yyyy/MM/dd")
    return RawObject(folder=folder, partitions={"error_date": date}, file=file, error_type=error_type)
