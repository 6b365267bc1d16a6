"""The demo's record accounting (cdp_jobs.local_run.account): it must catch a lost record, a record made twice and an
item missing from curated — not only agree with itself. Pure Python, no Spark."""

from cdp_jobs.local_run import account


def rec(i, event_id, intent="valid", firehose="ok", entity="order", key=None, curated="transactions"):
    return {
        "i": i,
        "event_id": event_id if firehose == "ok" else None,
        "intent": intent,
        "firehose": firehose,
        "error_code": "Lambda.ProcessingFailedStatus" if firehose == "failed" else None,
        "entity": entity,
        "key": key or f"o-{event_id}",
        "curated": curated,
    }


MANIFEST = [
    rec(0, "e1"),
    rec(1, "e1", intent="duplicate"),
    rec(2, "e2", intent="contract-reject", curated=None),
    rec(3, None, intent="lambda-reject", firehose="failed", curated=None),
    rec(4, "e3"),
]
OUTCOMES = [("e1", "processed"), ("e1", "duplicate-in-run"), ("e2", "schema-violation"), ("e3", "processed")]
CURATED = {("transactions", "order", "o-e1"), ("transactions", "order", "o-e3")}


def test_balanced_run_has_no_findings():
    acc = account(MANIFEST, OUTCOMES, CURATED)
    assert acc["unbalanced"] == []
    assert acc["processed_twice"] == []
    assert acc["mismatches"] == []
    assert acc["missing_from_curated"] == [] and acc["unexpected_in_curated"] == []
    assert acc["error_codes"] == {"Lambda.ProcessingFailedStatus": 1}
    assert ("valid", "processed", 2) in acc["intent_table"]
    assert ("lambda-reject", "firehose-failed", 1) in acc["intent_table"]
    assert acc["reached"] == [("order", 2, 2, "transactions")]


def test_a_lost_line_is_caught_by_event_id():
    acc = account(MANIFEST, [o for o in OUTCOMES if o != ("e1", "duplicate-in-run")], CURATED)
    assert acc["unbalanced"] == ["e1 (2→1: processed)"]


def test_a_record_processed_twice_is_caught():
    acc = account(MANIFEST, OUTCOMES + [("e3", "processed")], CURATED)
    assert acc["processed_twice"] == ["e3"]
    assert acc["unbalanced"] == ["e3 (1→2: processed, processed)"]


def test_an_outcome_without_a_generated_record_is_caught():
    acc = account(MANIFEST, OUTCOMES + [("zz", "processed")], CURATED)
    assert acc["unbalanced"] == ["zz (0→1: processed)"]


def test_a_valid_record_quarantined_is_reported_as_not_intended():
    outcomes = [o for o in OUTCOMES if o != ("e3", "processed")] + [("e3", "schema-violation")]
    acc = account(MANIFEST, outcomes, CURATED)
    assert acc["unbalanced"] == []
    assert any("e3" in m for m in acc["mismatches"])
    assert ("valid", "NOT AS INTENDED: schema-violation", 1) in acc["intent_table"]


def test_curated_differences_are_caught_both_ways():
    acc = account(MANIFEST, OUTCOMES, {("transactions", "order", "o-e1"), ("transactions", "order", "o-e2")})
    assert acc["missing_from_curated"] == ["order/o-e3"]
    assert acc["unexpected_in_curated"] == ["order/o-e2"]


def test_an_event_both_processed_and_quarantined_is_caught():
    # What an incremental raw run does when it marks its own new rows as already processed: one line, two outcomes.
    acc = account(MANIFEST, OUTCOMES + [("e3", "already-processed")], CURATED)
    assert acc["unbalanced"] == ["e3 (1→2: already-processed, processed)"]
