import json
from datetime import UTC, datetime

import pytest

from cdp_jobs.lineage import (
    LINEAGE_DETAIL_TYPE,
    LINEAGE_EVENT_SOURCE,
    dataset,
    new_run_id,
    put_events_entry,
    run_event,
)


def test_complete_event_and_entry():
    run_id = new_run_id()
    event = run_event(
        "COMPLETE",
        run_id,
        "glue://cdp-prod",
        "curate-revenue",
        producer="https://github.com/example/cdp/jobs/glue",
        inputs=[dataset("s3://cdp-prod-processed", "orders")],
        outputs=[dataset("s3://cdp-prod-curated", "customer_revenue")],
        event_time=datetime(2026, 12, 1, 2, 10, tzinfo=UTC),
    )
    assert event["eventTime"] == "2026-12-01T02:10:00.000Z"
    assert event["run"] == {"runId": run_id}
    entry = put_events_entry(event, "default")
    assert entry["Source"] == LINEAGE_EVENT_SOURCE
    assert entry["DetailType"] == LINEAGE_DETAIL_TYPE
    assert json.loads(entry["Detail"]) == event


def test_fail_event_carries_the_error():
    event = run_event("FAIL", new_run_id(), "glue://x", "job", producer="p", error_message="boom")
    assert event["run"]["facets"]["errorMessage"]["message"] == "boom"


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="event_type must be one of"):
        run_event("DONE", new_run_id(), "glue://x", "job", producer="p")
