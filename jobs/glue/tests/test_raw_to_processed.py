import glob
import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from conftest import DICTIONARY_ENCODINGS, parquet_encodings, write_lines
from contracts_fixture import ALL, CUSTOMER, HUB_CUSTOMER, SALT
from pyspark.sql import functions as F

from cdp_jobs.contracts import ContractError, contracts_by_key
from cdp_jobs.privacy import PrivacyError
from cdp_jobs.raw_to_processed import read_raw_lines, run

RUN1 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
RUN2 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
CUSTOMERS = "streams/source=crm/entity=customer/event_date=2026-11-30/cdp-ingest-1.json"
SALES = "events/source=cdp.domain.sales/event_date=2026-11-30/cdp-events-1.json"


def customer(event_id, cid, email="ann@example.com", arrived="2026-11-30T10:00:01.000Z", **fields):
    return {
        "eventId": event_id,
        "entity": "customer",
        "source": "crm",
        "customerId": cid,
        "email": email,
        "createdAt": "2026-11-30T10:00:00.000Z",
        **fields,
        "_meta": {"recordId": "r", "arrivedAt": arrived, "processedAt": arrived, "schemaVersion": 1},
    }


def envelope(event_id, entity, data, time="2026-11-30T12:00:00.000Z", change="INSERT", previous=None, domain="sales"):
    detail = {
        "specversion": "1.0",
        "id": event_id,
        "source": f"cdp.domain.{domain}",
        "type": f"{entity}.created",
        "domain": domain,
        "entity": entity,
        "key": {"pk": "x"},
        "changeType": change,
        "version": 1,
        "time": time,
        "data": data,
    }
    if previous is not None:
        detail["previous"] = previous
    return detail


def event(event_id, entity, data, **kw):
    return {
        "version": "0",
        "id": f"eb-{event_id}-{kw.pop('attempt', 1)}",
        "detail-type": "Changed",
        "source": f"cdp.domain.{kw.get('domain', 'sales')}",
        "time": "2026-11-30T12:00:01Z",
        "detail": envelope(event_id, entity, data, **kw),
    }


def order(oid, cid="C1", amount=1250, currency="EUR", placed="2026-11-30T12:00:00.000Z"):
    return {"orderId": oid, "customerId": cid, "amountMinor": amount, "currency": currency, "placedAt": placed}


@pytest.fixture
def zones(tmp_path):
    return {"raw": tmp_path / "raw", "processed": str(tmp_path / "processed"), "quarantine": str(tmp_path / "q")}


def run_job(spark, zones, when=RUN1, contracts=None, lines=None, **kw):
    """The raw job over ``zones`` (every line of the raw zone unless ``lines``; the test contracts unless
    ``contracts``, a list of contract documents), with the test salt unless ``hash_salt`` is given."""
    raw = str(zones["raw"])
    return run(
        spark,
        read_raw_lines(spark, raw) if lines is None else lines,
        raw,
        zones["processed"],
        zones["quarantine"],
        contracts_by_key(ALL if contracts is None else contracts),
        run_time=when,
        **({"hash_salt": SALT} | kw),
    )


def quarantine(spark, zones):
    return {r.event_id or r.value: r.reason for r in spark.read.parquet(zones["quarantine"]).collect()}


def test_valid_records_are_typed_and_written_by_entity_and_event_date(spark, zones):
    write_lines(zones["raw"], CUSTOMERS, [customer("c1", "C1", version=3, segment="retail")])
    write_lines(zones["raw"], SALES, [event("o1", "order", order("O1")), event("o2", "order", order("O2"))])
    result = run_job(spark, zones)
    assert result.input == 3
    assert result.processed == {"hub.customer": 1, "sales.order": 2}
    assert result.quarantined == {}
    assert result.touched == [("hub.customer", "2026-11-30"), ("sales.order", "2026-11-30")]

    orders = spark.read.parquet(f"{zones['processed']}/sales/entity=order")
    types = dict(orders.dtypes)
    assert types["amountMinor"] == "bigint"
    assert types["placedAt"] == "timestamp"
    assert types["event_date"] == "date" or types["event_date"] == "string"
    rows = {r.orderId: r for r in orders.collect()}
    assert rows["O1"].amountMinor == 1250 and rows["O1"].currency == "EUR"
    assert rows["O1"].event_id == "o1" and rows["O1"].domain == "sales" and rows["O1"].change_type == "INSERT"
    assert rows["O1"].placedAt == datetime(2026, 11, 30, 12, 0)  # session time zone UTC, naive UTC
    customers = spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()
    assert customers[0].version == 3 and customers[0].segment == "retail"
    # The producer domain (the hub's records are the hub's), then Hive-style partitions: entity, the UTC event date.
    assert customers[0].domain == "hub"
    parts = sorted(
        p.name for p in (zones["raw"].parent / "processed" / "sales" / "entity=order").iterdir() if p.is_dir()
    )
    assert parts == ["event_date=2026-11-30"]


def test_outputs_keep_dictionaries_on_closed_sets_only(spark, zones):
    """Processed rows: dictionaries on the envelope's domain, source and change type and on the contract's enum
    properties; identifiers, amounts and times plain (the default would try a dictionary on each). The quarantine:
    dictionaries on its reasons, entity and object key only."""
    write_lines(
        zones["raw"],
        SALES,
        [event(f"o{i}", "order", order(f"O{i}", cid=f"C{i % 7}", amount=100 + i)) for i in range(300)]
        # Enough failing rows of few reasons that a dictionary pays (parquet-mr writes plain what it cannot shrink).
        + ['{"broken": '] * 30
        + [event(f"neg{i}", "order", order(f"N{i}", amount=-5)) for i in range(30)],
    )
    run_job(spark, zones)
    processed = glob.glob(f"{zones['processed']}/sales/entity=order/event_date=2026-11-30/*.parquet")
    encodings = parquet_encodings(spark, processed[0])
    for column in ("domain", "source", "change_type", "currency"):
        assert encodings[column] & DICTIONARY_ENCODINGS, (column, encodings[column])
    for column in ("event_id", "orderId", "customerId", "amountMinor", "placedAt", "arrived_at"):
        assert not encodings[column] & DICTIONARY_ENCODINGS, (column, encodings[column])
    quarantined = parquet_encodings(spark, glob.glob(f"{zones['quarantine']}/dt=*/*.parquet")[0])
    for column in ("reason", "reason_kind", "path"):
        assert quarantined[column] & DICTIONARY_ENCODINGS, (column, quarantined[column])
    for column in ("event_id", "value"):
        assert not quarantined[column] & DICTIONARY_ENCODINGS, (column, quarantined[column])


def test_failing_rows_are_quarantined_with_their_reason(spark, zones):
    write_lines(
        zones["raw"],
        CUSTOMERS,
        [
            customer("bad-email", "C2", email="not-an-email"),
            customer("long-name", "C3", name="x" * 21),
            customer("bad-segment", "C4", segment="vip"),
            customer("bad-version", "C5", version="12.5"),
            customer("naive-time", "C6", updatedAt="2026-11-30T10:00:00"),
            {k: v for k, v in customer("no-email", "C7").items() if k != "email"},
            {k: v for k, v in customer("x", "C8").items() if k != "eventId"},
            customer("moved", "C9") | {"entity": "order"},
            '{"eventId": "broken", ',
        ],
    )
    write_lines(
        zones["raw"],
        SALES,
        [
            event("neg", "order", order("O1", amount=-5)),
            event("yen", "order", order("O2", currency="JPY")),
            event("nocontract", "campaign", {"campaignId": "K1"}),
        ],
    )
    write_lines(zones["raw"], "streams/source=crm/event_date=2026-11-30/x.json", [customer("layout", "C10")])
    result = run_job(spark, zones)
    assert result.input == 13
    assert result.processed_total == 0
    q = quarantine(spark, zones)
    assert q["bad-email"] == "schema-violation: email: not a valid email"
    assert q["long-name"] == "schema-violation: name: longer than 20"
    assert q["bad-segment"] == "schema-violation: segment: not one of retail, business"
    assert q["bad-version"] == "schema-violation: version: not a valid integer"
    assert q["naive-time"] == "schema-violation: updatedAt: not a valid date-time"
    assert q["no-email"] == "schema-violation: email: required"
    assert q["neg"] == "schema-violation: amountMinor: below minimum 0"
    assert q["yen"] == "schema-violation: currency: not one of EUR, USD, GBP"
    assert q["nocontract"] == "no-contract: sales.campaign"
    assert q["moved"] == "layout-error: record entity order under entity=customer"
    assert q["layout"] == "layout-error: expected partitions source=…/entity=…/event_date=…"
    assert q['{"eventId": "broken", '] == "unparseable-json: not a JSON object"
    missing = [r for r in spark.read.parquet(zones["quarantine"]).collect() if r.event_id is None]
    assert [r.reason for r in missing if "C8" in r.value] == ["missing-event-id"]
    assert result.quarantined == {
        "schema-violation": 8,
        "no-contract": 1,
        "layout-error": 2,
        "unparseable-json": 1,
        "missing-event-id": 1,
    }
    # The quarantine keeps the raw line and where it came from, partitioned by run date.
    rows = spark.read.parquet(zones["quarantine"]).collect()
    assert all(r.value and r.path.endswith(".json") for r in rows)
    assert {str(r.dt) for r in rows} == {"2026-12-01"}


def test_several_violations_of_one_record_are_all_named(spark, zones):
    write_lines(zones["raw"], SALES, [event("multi", "order", {"orderId": "O1", "amountMinor": "ten"})])
    run_job(spark, zones)
    reason = quarantine(spark, zones)["multi"]
    assert reason == (
        "schema-violation: customerId: required; amountMinor: not a valid integer; currency: required; "
        "placedAt: required"
    )


def hmac_hex(value):
    return hmac.new(SALT.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_pii_is_hashed_like_the_lambda_restricted_dropped_hashed_input_kept(spark, zones):
    hashed_upstream = hmac_hex("bob@example.com")
    write_lines(
        zones["raw"],
        CUSTOMERS,
        [
            customer("c1", "C1", email="ann@example.com", name="Ann", taxId="DE123"),
            customer("c2", "C2", email=hashed_upstream)
            | {"_meta": {"arrivedAt": "2026-11-30T10:00:01.000Z", "piiHashed": True}},
        ],
    )
    run_job(spark, zones)
    rows = {r.customerId: r for r in spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()}
    assert rows["C1"].email == hmac_hex("ann@example.com")
    assert rows["C1"].name == hmac_hex("Ann")
    assert rows["C2"].email == hashed_upstream  # not hashed twice
    assert "taxId" not in rows["C1"].asDict()  # restricted: never written
    assert rows["C1"].customerId == "C1"  # confidential: kept, governed by LF-tags


def test_pii_can_be_dropped_by_rule_and_hashing_needs_a_salt(spark, zones):
    write_lines(zones["raw"], CUSTOMERS, [customer("c1", "C1")])
    raw = str(zones["raw"])
    with pytest.raises(PrivacyError, match="at least 16 characters"):
        run(spark, read_raw_lines(spark, raw), raw, zones["processed"], zones["quarantine"], contracts_by_key(ALL))
    run(
        spark,
        read_raw_lines(spark, raw),
        raw,
        zones["processed"],
        zones["quarantine"],
        contracts_by_key(ALL),
        privacy_rules={"pii": "drop"},
    )
    row = spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()[0]
    assert "email" not in row.asDict() and "name" not in row.asDict()


def test_duplicates_in_a_run_keep_the_first_arrival(spark, zones):
    write_lines(
        zones["raw"],
        CUSTOMERS,
        [
            customer("c1", "C1", name="Later", arrived="2026-11-30T10:05:00.000Z"),
            customer("c1", "C1", name="First", arrived="2026-11-30T10:00:00.000Z"),
        ],
    )
    # The same domain change through EventBridge and through the stream (the change publisher's api_event).
    env = envelope("o1", "order", order("O1"))
    write_lines(zones["raw"], SALES, [event("o1", "order", order("O1")), event("o1", "order", order("O1"), attempt=2)])
    write_lines(
        zones["raw"],
        "streams/source=cdp-domain-sales/entity=api_event/event_date=2026-11-30/k.json",
        [
            {
                "eventId": "o1",
                "entity": "api_event",
                "source": "cdp-domain-sales",
                "type": "order.created",
                "timestamp": env["time"],
                "payload": env,
                "_meta": {"arrivedAt": "2026-11-30T12:00:00.500Z"},
            }
        ],
    )
    result = run_job(spark, zones)
    assert result.input == 5
    assert result.processed == {"hub.customer": 1, "sales.order": 1}
    assert result.quarantined == {"duplicate-in-run": 3}
    rows = spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()
    assert [r.name for r in rows] == [hmac_hex("First")]


def test_a_second_run_adds_new_records_and_quarantines_replays(spark, zones):
    write_lines(zones["raw"], SALES, [event("o1", "order", order("O1")), event("o2", "order", order("O2"))])
    first = run_job(spark, zones)
    assert first.processed == {"sales.order": 2}
    # Next delivery: a replay of o1 (late, new EventBridge id, arrives another day), and a new order o3.
    write_lines(
        zones["raw"],
        "events/source=cdp.domain.sales/event_date=2026-12-01/cdp-events-2.json",
        [
            event("o1", "order", order("O1"), attempt=2),
            event("o3", "order", order("O3", placed="2026-12-01T08:00:00.000Z"), time="2026-12-01T08:00:00.000Z"),
        ],
    )
    # Glue bookmarks hand the second run only the new object; here the file list is narrowed the same way.
    raw = str(zones["raw"])
    lines = read_raw_lines(spark, raw).where("path like '%cdp-events-2.json'")
    second = run_job(spark, zones, RUN2, lines=lines)
    assert second.input == 2
    assert second.processed == {"sales.order": 1}
    assert second.quarantined == {"already-processed": 1}
    orders = spark.read.parquet(f"{zones['processed']}/sales/entity=order")
    assert sorted(r.orderId for r in orders.collect()) == ["O1", "O2", "O3"]
    assert sorted(str(r.event_date) for r in orders.select("event_date").distinct().collect()) == [
        "2026-11-30",
        "2026-12-01",
    ]
    # A full re-run over everything (bookmark reset) adds nothing.
    third = run_job(spark, zones, when=RUN2)
    assert third.processed == {}
    assert third.quarantined == {"already-processed": 3, "duplicate-in-run": 1}


def test_a_remove_keeps_the_last_image_flagged(spark, zones):
    write_lines(zones["raw"], SALES, [event("d1", "order", None, change="REMOVE", previous=order("O9"))])
    run_job(spark, zones)
    row = spark.read.parquet(f"{zones['processed']}/sales/entity=order").collect()[0]
    assert (row.orderId, row.change_type) == ("O9", "REMOVE")


def test_contracts_are_checked_before_running():
    with pytest.raises(ContractError, match=r"classification.email is None"):
        contracts_by_key([{"domain": "d", "dataset": "x", "schema": {"properties": {"email": {"type": "string"}}}}])
    with pytest.raises(ContractError, match="two contracts claim sales.customer"):
        contracts_by_key(ALL + ALL[:1])


def test_the_contract_is_chosen_by_owner_and_dataset(spark, zones):
    """A hub customer (no change envelope) is checked against the hub's contract, a sales change of the same dataset
    against the sales domain's; a record no contract of its owner covers is quarantined with the key looked for."""
    sales_only = {**CUSTOMER, "schema": {**CUSTOMER["schema"], "required": ["customerId", "version"]}}
    hub_only = {**HUB_CUSTOMER, "schema": {**HUB_CUSTOMER["schema"], "required": ["customerId", "createdAt"]}}
    write_lines(zones["raw"], CUSTOMERS, [customer("hub1", "C1")])  # no version: valid for the hub's contract
    write_lines(
        zones["raw"],
        SALES,
        [
            event("sales1", "customer", {"customerId": "C2", "email": "b@example.com"}),  # no version: invalid
            event("sales2", "customer", {"customerId": "C3", "version": 1}),
        ],
    )
    write_lines(
        zones["raw"],
        "streams/source=web/entity=weblog/event_date=2026-11-30/w.json",
        [{"eventId": "w1", "entity": "weblog", "source": "web", "sessionId": "s", "_meta": {}}],
    )
    result = run_job(spark, zones, contracts=[sales_only, hub_only])
    assert result.processed == {"hub.customer": 1, "sales.customer": 1}
    q = quarantine(spark, zones)
    assert q == {"sales1": "schema-violation: version: required", "w1": "no-contract: hub.weblog"}
    hub = spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()
    sales = spark.read.parquet(f"{zones['processed']}/sales/entity=customer").collect()
    assert [(r.customerId, r.domain) for r in hub] == [("C1", "hub")]
    assert [(r.customerId, r.domain) for r in sales] == [("C3", "sales")]


def test_the_repo_contracts_cover_the_hub_record_types_as_the_lambda_writes_them(spark, zones):
    """The preprocessing Lambda's output for a hub customer, card transaction and web event (functions/preprocess,
    ``normaliseRecord``; ``segment`` is not a hub customer field and goes to ``_extra``) passes the repo's
    ``contracts/hub/`` contracts; the sales domain's change-published customer is still checked against its own."""
    from pathlib import Path

    from cdp_jobs.local_run import load_contracts

    repo_contracts = load_contracts(Path(__file__).resolve().parents[3] / "contracts")
    assert {"hub.customer", "hub.transaction", "hub.weblog", "sales.customer"} <= set(contracts_by_key(repo_contracts))
    meta = {"recordId": "r", "arrivedAt": "2026-11-02T10:00:05.000Z", "processedAt": "2026-11-02T10:00:05.000Z"}
    records = {
        "customer": {
            "customerId": "c-1",
            "email": "ana@example.com",
            "name": "Ana Silva",
            "createdAt": "2026-11-02T10:00:00.000Z",
            "_extra": {"segment": "retail"},
        },
        "transaction": {
            "transactionId": "t-1",
            "customerId": "c-1",
            "amountMinor": 1250,
            "currency": "EUR",
            "timestamp": "2026-11-02T11:00:00.000Z",
            "merchant": "Shop",
            "status": "approved",
            "paymentMethod": "card",
        },
        "weblog": {
            "sessionId": "s-1",
            "timestamp": "2026-11-02T12:00:00.000Z",
            "method": "GET",
            "url": "https://example.com/p",
            "status": 200,
            "ip": "192.0.2.1",
            "customerId": "c-1",
            "bytes": 512,
            "durationMs": 12.5,
        },
    }
    for entity, fields in records.items():
        write_lines(
            zones["raw"],
            f"streams/source=src/entity={entity}/event_date=2026-11-02/{entity}.json",
            [
                {
                    "eventId": f"{entity}-1",
                    "entity": entity,
                    "source": "src",
                    **fields,
                    "_meta": meta | {"schemaVersion": 1},
                }
            ],
        )
    # A sales change without its contract's required version is still rejected by the sales contract.
    write_lines(zones["raw"], SALES, [event("sales-1", "customer", {"customerId": "c-2", "email": "b@example.com"})])
    result = run_job(spark, zones, contracts=repo_contracts)
    assert result.processed == {"hub.customer": 1, "hub.transaction": 1, "hub.weblog": 1}
    assert quarantine(spark, zones)["sales-1"].startswith("schema-violation: ")
    assert "version: required" in quarantine(spark, zones)["sales-1"]
    tx = spark.read.parquet(f"{zones['processed']}/hub/entity=transaction").collect()[0]
    assert (tx.amountMinor, tx.currency, tx.domain, tx.source) == (1250, "EUR", "hub", "src")
    web = spark.read.parquet(f"{zones['processed']}/hub/entity=weblog").collect()[0]
    assert (web.status, web.durationMs) == (200, 12.5)
    assert web.ip == hmac_hex("192.0.2.1")  # pii: hashed like the Lambda does
    customer_row = spark.read.parquet(f"{zones['processed']}/hub/entity=customer").collect()[0]
    assert customer_row.email == hmac_hex("ana@example.com") and "segment" not in customer_row.asDict()


def test_enums_of_numbers_and_booleans_compare_values_not_texts(spark):
    from cdp_jobs.contracts import Contract, cast_value, violations

    contract = Contract.from_dict(
        {
            "domain": "sales",
            "dataset": "flags",
            "schema": {
                "properties": {
                    "active": {"type": "boolean", "enum": [True]},
                    "tier": {"type": "integer", "enum": [1, 2]},
                    "rate": {"type": "number", "enum": [0.5, 1000]},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                }
            },
            "classification": dict.fromkeys(["active", "tier", "rate", "kind"], "internal"),
        }
    )
    rows = spark.createDataFrame(
        [("ok", "true", "2", "1e3", "a"), ("bad", "false", "3", "0.25", "c")],
        "id string, active string, tier string, rate string, kind string",
    )
    rec = F.struct("active", "tier", "rate", "kind")
    typed = {p.name: cast_value(p, F.col(p.name)) for p in contract.properties}
    found = {r.id: r.v for r in rows.select("id", violations(contract, rec, typed).alias("v")).collect()}
    assert found["ok"] == []  # JSON true, 2 and 1e3 (= 1000) are members
    assert found["bad"] == [
        "active: not one of true",
        "tier: not one of 1, 2",
        "rate: not one of 0.5, 1000",
        "kind: not one of a, b",
    ]
