"""The Glue entry points import without awsglue (they only run on Glue) and refuse to run outside it."""

import importlib.util
from pathlib import Path

import pytest

from cdp_jobs.contract_files import active, parse_contract

ENTRYPOINTS = Path(__file__).resolve().parent.parent / "entrypoints"


def load(name):
    spec = importlib.util.spec_from_file_location(f"entry_{name}", ENTRYPOINTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["raw_to_processed", "processed_to_curated"])
def test_entrypoints_import_without_awsglue_and_say_where_they_run(name):
    module = load(name)
    assert "JOB_NAME" in module.REQUIRED
    with pytest.raises(RuntimeError, match="runs on AWS Glue"):
        module.main(["script", "--JOB_NAME", "x"])


def test_contract_files_are_read_as_yaml_or_json_and_withdrawn_ones_skipped():
    yaml_doc = parse_contract("sales/customer.yaml", "domain: sales\ndataset: customer\nschema: {properties: {}}\n")
    json_doc = parse_contract("x/y.json", '{"domain": "x", "dataset": "y", "status": "withdrawn"}')
    assert yaml_doc["dataset"] == "customer"
    assert active([yaml_doc, json_doc]) == [yaml_doc]
    with pytest.raises(ValueError, match="ends with"):
        parse_contract("x/y.txt", "")


class FakeS3:
    def __init__(self, objects):
        self.objects = objects

    def get_paginator(self, _):
        objects = self.objects

        class Pages:
            def paginate(self, Bucket, Prefix):  # noqa: N803 - boto3's parameter names
                return [{"Contents": [{"Key": k} for k in objects if k.startswith(Prefix)]}]

        return Pages()

    def get_object(self, Bucket, Key):  # noqa: N803
        import io

        return {"Body": io.BytesIO(self.objects[Key].encode())}


def test_the_raw_job_loads_contracts_from_an_s3_prefix():
    module = load("raw_to_processed")
    s3 = FakeS3({"contracts/sales/order.json": '{"domain": "sales", "dataset": "order"}', "contracts/README.md": "#"})
    assert module.load_contracts(s3, "s3://bucket/contracts/") == [{"domain": "sales", "dataset": "order"}]


def test_the_curated_entry_point_runs_with_the_deployed_arguments_before_and_after_a_matching_run(
    spark, tmp_path, monkeypatch, capsys
):
    """The arguments the EtlPipeline passes (tests/etl-pipeline.test.ts), on local Spark with awsglue stood in for:
    a matches prefix no workflow has written to yet is no matches (not a failed run); after a run, its match ids."""
    from datetime import datetime

    module = load("processed_to_curated")
    processed, curated, matches = tmp_path / "processed", tmp_path / "curated", tmp_path / "entity-resolution"
    arrived = datetime(2026, 11, 20, 10, 0)
    spark.createDataFrame(
        [("C1", "a@example.com", arrived, "INSERT"), ("C2", "b@example.com", arrived, "INSERT")],
        "customerId string, email string, arrived_at timestamp, change_type string",
    ).write.parquet(str(processed / "hub" / "entity=customer" / "event_date=2026-11-20"))
    spark.createDataFrame(
        [("O1", "C1", 700, "EUR", arrived, arrived, "INSERT"), ("O2", "C2", 300, "EUR", arrived, arrived, "INSERT")],
        "orderId string, customerId string, amountMinor long, currency string, placedAt timestamp, "
        "arrived_at timestamp, change_type string",
    ).write.parquet(str(processed / "sales" / "entity=order" / "event_date=2026-11-20"))

    class GlueContext:
        def __init__(self, sc):
            self.spark_session = spark

    class Job:
        def __init__(self, context):
            pass

        def init(self, name, args):
            pass

        def commit(self):
            pass

    def resolved(argv, names):
        pairs = dict(zip(argv[1::2], argv[2::2], strict=False))
        return {n: pairs[f"--{n}"] for n in names}

    monkeypatch.setattr(module, "GlueContext", GlueContext)
    monkeypatch.setattr(module, "Job", Job)
    monkeypatch.setattr(module, "getResolvedOptions", resolved)
    argv = [
        "script",
        *("--JOB_NAME", "etl-processed-to-curated", "--processed_path", str(processed)),
        *("--curated_path", str(curated), "--matches_path", str(matches), "--as_of", "2026-12-01"),
    ]

    def profiles():
        rows = spark.read.parquet(str(curated / "customer_profile")).collect()
        return sorted((r.profile_id, tuple(r.customer_ids)) for r in rows)

    module.main(argv)
    assert '"customer_profile": 2' in capsys.readouterr().out
    assert profiles() == [("C1", ("C1",)), ("C2", ("C2",))]
    success = matches / "sales" / "matching" / ("f" * 32) / "success"
    success.mkdir(parents=True)
    (success / "part-00000.csv").write_text("customerid,MatchID\nC1,M1\nC2,M1\n")
    module.main(argv)
    assert profiles() == [("M1", ("C1", "C2"))]


def test_the_curated_entry_point_names_a_bad_as_of_or_spec_argument():
    module = load("processed_to_curated")
    assert module.parse_arguments({"as_of": "2026-12-01", "spec": '{"web": []}'})[1] == {"web": []}
    with pytest.raises(ValueError, match=r"--as_of = '2026-13-01': expected a date, YYYY-MM-DD"):
        module.parse_arguments({"as_of": "2026-13-01"})
    with pytest.raises(ValueError, match=r"--spec is not JSON \(Expecting .* at character 1\): expected a JSON object"):
        module.parse_arguments({"spec": "{customers: []}"})


def test_the_raw_entry_point_names_privacy_rules_that_are_not_json():
    module = load("raw_to_processed")
    assert module.privacy_rules({}) is None
    assert module.privacy_rules({"privacy_rules": '{"pii": "drop"}'}) == {"pii": "drop"}
    with pytest.raises(ValueError, match=r"--privacy_rules is not JSON .*: expected an object of classification"):
        module.privacy_rules({"privacy_rules": "pii=drop"})
