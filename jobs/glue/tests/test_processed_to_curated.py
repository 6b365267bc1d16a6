import glob
import logging
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import DICTIONARY_ENCODINGS, parquet_encodings, write_lines
from pyspark.sql import functions as F
from test_raw_to_processed import RUN1, SALES, customer, event, order, run_job

from cdp_jobs import processed_to_curated
from cdp_jobs.processed_to_curated import CuratedSpec, read_matches, run

AS_OF = date(2026, 12, 1)
PAYMENTS = "events/source=cdp.domain.payments/event_date=2026-11-30/p.json"
WEB = "streams/source=web/entity=weblog/event_date=2026-11-30/w.json"


def payment(pid, cid, amount, status):
    return {
        "paymentId": pid,
        "customerId": cid,
        "amountMinor": amount,
        "currency": "EUR",
        "status": status,
        "settledAt": "2026-11-26T09:00:00.000Z",
    }


def weblog(event_id, session, cid):
    return {
        "eventId": event_id,
        "entity": "weblog",
        "source": "web",
        "sessionId": session,
        "method": "GET",
        "url": "/p",
        "status": 200,
        "customerId": cid,
        "timestamp": "2026-11-30T08:00:00.000Z",
        "_meta": {"arrivedAt": "2026-11-30T08:00:01.000Z"},
    }


def at(day):
    return f"2026-{day}T12:00:00.000Z"


#: A sales order's processed columns (the contract's, as the raw job writes them), for tests that write processed data.
ORDER_COLUMNS = (
    "orderId string, customerId string, amountMinor long, currency string, placedAt timestamp, arrived_at timestamp, "
    "change_type string"
)


def write_processed(spark, processed, owner, dataset, rows, schema, event_date="2026-11-20"):
    """Rows of one producer's processed dataset, in the folder the raw job writes them to
    (``<processed>/<owner>/entity=<dataset>/event_date=<date>/``)."""
    path = Path(processed) / owner / f"entity={dataset}" / f"event_date={event_date}"
    spark.createDataFrame(rows, schema).write.mode("append").parquet(str(path))


@pytest.fixture(scope="module")
def curated(spark, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("curated")
    raw = tmp_path / "raw"
    zones = {"raw": raw, "processed": str(tmp_path / "processed"), "quarantine": str(tmp_path / "q")}
    write_lines(
        raw,
        "streams/source=crm/entity=customer/event_date=2026-11-01/c.json",
        [
            customer("c1a", "C1", name="Ann", arrived="2026-11-01T10:00:00.000Z", updatedAt=at("11-01")),
            customer("c1b", "C1", name="Ann", country="DE", arrived="2026-11-20T10:00:00.000Z", updatedAt=at("11-20")),
            customer("c2", "C2", email="bo@example.com", updatedAt=at("11-02")),
            customer("c3", "C3", email="bo.b@example.com", country="FR", updatedAt=at("11-03")),
            customer("c4", "C4", updatedAt=at("11-04")),
        ],
    )
    write_lines(
        raw,
        SALES,
        [
            event(
                "c4-del",
                "customer",
                None,
                change="REMOVE",
                previous={"customerId": "C4", "email": "d@example.com", "createdAt": at("11-01")},
                time=at("11-30"),
            ),
            event("o1", "order", order("O1", "C1", 1000, placed=at("11-10")), time=at("11-10")),
            event("o2", "order", order("O2", "C1", 3000, placed=at("11-25")), time=at("11-25")),
            event("o2-mod", "order", order("O2", "C1", 3500, placed=at("11-25")), time=at("11-26"), change="MODIFY"),
            event("o3", "order", order("O3", "C2", 500, placed=at("11-28")), time=at("11-28")),
            event("o4", "order", order("O4", "C3", 700, placed=at("11-29")), time=at("11-29")),
            event("o5", "order", order("O5", "C3", 200, "USD", placed=at("11-29")), time=at("11-29")),
            event("o6", "order", order("O6", "C5", 100, placed=at("10-01")), time=at("10-01")),
        ],
    )
    write_lines(
        raw,
        PAYMENTS,
        [
            event("p1", "payment", payment("P1", "C1", 1000, "settled"), domain="payments"),
            event("p2", "payment", payment("P2", "C1", 500, "pending"), domain="payments"),
        ],
    )
    write_lines(
        raw,
        WEB,
        [
            weblog("w1", "s1", "C1"),
            weblog("w2", "s1", "C1"),
            weblog("w3", "s2", "C1"),
            weblog("w4", "s3", "C2"),
            weblog("w5", "s4", None),
        ],
    )
    result = run_job(spark, zones, when=RUN1)
    assert result.quarantined == {}
    (tmp_path / "er").mkdir()
    (tmp_path / "er" / "part-0.csv").write_text("RecordId,MatchID,ConfidenceLevel\nC2,M1,0.9\nC3,M1,0.9\n")
    matches = read_matches(spark, str(tmp_path / "er"))
    out = str(tmp_path / "curated")
    counts = run(spark, zones["processed"], out, CuratedSpec(as_of=AS_OF), matches)
    unmatched = str(tmp_path / "curated-unmatched")
    run(spark, zones["processed"], unmatched, CuratedSpec(as_of=AS_OF))
    return out, counts, unmatched


def table(spark, root, name):
    return spark.read.parquet(f"{root}/{name}")


def test_profiles_merge_entity_resolution_matches_and_drop_removed_customers(spark, curated):
    root, counts, _ = curated
    rows = {r.profile_id: r for r in table(spark, root, "customer_profile").collect()}
    assert set(rows) == {"C1", "M1"}
    assert rows["M1"].customer_ids == ["C2", "C3"]
    assert rows["M1"].country == "FR"  # the latest non-null value across the merged records
    assert rows["C1"].country == "DE"
    assert rows["C1"].last_updated == datetime(2026, 11, 20, 12, 0)
    assert counts["customer_profile"] == 2


def test_rfm_scores_segments_and_lifetime_value_match_hand_computed_values(spark, curated):
    root, _, _ = curated
    rows = {(r.profile_id, r.currency): r for r in table(spark, root, "customer_rfm").collect()}
    c1, m1, c5 = rows[("C1", "EUR")], rows[("M1", "EUR")], rows[("C5", "EUR")]
    # C1: O1 1000 (11-10), O2 modified to 3500 (11-25): the latest version of each order counts.
    assert (c1.recency_days, c1.frequency, c1.monetary_minor) == (6, 2, 4500)
    assert (m1.recency_days, m1.frequency, m1.monetary_minor) == (2, 2, 1200)
    assert (c5.recency_days, c5.frequency, c5.monetary_minor) == (61, 1, 100)
    # Scores 1 + floor(5 × percent_rank) within the currency; C1 and M1 tie on frequency.
    assert (c1.r_score, c1.f_score, c1.m_score) == (3, 3, 5)
    assert (m1.r_score, m1.f_score, m1.m_score) == (5, 3, 3)
    assert (c5.r_score, c5.f_score, c5.m_score) == (1, 1, 1)
    assert (c1.rfm_segment, m1.rfm_segment, c5.rfm_segment) == ("loyal", "loyal", "lost")
    # LTV: avg order × orders per year (tenure at least 30 days) × 3 years.
    assert c1.predicted_ltv_minor == 2250 * 73  # 2250 × (2 × 365 / 30) × 3
    assert m1.predicted_ltv_minor == 600 * 73
    assert c5.predicted_ltv_minor == round(100 * 365 / 62 * 3)  # tenure 10-01 … 12-01 = 62 days
    assert rows[("M1", "USD")].monetary_minor == 200


def test_daily_aggregates_and_customer_360(spark, curated):
    root, _, _ = curated
    daily = {(r.profile_id, str(r.dt), r.currency, r.dataset): r for r in table(spark, root, "daily_spend").collect()}
    assert daily[("C1", "2026-11-25", "EUR", "order")].amount_minor == 3500
    assert daily[("M1", "2026-11-29", "EUR", "order")].transactions == 1
    assert daily[("C1", "2026-11-26", "EUR", "payment")].amount_minor == 1000  # settled only
    revenue = {(str(r.dt), r.currency, r.dataset): r for r in table(spark, root, "daily_revenue").collect()}
    assert (
        revenue[("2026-11-29", "EUR", "order")].amount_minor,
        revenue[("2026-11-29", "USD", "order")].amount_minor,
    ) == (700, 200)
    c360 = {r.profile_id: r for r in table(spark, root, "customer_360").collect()}
    assert c360["C1"].main_currency == "EUR" and c360["C1"].monetary_minor == 4500
    assert c360["C1"].settled_minor == {"EUR": 1000}
    assert (c360["C1"].web_sessions, c360["C1"].page_views) == (2, 3)
    assert (c360["M1"].main_currency, c360["M1"].web_sessions) == ("EUR", 1)
    segments = {(r.rfm_segment, r.currency): r for r in table(spark, root, "segment_summary").collect()}
    assert segments[("loyal", "EUR")].customers == 2 and segments[("loyal", "EUR")].revenue_minor == 5700
    # Reportable aggregates hold no personal data.
    assert not {"email", "name", "customer_id"} & set(table(spark, root, "daily_revenue").columns)


def test_match_output_must_name_its_columns(spark, tmp_path):
    (tmp_path / "er").mkdir()
    (tmp_path / "er" / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="MatchID"):
        read_matches(spark, str(tmp_path / "er"))


def test_matches_come_from_the_latest_run_of_each_workflow_and_none_yet_is_no_matches(spark, tmp_path):
    """Entity Resolution writes each run to <job id>/success (and error): only each workflow's latest run counts."""
    root = tmp_path / "entity-resolution"

    def run_output(domain, job, header, rows, mtime, folder="success"):
        d = root / domain / "matching" / job / folder
        d.mkdir(parents=True, exist_ok=True)
        f = d / "part-00000.csv"
        f.write_text("\n".join([header, *rows]) + "\n")
        os.utime(f, (mtime, mtime))

    run_output("crm", "a" * 32, "customerid,email,MatchID,MatchRule", ["C1,x,M-old,r", "C2,y,M-old,r"], 1_000)
    # The newer run (its own column order), its error output and Spark-style markers.
    run_output("crm", "b" * 32, "MatchID,customerid,MatchRule", ["M-new,C1,r", "M-new,C3,r"], 2_000)
    run_output("crm", "b" * 32, "customerid,error", ["C9,UniqueId is repeated"], 2_000, folder="error")
    (root / "crm" / "matching" / ("b" * 32) / "success" / "_SUCCESS").write_text("")
    # Another domain's workflow, keyed by its own id column; C3 is in both: the smaller match id, on every rerun.
    run_output("shop", "c" * 32, "clientno,MatchID", ["K1,M-shop", "C3,M-a"], 1_500)
    matches = read_matches(spark, str(root), ["customerId", "clientNo"])
    assert sorted(tuple(r) for r in matches.collect()) == [("C1", "M-new"), ("C3", "M-a"), ("K1", "M-shop")]
    assert read_matches(spark, str(tmp_path / "absent")) is None
    (tmp_path / "empty").mkdir()
    assert read_matches(spark, str(tmp_path / "empty")) is None


def test_without_matches_every_customer_is_its_own_profile(spark, curated):
    _, _, root = curated
    rows = {r.profile_id: r for r in table(spark, root, "customer_profile").collect()}
    assert set(rows) == {"C1", "C2", "C3"}  # C4 removed
    assert rows["C1"].customer_ids == ["C1"]
    assert rows["C1"].country == "DE"  # the latest version
    assert rows["C1"].first_seen == datetime(2026, 11, 30, 10, 0)  # createdAt of the first version
    assert rows["C1"].last_updated == datetime(2026, 11, 20, 12, 0)
    assert rows["C3"].country == "FR"
    c360 = {r.profile_id: r for r in table(spark, root, "customer_360").collect()}
    assert (c360["C2"].web_sessions, c360["C2"].page_views, c360["C2"].web_active_days) == (1, 1, 1)
    assert (c360["C3"].web_sessions, c360["C3"].main_currency) == (None, "EUR")
    rfm = {(r.profile_id, r.currency): r for r in table(spark, root, "customer_rfm").collect()}
    assert (rfm[("C2", "EUR")].frequency, rfm[("C3", "USD")].monetary_minor) == (1, 200)
    revenue = {(str(r.dt), r.currency, r.dataset): r for r in table(spark, root, "daily_revenue").collect()}
    assert (revenue[("2026-11-29", "EUR", "order")].customers, revenue[("2026-11-25", "EUR", "order")].customers) == (
        1,
        1,
    )


def test_every_output_is_submitted_once():
    assert sorted(processed_to_curated.WRITE_ORDER) == sorted(processed_to_curated.OUTPUTS)


def _rows(df):
    """A DataFrame's rows in a comparable order (maps as dicts: set operations do not take map columns)."""
    return sorted((r.asDict(recursive=True) for r in df.collect()), key=repr)


def test_small_outputs_are_written_by_one_task_and_bigger_ones_rebalanced_with_the_same_rows(spark, curated, tmp_path):
    """Within spark.sql.adaptive.advisoryPartitionSizeInBytes an output is written by one task from its rows as they
    are (no shuffle: one file per day); above it, rebalanced by dt. Either way the job writes the same rows."""
    df = spark.range(3000).select("id", F.date_add(F.lit(AS_OF), (F.col("id") % 3).cast("int")).alias("dt"))
    assert processed_to_curated.one_write_task(df)
    small = processed_to_curated.shaped_for_write(df)
    assert "Exchange" not in small._jdf.queryExecution().executedPlan().toString()
    processed_to_curated.write_output(small, str(tmp_path / "small"))
    assert sorted(len(glob.glob(f"{d}/*.parquet")) for d in glob.glob(str(tmp_path / "small" / "dt=*"))) == [1, 1, 1]

    _, _, unmatched = curated
    for name in processed_to_curated.OUTPUTS:
        for day in glob.glob(f"{unmatched}/{name}/dt=*"):
            assert len(glob.glob(f"{day}/*.parquet")) == 1, day

    spark.conf.set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "1k")
    try:
        assert not processed_to_curated.one_write_task(df)
        plan = processed_to_curated.shaped_for_write(df)._jdf.queryExecution().executedPlan().toString()
        assert "REBALANCE_PARTITIONS_BY_COL" in plan
        rebalanced = str(tmp_path / "rebalanced")
        counts = run(spark, str(Path(unmatched).parent / "processed"), rebalanced, CuratedSpec(as_of=AS_OF))
        assert counts == {n: table(spark, unmatched, n).count() for n in processed_to_curated.OUTPUTS}
    finally:
        spark.conf.unset("spark.sql.adaptive.advisoryPartitionSizeInBytes")
    for name in processed_to_curated.OUTPUTS:
        assert _rows(table(spark, rebalanced, name)) == _rows(table(spark, unmatched, name)), name


def test_curated_outputs_keep_dictionaries_for_low_cardinality_columns_only(spark, tmp_path):
    """Written as the job writes an output, 500 transactions of one day in one file: the categorical columns
    dictionary-encoded, the identifiers, amounts and times plain (where the default would try a dictionary on each)."""
    rows = [
        (f"C{i % 50}", "order", f"O{i:05d}", "spend", 100 + i, ["EUR", "USD"][i % 2], datetime(2026, 11, 1, 0, i % 60))
        for i in range(500)
    ]
    df = spark.createDataFrame(
        rows,
        "customer_id string, dataset string, transaction_id string, kind string, amount_minor long, "
        "currency string, ts timestamp",
    ).select("*", F.col("customer_id").alias("profile_id"), F.to_date("ts").alias("dt"))
    processed_to_curated.write_output(df.coalesce(1), str(tmp_path / "t"))
    encodings = parquet_encodings(spark, glob.glob(str(tmp_path / "t" / "dt=2026-11-01" / "*.parquet"))[0])
    for column in ("currency", "dataset", "kind"):
        assert encodings[column] & DICTIONARY_ENCODINGS, (column, encodings[column])
    for column in ("transaction_id", "customer_id", "profile_id", "amount_minor", "ts"):
        assert not encodings[column] & DICTIONARY_ENCODINGS, (column, encodings[column])


def test_settled_payments_are_keyed_by_currency_in_order_and_skip_a_missing_currency(spark):
    before, after = date(2026, 11, 30), date(2026, 12, 2)
    daily = spark.createDataFrame(
        [
            ("P1", "USD", "payment", 300, before),
            ("P1", "EUR", "payment", 100, before),
            ("P1", "GBP", "payment", 200, AS_OF),
            ("P1", "EUR", "payment", 50, before),
            ("P1", "EUR", "payment", 7000, after),  # after the as-of date: not in that day's view
            ("P1", "EUR", "spend", 999, before),
            ("P2", None, "payment", 70, before),
            ("P2", "USD", "payment", 10, before),
        ],
        "profile_id string, currency string, kind string, amount_minor long, dt date",
    ).coalesce(1)
    rows = {
        r.profile_id: r
        for r in processed_to_curated.settled_payments(daily, AS_OF)
        .select("profile_id", F.map_keys("settled_minor").alias("keys"), "settled_minor")
        .collect()
    }
    # The same entries in the same order on every run, whatever order the rows arrive in.
    assert rows["P1"].keys == ["EUR", "GBP", "USD"]
    assert rows["P1"].settled_minor == {"EUR": 150, "GBP": 200, "USD": 300}
    # A null map key would fail the whole job; a payment without a currency has no entry.
    assert rows["P2"].settled_minor == {"USD": 10}


def test_a_spec_maps_other_datasets_and_columns(spark, tmp_path, caplog):
    """A domain's own datasets and column names (``--spec``, from cdp:processing.curated) feed the same outputs."""
    processed = tmp_path / "processed"
    arrived = datetime(2026, 11, 20, 10, 0)
    write_processed(
        spark,
        processed,
        "crm",
        "client",
        [("K1", "k1@example.com", "gold", "DE", datetime(2026, 1, 5), arrived, "INSERT")],
        "clientNo string, emailAddress string, tier string, country string, since timestamp, arrived_at timestamp, "
        "change_type string",
    )
    write_processed(
        spark,
        processed,
        "shop",
        "purchase",
        [
            ("X1", "K1", 700, "EUR", datetime(2026, 11, 20, 9, 0), arrived, "INSERT"),
            ("X2", "K1", 300, "EUR", datetime(2026, 11, 22, 9, 0), arrived, "INSERT"),
        ],
        "purchaseRef string, buyer string, totalCents long, ccy string, boughtAt timestamp, arrived_at timestamp, "
        "change_type string",
    )
    spec = processed_to_curated.spec_from_json(
        {
            "customers": [
                {
                    "dataset": "client",
                    "id_column": "clientNo",
                    "created_column": "since",
                    "attribute_columns": {"email": "emailAddress", "segment": "tier"},
                }
            ],
            "transactions": [
                {
                    "dataset": "shop.purchase",
                    "id_column": "purchaseRef",
                    "time_column": "boughtAt",
                    "customer_column": "buyer",
                    "amount_column": "totalCents",
                    "currency_column": "ccy",
                }
            ],
            "web": [{"dataset": "clicks"}, {"dataset": "weblog"}],
            "ltv_horizon_years": 1,
        },
        AS_OF,
    )
    out = str(tmp_path / "curated")
    with caplog.at_level("INFO", logger="cdp_jobs.processed_to_curated"):
        counts = run(spark, str(processed), out, spec)
    # A configured source without data is a warning (a misspelt name?); a default one without a producer only noted.
    absent = {r.getMessage().split()[4]: r.levelname for r in caplog.records if "no processed data" in r.getMessage()}
    assert absent == {"clicks": "WARNING", "weblog": "INFO"}
    assert (counts["customer_profile"], counts["transactions"], counts["customer_rfm"]) == (1, 2, 1)
    rfm = table(spark, out, "customer_rfm").collect()[0]
    assert (rfm.profile_id, rfm.frequency, rfm.monetary_minor, rfm.currency) == ("K1", 2, 1000, "EUR")
    # One year of the customer's pace: 2 purchases of 500 over 30 days (the minimum tenure) → 2 × 365 / 30 × 500.
    assert rfm.predicted_ltv_minor == round(500 * 2 * 365 / 30)
    profile = table(spark, out, "customer_profile").collect()[0]
    # Mapped attributes from the source's own columns, the others by their name (none here: null).
    assert (profile.email, profile.segment, profile.country, profile.name) == ("k1@example.com", "gold", "DE", None)
    assert profile.first_seen == datetime(2026, 1, 5)
    assert table(spark, out, "customer_360").collect()[0].segment == "gold"
    assert {r.dataset for r in table(spark, out, "transactions").collect()} == {"shop.purchase"}


def test_a_spec_without_sources_keeps_the_defaults_and_bad_specs_name_every_key():
    default = processed_to_curated.spec_from_json({}, AS_OF)
    assert default == CuratedSpec(as_of=AS_OF)
    with pytest.raises(processed_to_curated.SpecError) as e:
        processed_to_curated.spec_from_json(
            {
                "transactions": [
                    {"dataset": "order", "id_column": "orderId", "kind": "refund", "statuses": ["ok"]},
                    {"dataset": "order", "id_column": "order.id", "time_column": "placedAt"},
                ],
                "customers": [],
                "web": [{"dataset": "weblog", "attributes": ["x"]}, {"dataset": "entity=*"}],
                "ltv_horizon_years": 0,
                "matches": "x",
            },
            AS_OF,
        )
    message = str(e.value)
    for expected in (
        'transactions[0].kind = "refund": expected one of spend, payment',
        'transactions[1].id_column = "order.id": expected a column name',
        "transactions[0].time_column = null: expected a value (required)",
        'transactions[0].statuses = ["ok"]: expected statuses and status_column given together',
        "customers = []: expected a non-empty list",
        'web[0].attributes = ["x"]: expected one of the keys dataset, customer_column, session_column, time_column',
        "ltv_horizon_years = 0: expected a number of years above 0",
        'web[1].dataset = "entity=*": expected a contract\'s dataset',
        'matches = "x": expected one of the keys customers, transactions, web, ltv_horizon_years',
    ):
        assert expected in message
    with pytest.raises(processed_to_curated.SpecError) as e:
        processed_to_curated.spec_from_json(
            {
                "customers": [
                    {"dataset": "client", "attribute_columns": {"phone": "tel", "email": "e.mail"}},
                    {"dataset": "client", "attribute_columns": ["email"]},
                ]
            },
            AS_OF,
        )
    message = str(e.value)
    for expected in (
        'customers[0].attribute_columns.phone = "tel": expected a profile attribute: email, name, segment, country',
        'customers[0].attribute_columns.email = "e.mail": expected a column name',
        'customers[1].attribute_columns = ["email"]: expected an object of profile attributes',
    ):
        assert expected in message
    with pytest.raises(processed_to_curated.SpecError, match="expected a JSON object"):
        processed_to_curated.spec_from_json(["x"], AS_OF)


def test_a_rerun_removes_the_partitions_it_has_no_rows_for_and_keeps_older_history(spark, tmp_path):
    """Dynamic overwrite replaces only the partitions a run writes: a day whose every transaction was removed, and an
    as-of partition a rerun has no rows for, are deleted; days before the processed zone's first event date stay."""
    processed, out = tmp_path / "processed", str(tmp_path / "curated")
    schema = ORDER_COLUMNS

    def orders(event_date, rows):
        path = processed / "sales" / "entity=order" / f"event_date={event_date}"
        spark.createDataFrame(rows, schema).write.mode("append").parquet(str(path))

    write_processed(
        spark,
        processed,
        "hub",
        "customer",
        [("K1", datetime(2026, 11, 1, 9), datetime(2026, 11, 1, 9), "INSERT")],
        "customerId string, createdAt timestamp, arrived_at timestamp, change_type string",
        event_date="2026-11-01",
    )
    o1 = ("O1", "K1", 700, "EUR", datetime(2026, 11, 10, 9), datetime(2026, 11, 10, 9, 1))
    o2 = ("O2", "K1", 300, "EUR", datetime(2026, 11, 20, 9), datetime(2026, 11, 20, 9, 1))
    orders("2026-11-10", [(*o1, "INSERT")])
    orders("2026-11-20", [(*o2, "INSERT")])
    # History from before the processed zone's first event date (its retention expired those facts): kept.
    old = str(tmp_path / "curated" / "transactions" / "dt=2026-01-05")
    spark.createDataFrame([("X",)], "transaction_id string").write.parquet(old)

    def dts(name):
        return sorted(p.name for p in (tmp_path / "curated" / name).glob("dt=*"))

    run(spark, str(processed), out, CuratedSpec(as_of=date(2026, 11, 30)))
    run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    assert dts("transactions") == ["dt=2026-01-05", "dt=2026-11-10", "dt=2026-11-20"]
    assert dts("customer_rfm") == ["dt=2026-11-30", "dt=2026-12-01"]

    # O1, the only transaction of 11-10, is removed: that day goes from every output by fact day.
    orders("2026-11-25", [(*o1[:5], datetime(2026, 11, 25, 9), "REMOVE")])
    counts = run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    assert counts["transactions"] == 1
    for name in processed_to_curated.FACT_OUTPUTS:
        assert "dt=2026-11-10" not in dts(name) and "dt=2026-11-20" in dts(name), name
    assert "dt=2026-01-05" in dts("transactions")
    assert dts("daily_spend") == dts("daily_revenue") == [d for d in dts("transactions") if d != "dt=2026-01-05"]
    rows = table(spark, out, "daily_spend").where("dt >= '2026-11-01'").collect()
    assert [(str(r.dt), r.amount_minor) for r in rows] == [("2026-11-20", 300)]

    # O2 removed as well: no spend as of 12-01, so the rerun's empty RFM replaces that day's snapshot (11-30's stays).
    orders("2026-11-26", [(*o2[:5], datetime(2026, 11, 26, 9), "REMOVE")])
    counts = run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    assert (counts["customer_rfm"], counts["segment_summary"]) == (0, 0)
    assert dts("customer_rfm") == dts("segment_summary") == ["dt=2026-11-30"]
    assert dts("customer_profile") == ["dt=2026-11-30", "dt=2026-12-01"]  # the customer is still there
    assert dts("transactions") == ["dt=2026-01-05"]


def test_a_rerun_rewrites_only_the_fact_days_whose_rows_changed(spark, tmp_path):
    """Days of the outputs by fact day are rewritten only when their rows differ from the folder's: new or removed
    facts, facts moved to another profile by new matches, a day missing from the folder. The others' files stay as
    they are (no new object version under Object Lock), and the outputs equal a run into an empty folder."""
    processed, out = tmp_path / "processed", str(tmp_path / "curated")
    customers = [
        ("K1", datetime(2026, 11, 1, 9), datetime(2026, 11, 1, 9), "INSERT"),
        ("K2", datetime(2026, 11, 1, 9), datetime(2026, 11, 1, 9), "INSERT"),
    ]
    write_processed(
        spark,
        processed,
        "hub",
        "customer",
        customers,
        "customerId string, createdAt timestamp, arrived_at timestamp, change_type string",
        event_date="2026-11-01",
    )

    def orders(event_date, rows):
        write_processed(spark, processed, "sales", "order", rows, ORDER_COLUMNS, event_date=event_date)

    def order(oid, customer, amount, day, change="INSERT", arrived=None):
        arrival = datetime(2026, 11, arrived or day, 9, 1)
        return (oid, customer, amount, "EUR", datetime(2026, 11, day, 9), arrival, change)

    orders("2026-11-10", [order("O1", "K1", 700, 10)])
    orders("2026-11-12", [order("O2", "K2", 300, 12)])
    orders("2026-11-14", [order("O3", "K1", 100, 14)])

    def files():
        """Each fact output's day → its files and their modification times."""
        found = {}
        for name in processed_to_curated.FACT_OUTPUTS:
            for day in sorted((tmp_path / "curated" / name).glob("dt=*")):
                found[(name, day.name)] = sorted((f.name, f.stat().st_mtime_ns) for f in day.glob("*.parquet"))
        return found

    def rewritten(before, after):
        return sorted({day for (name, day) in after if after[(name, day)] != before.get((name, day))})

    def same_as_fresh(matches=None):
        fresh = str(tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}")
        run(spark, str(processed), fresh, CuratedSpec(as_of=AS_OF), matches)
        for name in processed_to_curated.OUTPUTS:
            cols = table(spark, fresh, name).columns
            got = sorted(table(spark, out, name).select(*cols).collect(), key=str)
            assert got == sorted(table(spark, fresh, name).collect(), key=str), name

    first = run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    before = files()
    assert rewritten({}, before) == ["dt=2026-11-10", "dt=2026-11-12", "dt=2026-11-14"]

    # The same data again: no day is rewritten, and the counts are those of the whole outputs.
    assert run(spark, str(processed), out, CuratedSpec(as_of=AS_OF)) == first
    assert files() == before

    # A new order on 11-12 and O3 removed (its day, 11-14, goes): only 11-12 is rewritten, 11-10 stays as it was.
    orders("2026-11-20", [order("O4", "K2", 50, 12, arrived=20), order("O3", "K1", 100, 14, "REMOVE", arrived=20)])
    counts = run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    after = files()
    assert rewritten(before, after) == ["dt=2026-11-12"]
    assert {day for (_, day) in after} == {"dt=2026-11-10", "dt=2026-11-12"}
    assert counts["transactions"] == 3 and counts["daily_revenue"] == 2
    same_as_fresh()

    # New matches merge K2 into K1's profile: the days of K2's facts move to that profile and are rewritten.
    matches = spark.createDataFrame([("K1", "M1"), ("K2", "M1")], "recordId string, matchId string")
    before = after
    run(spark, str(processed), out, CuratedSpec(as_of=AS_OF), matches)
    after = files()
    assert rewritten(before, after) == ["dt=2026-11-10", "dt=2026-11-12"]
    same_as_fresh(matches)

    # A day deleted from the folder by hand is written again; the others stay.
    before = after
    shutil.rmtree(tmp_path / "curated" / "daily_spend" / "dt=2026-11-10")
    run(spark, str(processed), out, CuratedSpec(as_of=AS_OF), matches)
    after = files()
    assert rewritten(before, after) == ["dt=2026-11-10"]
    assert [k for k in after if after[k] != before.get(k)] == [("daily_spend", "dt=2026-11-10")]


def test_fact_days_whose_files_cannot_be_compared_are_written_again(spark, tmp_path, caplog):
    """Files of an earlier release without a column the output now has, or whose types do not merge: those days are
    written again, and the comparison never fails the run."""
    processed = tmp_path / "processed"
    o1 = ("O1", "K1", 700, "EUR", datetime(2026, 11, 10, 9), datetime(2026, 11, 10, 9, 1), "INSERT")
    o2 = ("O2", "K1", 300, "EUR", datetime(2026, 11, 12, 9), datetime(2026, 11, 12, 9, 1), "INSERT")
    write_processed(spark, processed, "sales", "order", [o1], ORDER_COLUMNS, event_date="2026-11-10")
    write_processed(spark, processed, "sales", "order", [o2], ORDER_COLUMNS, event_date="2026-11-12")
    columns = "customer_id string, dataset string, transaction_id string, kind string, amount_minor {}"

    def stored(out, day, row, amount_type):
        path = tmp_path / out / "transactions" / f"dt={day}"
        spark.createDataFrame([row], columns.format(amount_type)).write.parquet(str(path))

    # A column missing (currency, ts, profile_id).
    stored("a", "2026-11-10", ("K1", "order", "O1", "spend", 700), "long")
    # Types that do not merge: amount_minor a number on one day, text on the other.
    stored("b", "2026-11-10", ("K1", "order", "O1", "spend", 700), "long")
    stored("b", "2026-11-12", ("K1", "order", "O2", "spend", "300"), "string")
    for out in ("a", "b"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="cdp_jobs.processed_to_curated"):
            counts = run(spark, str(processed), str(tmp_path / out), CuratedSpec(as_of=AS_OF))
        assert counts["transactions"] == 2
        rows = table(spark, str(tmp_path / out), "transactions").collect()
        assert sorted((r.transaction_id, r.amount_minor, r.currency, r.profile_id) for r in rows) == [
            ("O1", 700, "EUR", "K1"),
            ("O2", 300, "EUR", "K1"),
        ]
        expected = "lack columns" if out == "a" else "cannot be compared"
        assert any(expected in r.getMessage() for r in caplog.records), out

    # Rows Spark cannot hash (a map column): no comparison, the output is written whole.
    mapped = spark.createDataFrame([(date(2026, 11, 10), {"k": 1})], "dt date, m map<string,int>")
    mapped.write.partitionBy("dt").parquet(str(tmp_path / "m"))
    assert processed_to_curated.changed_days(spark, mapped, str(tmp_path / "m")) is None


def test_a_processed_zone_without_data_or_without_customers_is_a_run_not_a_failure(spark, tmp_path, caplog):
    """A new stack's first scheduled run (nothing processed yet), and a stack whose domains publish no customers."""
    out = str(tmp_path / "curated")
    with caplog.at_level("WARNING", logger="cdp_jobs.processed_to_curated"):
        counts = run(spark, str(tmp_path / "processed"), out, CuratedSpec(as_of=AS_OF))
    assert counts == dict.fromkeys(processed_to_curated.OUTPUTS, 0)
    assert any("no customer data" in r.getMessage() for r in caplog.records)
    arrived = datetime(2026, 11, 20, 10, 0)
    write_processed(
        spark,
        tmp_path / "processed",
        "sales",
        "order",
        [("O1", "C1", 700, "EUR", arrived, arrived, "INSERT")],
        ORDER_COLUMNS,
    )
    counts = run(spark, str(tmp_path / "processed"), out, CuratedSpec(as_of=AS_OF))
    # The facts and what is computed from them; no profiles, so no profile or 360 rows.
    assert (counts["transactions"], counts["daily_spend"], counts["customer_rfm"]) == (1, 1, 1)
    assert (counts["customer_profile"], counts["customer_360"]) == (0, 0)
    assert table(spark, out, "customer_rfm").collect()[0].monetary_minor == 700


def test_configured_columns_the_data_lacks_are_named_before_any_spark_job(spark, tmp_path):
    arrived = datetime(2026, 11, 20, 10, 0)
    write_processed(
        spark,
        tmp_path / "processed",
        "shop",
        "purchase",
        [("X1", "K1", 700, arrived, arrived, "INSERT")],
        "purchaseRef string, Buyer string, totalCents long, boughtAt timestamp, arrived_at timestamp, "
        "change_type string",
    )
    spec = processed_to_curated.spec_from_json(
        {
            "transactions": [
                {
                    "dataset": "purchase",
                    "id_column": "purchaseRef",
                    "time_column": "boughtAt",
                    "customer_column": "buyer",  # another case: Spark resolves it
                    "amount_column": "totalCents",
                    "currency_column": "ccy",
                    "status_column": "state",
                    "statuses": ["paid"],
                }
            ]
        },
        AS_OF,
    )
    with pytest.raises(processed_to_curated.SourceColumnsError) as e:
        run(spark, str(tmp_path / "processed"), str(tmp_path / "curated"), spec)
    assert (
        "transactions[0] (purchase): no column ccy, state in the processed data of shop.purchase (it has Buyer, "
        in (str(e.value))
    )
    assert not (tmp_path / "curated").exists()


def test_each_producer_of_a_dataset_must_have_the_columns_its_rows_are_read_by(spark, tmp_path):
    """The default transaction source reads every producer's ``transaction``. A domain whose ``transaction`` names its
    columns otherwise fails the run by name: united with the hub's rows, its null ids would merge into one."""
    arrived = datetime(2026, 11, 20, 10, 0)
    write_processed(
        spark,
        tmp_path / "processed",
        "hub",
        "transaction",
        [("T1", "C1", 100, "EUR", arrived, arrived, "INSERT")],
        "transactionId string, customerId string, amountMinor long, currency string, timestamp timestamp, "
        "arrived_at timestamp, change_type string",
    )
    write_processed(
        spark,
        tmp_path / "processed",
        "cards",
        "transaction",
        [("X1", "C1", 100, "EUR", arrived, arrived, "INSERT"), ("X2", "C2", 200, "EUR", arrived, arrived, "INSERT")],
        "txnRef string, customerId string, amountMinor long, currency string, timestamp timestamp, "
        "arrived_at timestamp, change_type string",
    )
    with pytest.raises(processed_to_curated.SourceColumnsError) as e:
        run(spark, str(tmp_path / "processed"), str(tmp_path / "curated"), CuratedSpec(as_of=AS_OF))
    message = str(e.value)
    assert (
        "transactions[1] (transaction): no column transactionId in the processed data of cards.transaction" in message
    )
    assert "one source per producer (cards.transaction, hub.transaction) can name its own columns" in message
    assert "hub.transaction (" not in message  # the hub's has them


def test_rfm_as_of_an_earlier_date_sees_no_later_purchase_and_no_anonymous_one(spark, tmp_path):
    """A backfill (--as_of in the past): recency, frequency, value and lifetime value from what that day knew; the
    later purchase is still a fact of its own day. An order without a customer is no profile to score."""
    arrived = datetime(2026, 12, 10, 10, 0)
    write_processed(
        spark,
        tmp_path / "processed",
        "sales",
        "order",
        [
            ("O1", "C1", 700, "EUR", datetime(2026, 11, 20, 9, 0), arrived, "INSERT"),
            ("O2", "C1", 300, "EUR", datetime(2026, 12, 5, 9, 0), arrived, "INSERT"),
            # An anonymous order: a fact of its day, not a profile of its own in the RFM.
            ("O3", None, 900, "EUR", datetime(2026, 11, 21, 9, 0), arrived, "INSERT"),
        ],
        ORDER_COLUMNS,
    )
    out = str(tmp_path / "curated")
    counts = run(spark, str(tmp_path / "processed"), out, CuratedSpec(as_of=AS_OF))
    assert (counts["transactions"], counts["customer_rfm"]) == (3, 1)
    assert table(spark, out, "segment_summary").collect()[0].customers == 1
    rfm = table(spark, out, "customer_rfm").collect()[0]
    assert (rfm.frequency, rfm.monetary_minor, rfm.recency_days) == (1, 700, 11)
    assert {str(r.dt) for r in table(spark, out, "daily_spend").collect()} == {"2026-11-20", "2026-11-21", "2026-12-05"}


def test_web_activity_counts_page_views_without_a_session_id_but_not_as_a_session(spark):
    at = datetime(2026, 11, 30, 8, 0)
    web = spark.createDataFrame(
        [
            ("C1", "s1", at),
            ("C1", "s1", at),
            ("C1", None, at),
            ("C1", None, datetime(2026, 11, 29, 8, 0)),
            ("C2", None, at),
        ],
        "customerId string, sessionId string, timestamp timestamp",
    )
    rows = {
        r.profile_id: r
        for r in processed_to_curated.web_activity({"weblog": web}, CuratedSpec(as_of=AS_OF), None).collect()
    }
    assert (rows["C1"].web_sessions, rows["C1"].page_views, rows["C1"].web_active_days) == (1, 4, 2)
    assert (rows["C2"].web_sessions, rows["C2"].page_views) == (0, 1)


def test_web_activity_counts_distinct_sessions_and_days_per_profile_across_sources_and_merged_customers(spark):
    """Hand-computed: a session spanning midnight is one session on two days; a view without a time counts as a view
    and its session, on no day; C3 merged into C1's profile shares C1's session s1; a session id of another source is
    another session."""

    def t(day, hour=8, minute=0):
        return datetime(2026, 11, day, hour, minute)

    schema = "customerId string, sessionId string, timestamp timestamp"
    web = spark.createDataFrame(
        [
            ("C1", "s1", t(30)),
            ("C1", "s1", t(30, 8, 5)),
            ("C1", "s2", t(29, 23, 50)),
            ("C1", "s2", t(30, 0, 10)),
            ("C1", None, t(30)),
            ("C1", None, t(29)),
            ("C1", "s3", None),
            ("C3", "s1", t(28)),
            ("C2", None, t(30)),
        ],
        schema,
    )
    app = spark.createDataFrame([("C2", "s1", t(27))], schema)
    id_map = spark.createDataFrame([("C1", "P1"), ("C3", "P1")], "customer_id string, profile_id string")
    spec = CuratedSpec(as_of=AS_OF, web=(processed_to_curated.WebSource(), processed_to_curated.WebSource("app")))
    rows = {
        r.profile_id: (r.web_sessions, r.page_views, r.web_active_days, r.last_seen_web)
        for r in processed_to_curated.web_activity({"weblog": web, "app": app}, spec, id_map).collect()
    }
    assert rows == {"P1": (3, 8, 3, t(30, 8, 5)), "C2": (1, 2, 2, t(30))}


def test_a_column_a_contract_added_later_is_read_from_the_files_that_have_it(spark, tmp_path):
    """Schema evolution: the processed files written before a contract gained a property have no column for it; the
    dataset is read with every file's columns (merged), not with one file's."""
    processed = tmp_path / "processed"
    old, new = datetime(2026, 11, 1, 10, 0), datetime(2026, 11, 20, 10, 0)
    write_processed(
        spark,
        processed,
        "hub",
        "customer",
        [("C1", "a@example.com", old, "INSERT")],
        "customerId string, email string, arrived_at timestamp, change_type string",
        event_date="2026-11-01",
    )
    write_processed(
        spark,
        processed,
        "hub",
        "customer",
        [("C1", "a@example.com", "gold", new, "UPDATE")],
        "customerId string, email string, segment string, arrived_at timestamp, change_type string",
    )
    out = str(tmp_path / "curated")
    run(spark, str(processed), out, CuratedSpec(as_of=AS_OF))
    profile = table(spark, out, "customer_profile").collect()[0]
    assert (profile.profile_id, profile.segment) == ("C1", "gold")
