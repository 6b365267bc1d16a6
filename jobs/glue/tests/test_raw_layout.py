import pytest

from cdp_jobs.raw_layout import PARTITIONS, RawLayoutError, parse_raw_key


def test_stream_objects_carry_source_entity_and_date():
    obj = parse_raw_key("streams/source=crm/entity=customer/event_date=2026-11-30/cdp-prod-ingest-1-2026.json.gz")
    assert obj.folder == "streams"
    assert obj.partitions == {"source": "crm", "entity": "customer", "event_date": "2026-11-30"}
    assert obj.file.endswith(".json.gz")
    assert obj.error_type is None


def test_event_objects_carry_source_and_date():
    obj = parse_raw_key("events/source=cdp.domain.sales/event_date=2026-12-01/part-0001.json.gz")
    assert obj.partitions == {"source": "cdp.domain.sales", "event_date": "2026-12-01"}


def test_error_objects_are_recognised_not_read_as_data():
    obj = parse_raw_key("errors/streams/processing-failed/2026/12/01/cdp-prod-ingest-3.json.gz")
    assert obj.folder == "streams"
    assert obj.error_type == "processing-failed"
    assert obj.partitions == {"error_date": "2026-12-01"}


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("streams/source=crm/entity=customer/", "no file name"),
        ("sftp/acme/upload.csv", "unknown folder 'sftp'"),
        ("streams/source=crm/event_date=2026-11-30/x.json.gz", "expected partitions"),
        ("streams/entity=customer/source=crm/event_date=2026-11-30/x.json.gz", "expected partition source=…"),
        ("streams/source=crm/entity=cus tomer/event_date=2026-11-30/x.json.gz", "invalid value"),
        ("events/source=crm/event_date=30-11-2026/x.json.gz", "not yyyy-MM-dd"),
        ("errors/streams/dropped/2026/12/01/x.json.gz", "unknown error output type"),
        ("errors/streams/processing-failed/2026-12-01/x.json.gz", "expected errors/"),
    ],
)
def test_keys_outside_the_layout_are_rejected_with_a_reason(key, reason):
    with pytest.raises(RawLayoutError) as caught:
        parse_raw_key(key)
    assert reason in caught.value.reason
    assert caught.value.key == key


def test_layout_matches_the_firehose_prefixes_of_the_components():
    # The TypeScript components write these prefixes; tests/raw-layout.test.ts compares this table with the plan.
    assert PARTITIONS["streams"] == ("source", "entity", "event_date")
    assert PARTITIONS["events"] == ("source", "event_date")
