"""Prints, as JSON, the columns and Spark types the two jobs write on a small generated data set (local Spark).

Run from jobs/glue: ``python3 tests/written_schemas.py [records]``. tests/curated-outputs.test.ts compares the output
with the catalog the platform plans (model/curated.ts, model/catalog.ts), so a column the job adds, drops or retypes
fails there until the model says the same.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import date

from cdp_jobs import datagen, processed_to_curated, raw_to_processed
from cdp_jobs.contracts import contracts_by_key
from cdp_jobs.session import local_session


def _columns(df) -> list[list[str]]:
    return [[f.name, f.dataType.simpleString()] for f in df.schema.fields]


def main(records: int) -> dict:
    work = tempfile.mkdtemp(prefix="cdp-written-schemas-")
    try:
        raw, processed, quarantine, curated = (os.path.join(work, z) for z in ("raw", "processed", "q", "curated"))
        datagen.generate(raw, records)
        spark = local_session("cdp-written-schemas")
        raw_to_processed.run(
            spark,
            raw_to_processed.read_raw_lines(spark, raw),
            raw,
            processed,
            quarantine,
            contracts_by_key(datagen.CONTRACTS),
            hash_salt=datagen.SALT,
        )
        processed_to_curated.run(spark, processed, curated, processed_to_curated.CuratedSpec(as_of=date(2026, 12, 1)))
        out = {
            # Partition folders as written (<name>=<value>), then the columns Spark reads back (partition last).
            # Keyed <domain>.<dataset>: the job writes <processed>/<domain>/entity=<dataset>/.
            "processed": {
                f"{o}.{e.split('=', 1)[1]}": {
                    "partitions": sorted(
                        {d.split("=")[0] for d in os.listdir(os.path.join(processed, o, e)) if "=" in d}
                    ),
                    "columns": _columns(spark.read.parquet(os.path.join(processed, o, e))),
                }
                for o in sorted(os.listdir(processed))
                if os.path.isdir(os.path.join(processed, o))
                for e in sorted(os.listdir(os.path.join(processed, o)))
                if e.startswith("entity=")
            },
            "curated": {
                name: {
                    "partitions": sorted(
                        {d.split("=")[0] for d in os.listdir(os.path.join(curated, name)) if "=" in d}
                    ),
                    "columns": _columns(spark.read.parquet(os.path.join(curated, name))),
                }
                for name in processed_to_curated.OUTPUTS
            },
        }
        spark.stop()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1500)))
