import hashlib
import hmac

import pytest
from pyspark.sql import functions as F

from cdp_jobs.privacy import PrivacyError, check_salt, hmac_sha256_hex, parse_rules
from cdp_jobs.raw_to_processed import raw_key


@pytest.mark.parametrize("salt", ["sixteen-chars-ok", "ü" * 40, "k" * 100])
def test_hmac_from_built_ins_is_rfc_2104_hmac_sha256(spark, salt):
    values = ["ann@example.com", "", "Zoë", None]
    df = spark.createDataFrame([(v,) for v in values], "v string")
    got = [r.h for r in df.select(hmac_sha256_hex(F.col("v"), salt).alias("h")).collect()]
    want = [None if v is None else hmac.new(salt.encode(), v.encode(), hashlib.sha256).hexdigest() for v in values]
    assert got == want


def test_rules_and_salt_are_checked():
    assert parse_rules({"confidential": "hash"})["confidential"] == "hash"
    with pytest.raises(PrivacyError, match="expected a classification"):
        parse_rules({"secret": "drop"})
    with pytest.raises(PrivacyError, match="keep, hash, drop"):
        parse_rules({"pii": "mask"})
    with pytest.raises(PrivacyError, match="at least 16"):
        check_salt("short")


@pytest.mark.parametrize(
    ("path", "root", "key"),
    [
        ("s3://lake-raw/raw/streams/source=a/x.json", "s3://lake-raw/raw", "streams/source=a/x.json"),
        ("file:///tmp/r/events/source=a/x.json", "/tmp/r/", "events/source=a/x.json"),
        ("file:/tmp/r/events/x.json", "file:///tmp/r", "events/x.json"),
    ],
)
def test_object_keys_are_relative_to_the_raw_root_whatever_the_uri_spelling(path, root, key):
    assert raw_key(path, root) == key
