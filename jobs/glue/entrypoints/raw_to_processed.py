"""Glue job: raw → processed (thin entry point; the transformation is cdp_jobs.raw_to_processed).

Job arguments (``--name value``; the EtlPipeline component sets them):

* ``--JOB_NAME``; ``--raw_path`` (``s3://<raw bucket>/raw``), ``--processed_path``, ``--quarantine_path``;
* ``--contracts_path``: S3 prefix holding the contract files (``<domain>/<dataset>.yaml`` or ``.json``);
* ``--hash_salt_secret_id``: Secrets Manager secret with the HMAC salt (the preprocessing Lambda's ``HASH_SALT``);
  required while a classification is hashed;
* ``--privacy_rules`` (optional): JSON object classification → ``keep|hash|drop`` over the defaults.

Job bookmarks (``--job-bookmark-option job-bookmark-enable``) make each run read only the raw objects added since the
last committed run: the source carries a ``transformation_ctx`` and the run ends with ``job.commit()``
(https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html). The raw lines are read as text — one column
per line via the CSV reader with quoting off and a separator JSON text never contains unescaped (U+0001) — with the
object key attached (``attachFilename``), so unparseable lines and keys outside the layout reach the quarantine
instead of failing the read (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-s3-home.html,
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-csv-home.html).
"""

from __future__ import annotations

import json
import sys

try:  # Present on AWS Glue only; tests import this module without it.
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
except ImportError:  # pragma: no cover - exercised on Glue
    GlueContext = Job = getResolvedOptions = None

REQUIRED = ["JOB_NAME", "raw_path", "processed_path", "quarantine_path", "contracts_path"]
OPTIONAL = ["hash_salt_secret_id", "privacy_rules"]


def _optional(argv: list[str]) -> list[str]:
    return [o for o in OPTIONAL if f"--{o}" in argv]


def load_contracts(s3, prefix: str) -> list[dict]:
    from cdp_jobs.contract_files import active, parse_contract

    bucket, _, key_prefix = prefix.removeprefix("s3://").partition("/")
    docs = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key_prefix):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith((".yaml", ".yml", ".json")):
                text = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode("utf-8")
                docs.append(parse_contract(obj["Key"], text))
    return active(docs)


def privacy_rules(args: dict[str, str]) -> object:
    """The ``--privacy_rules`` document (None when absent: the defaults); text that is not JSON is named
    (``ValueError``; ``privacy.parse_rules`` then checks the classifications and actions)."""
    from cdp_jobs.job_args import json_argument

    return json_argument(args, "privacy_rules", "an object of classification → keep, hash or drop")


def main(argv: list[str]) -> None:
    if GlueContext is None:
        raise RuntimeError("this entry point runs on AWS Glue (awsglue is not importable here)")
    import boto3
    from pyspark.context import SparkContext

    from cdp_jobs.contracts import contracts_by_key
    from cdp_jobs.raw_to_processed import run
    from cdp_jobs.session import JOB_CONF

    args = getResolvedOptions(argv, REQUIRED + _optional(argv))
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    for k, v in JOB_CONF.items():
        spark.conf.set(k, v)
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    contracts = contracts_by_key(load_contracts(boto3.client("s3"), args["contracts_path"]))
    salt = None
    if args.get("hash_salt_secret_id"):
        salt = boto3.client("secretsmanager").get_secret_value(SecretId=args["hash_salt_secret_id"])["SecretString"]
    raw = args["raw_path"].rstrip("/")
    source = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={
            "paths": [f"{raw}/streams/", f"{raw}/events/"],
            "recurse": True,
            "groupFiles": "inPartition",
            "attachFilename": "path",
        },
        format="csv",
        format_options={"separator": "\u0001", "quoteChar": -1, "withHeader": False},
        transformation_ctx="raw_lines",
    )
    df = source.toDF()
    lines = df.select(df.columns[0], "path").toDF("value", "path") if df.columns else None
    if lines is None:
        print(json.dumps({"input": 0}))
    else:
        result = run(
            spark,
            lines,
            raw,
            args["processed_path"],
            args["quarantine_path"],
            contracts,
            hash_salt=salt,
            privacy_rules=privacy_rules(args),
        )
        # Record accounting in the job's log (and the Step Functions output via the log-based metric).
        print(
            json.dumps(
                {"input": result.input, "processed": result.processed, "quarantined": result.quarantined},
                sort_keys=True,
            )
        )
    job.commit()


if __name__ == "__main__":
    main(sys.argv)
