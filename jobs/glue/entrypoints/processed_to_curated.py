"""Glue job: processed → curated (thin entry point; the transformation is cdp_jobs.processed_to_curated).

Job arguments: ``--JOB_NAME``, ``--processed_path``, ``--curated_path``; optional ``--matches_path`` (the Entity
Resolution matching workflows' output prefix: the latest run of each workflow, CSV with the record id and MatchID;
no run yet means no matches, ``read_matches``), ``--as_of`` (``YYYY-MM-DD``, default today UTC) and ``--spec`` (JSON:
which processed datasets hold customers, spend, payments and web activity, with their column names, and the lifetime
value's horizon; ``spec_from_json`` in cdp_jobs/processed_to_curated.py; the EtlPipeline passes
``cdp:processing.curated``).

The curated datasets are recomputed from the processed zone, whose (entity, event_date) partitions are the source of
truth: a processed-zone read through the catalog with a ``transformation_ctx`` would let bookmarks skip unchanged
partitions, but RFM and lifetime value need every purchase of a customer, so this job reads the processed Parquet
directly and overwrites its outputs' ``dt`` partitions (dynamic partition overwrite; those it no longer has rows
for are deleted, ``_remove_stale``). ``job.init``/``job.commit`` keep
the run in the job's history.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime

try:  # Present on AWS Glue only; tests import this module without it.
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
except ImportError:  # pragma: no cover - exercised on Glue
    GlueContext = Job = getResolvedOptions = None

REQUIRED = ["JOB_NAME", "processed_path", "curated_path"]
OPTIONAL = ["matches_path", "as_of", "spec"]


def parse_arguments(args: dict[str, str]) -> tuple[date, object]:
    """``--as_of`` (default today, UTC) and the ``--spec`` document (default ``{}``); a value that is not a date or
    not JSON is named with what is expected (``ValueError``)."""
    as_of = datetime.now(UTC).date()
    if args.get("as_of"):
        try:
            as_of = date.fromisoformat(args["as_of"])
        except ValueError:
            raise ValueError(f"--as_of = {args['as_of']!r}: expected a date, YYYY-MM-DD") from None
    from cdp_jobs.job_args import json_argument

    doc = json_argument(args, "spec", "a JSON object")
    return as_of, {} if doc is None else doc


def main(argv: list[str]) -> None:
    if GlueContext is None:
        raise RuntimeError("this entry point runs on AWS Glue (awsglue is not importable here)")
    from pyspark.context import SparkContext

    from cdp_jobs.processed_to_curated import read_matches, run, spec_from_json
    from cdp_jobs.session import JOB_CONF

    args = getResolvedOptions(argv, REQUIRED + [o for o in OPTIONAL if f"--{o}" in argv])
    as_of, doc = parse_arguments(args)
    # Checked before any Spark work: a bad spec fails the run at once, naming each key.
    spec = spec_from_json(doc, as_of)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    for k, v in JOB_CONF.items():
        spark.conf.set(k, v)
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    # None while no matching workflow has written a run (or in a stack without Entity Resolution).
    ids = [c.id_column for c in spec.customers]
    matches = read_matches(spark, args["matches_path"], ids) if args.get("matches_path") else None
    counts = run(spark, args["processed_path"], args["curated_path"], spec, matches)
    print(json.dumps(counts, sort_keys=True))
    job.commit()


if __name__ == "__main__":
    main(sys.argv)
