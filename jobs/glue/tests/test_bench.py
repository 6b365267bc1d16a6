"""The benchmark's curated floor copies its whole input: every dataset, row and column (bench.py)."""

from __future__ import annotations

import os

from test_processed_to_curated import write_processed

import bench

CUSTOMERS = (
    [("c1", "a@example.com", "2026-11-20T10:00:00Z"), ("c2", "b@example.com", "2026-11-20T11:00:00Z")],
    "customerId string, email string, createdAt string",
)
WEBLOGS = (
    [
        ("c1", "s1", "/home", "2026-11-20T10:00:00Z"),
        ("c1", "s1", "/cart", "2026-11-20T10:01:00Z"),
        (None, "s2", "/", None),
    ],
    "customerId string, sessionId string, url string, timestamp string",
)


def _zone(spark, tmp_path) -> str:
    """A processed zone whose hub folder holds two datasets of different columns, as the benchmark's does."""
    processed = str(tmp_path / "processed")
    write_processed(spark, processed, "hub", "customer", *CUSTOMERS)
    write_processed(spark, processed, "hub", "weblog", *WEBLOGS, event_date="2026-11-21")
    write_processed(spark, processed, "sales", "order", [("o1", 1200)], "orderId string, amountMinor long")
    return processed


def test_the_curated_floor_copies_every_dataset_with_its_own_columns(spark, tmp_path):
    processed = _zone(spark, tmp_path)
    out = str(tmp_path / "floor")

    bench.floor_curated(spark, processed, out)

    assert bench.processed_datasets(processed) == ["hub/entity=customer", "hub/entity=weblog", "sales/entity=order"]
    web = spark.read.parquet(os.path.join(out, "hub", "entity=weblog"))
    assert {"sessionId", "url", "timestamp", "event_date"} <= set(web.columns)
    assert sorted(r.url for r in web.collect()) == ["/", "/cart", "/home"]
    assert bench.floor_copy_problems(spark, processed, out) == []


def test_a_copy_per_owner_folder_is_reported_as_incomplete(spark, tmp_path):
    processed = _zone(spark, tmp_path)
    out = str(tmp_path / "per-owner")
    # The floor before: one read per owner folder takes one file's schema for both of the hub's datasets.
    for owner in ("hub", "sales"):
        for entity in os.listdir(os.path.join(processed, owner)):
            rows = spark.read.parquet(os.path.join(processed, owner)).where(f"entity = '{entity[len('entity=') :]}'")
            rows.drop("entity").write.parquet(os.path.join(out, owner, entity))

    problems = bench.floor_copy_problems(spark, processed, out)

    assert len(problems) == 1, problems
    assert problems[0].startswith("hub/entity=")
    assert "the copy lacks" in problems[0]
