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
