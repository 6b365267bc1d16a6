"""The local end of ``npm run demo`` (tools/local/demo.ts): both Glue jobs on local Spark over a directory raw zone,
a short report from the curated data with Spark SQL, and the record accounting of the whole path.

    python3 -m cdp_jobs.local_run --work DIR --contracts contracts [--cores 2]

``DIR`` is what the TypeScript side wrote: ``raw-zone/`` (the Firehose delivery, with the deployed stream's layout),
``deliveries.json`` (the data objects of each delivery run, the error objects, the as-of date) and ``manifest.jsonl``
(one line per generated producer record: its intended fate, Firehose's result, the raw line's event id, the curated
dataset its item should reach). Outputs go to ``DIR/processed``, ``DIR/quarantine``, ``DIR/curated`` and
``DIR/report.json``. The HMAC key for ``pii`` columns comes from ``CDP_DEMO_HASH_SALT``.

raw → processed runs once per delivery run, each over only the objects delivered since the previous run (what Glue job
bookmarks give the deployed job), so late replays meet the cross-run deduplication. Only the jobs' public functions
are called: ``read``-equivalent text source, ``raw_to_processed.run``, ``processed_to_curated.run``.

Progress goes to stderr as ``PROGRESS {json}`` lines (the demo draws them); the report to stdout. Exit codes: 0 the
accounting balances, 3 it does not, 2 a prerequisite is missing, 1 an error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path


def progress(**event) -> None:
    print("PROGRESS " + json.dumps(event), file=sys.stderr, flush=True)


class TaskProgress:
    """While a stage runs, reports the Spark tasks done (of the active jobs' stages) every second on stderr."""

    def __init__(self, spark) -> None:
        self._tracker = spark.sparkContext.statusTracker()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _poll(self) -> None:
        done_total = 0
        seen: dict[int, int] = {}
        while not self._stop.wait(1.0):
            for job_id in self._tracker.getActiveJobsIds():
                job = self._tracker.getJobInfo(job_id)
                for stage_id in job.stageIds if job else []:
                    info = self._tracker.getStageInfo(stage_id)
                    if info:
                        seen[stage_id] = info.numCompletedTasks
            done_total = sum(seen.values())
            progress(done=done_total, detail=f"{done_total:,} Spark tasks done")

    def __enter__(self) -> TaskProgress:
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


def _uri(path: Path) -> str:
    """A file URI Hadoop reads as is (``Path.as_uri`` percent-encodes the ``=`` of partition folders)."""
    return "file://" + str(path.resolve())


def load_contracts(folder: Path) -> list[dict]:
    from .contract_files import active, parse_contract

    docs = []
    for f in sorted(folder.rglob("*")):
        if f.suffix in (".yaml", ".yml", ".json") and f.is_file():
            docs.append(parse_contract(f.name, f.read_text(encoding="utf-8")))
    if not docs:
        raise SystemExit(f"no data contracts under {folder} (contracts/<domain>/<dataset>.yaml)")
    return active(docs)


#: The class of outcome each intent of the generator is meant to end in (the accounting's "as intended" check).
INTENDED = {
    "valid": "processed",
    "duplicate": "duplicate",
    "late-duplicate": "duplicate",
    "contract-reject": "schema-violation",
    "no-contract": "no-contract",
    "lambda-reject": "firehose-failed",
}


def outcome_class(reason_kind: str | None) -> str:
    if reason_kind is None:
        return "processed"
    if reason_kind in ("duplicate-in-run", "already-processed"):
        return "duplicate"
    return reason_kind


def account(
    manifest: list[dict], outcomes: list[tuple[str | None, str]], curated_keys: set[tuple[str, str, str]]
) -> dict:
    """The per-record checks of the accounting.

    ``manifest``: one dict per generated record (``tools/local/demo.ts``); ``outcomes``: ``(event_id, class)`` for
    every processed row (class ``processed``) and quarantine row (class = its reason kind); ``curated_keys``:
    ``(curated dataset, entity, key)`` of every item in curated. Per event id, the delivered lines must equal the
    outcomes (nothing lost, nothing made twice) and at most one is processed; every item whose valid changes were
    delivered is in the curated dataset its rules send it to, and no other item of a generated entity is there.
    """
    from collections import Counter

    lines: Counter = Counter()
    intended: Counter = Counter()
    for m in manifest:
        if m["firehose"] == "ok":
            lines[m["event_id"]] += 1
            intended[(m["event_id"], INTENDED[m["intent"]])] += 1
    actual: Counter = Counter()
    actual_cls: Counter = Counter()
    processed: Counter = Counter()
    kinds: dict[str, list[str]] = {}
    unattributed = 0
    for event_id, cls in outcomes:
        if event_id is None:
            unattributed += 1
            continue
        actual[event_id] += 1
        kinds.setdefault(event_id, []).append(cls)
        actual_cls[(event_id, outcome_class(None if cls == "processed" else cls))] += 1
        if cls == "processed":
            processed[event_id] += 1
    # An unbalanced id names its outcomes, e.g. "<id> (1→2: already-processed, processed)".
    unbalanced = sorted(
        f"{e} ({lines.get(e, 0)}→{actual.get(e, 0)}{': ' + ', '.join(sorted(kinds[e])) if e in kinds else ''})"
        for e in set(lines) | set(actual)
        if lines.get(e, 0) != actual.get(e, 0)
    )
    twice = sorted(e for e, n in processed.items() if n > 1)
    mismatches = sorted(
        f"{e[:12]}… {cls}: intended {intended.get((e, cls), 0)}, got {actual_cls.get((e, cls), 0)}"
        for e, cls in set(intended) | set(actual_cls)
        if intended.get((e, cls), 0) != actual_cls.get((e, cls), 0)
    )
    # Where each generated record ended, by intent: its intended class while the event id has outcomes of that class
    # left, else the event id's other outcomes.
    left = Counter(actual_cls)
    by_outcome: Counter = Counter()
    error_codes: Counter = Counter()
    for m in manifest:
        if m["firehose"] == "failed":
            error_codes[m["error_code"]] += 1
            where = "firehose-failed"
        else:
            where = INTENDED[m["intent"]]
            if left[(m["event_id"], where)] > 0:
                left[(m["event_id"], where)] -= 1
            else:
                others = sorted(c for (e, c), n in left.items() if e == m["event_id"] and n > 0)
                where = f"NOT AS INTENDED: {', '.join(others) or 'nothing'}"
        by_outcome[(m["intent"], where)] += 1
    intent_table = [(i, w, n) for (i, w), n in sorted(by_outcome.items())]

    # Curated, per item.
    expected = {
        (m["curated"], m["entity"], m["key"])
        for m in manifest
        if m["intent"] == "valid" and m["firehose"] == "ok" and m["curated"]
    }
    entities = {m["entity"] for m in manifest}
    present = {k for k in curated_keys if k[1] in entities}
    reached: dict[tuple[str, str], list] = {}
    left_out: dict[str, list] = {}
    in_curated = {(e, k): d for d, e, k in present}
    for m in manifest:
        if m["intent"] != "valid" or m["firehose"] != "ok" or processed.get(m["event_id"], 0) == 0:
            continue
        d = in_curated.get((m["entity"], m["key"]))
        if d is None:
            left_out.setdefault(m["entity"], [0, set()])
            left_out[m["entity"]][0] += 1
            left_out[m["entity"]][1].add(m["key"])
        else:
            r = reached.setdefault((m["entity"], d), [0, set()])
            r[0] += 1
            r[1].add(m["key"])
    return {
        "unbalanced": unbalanced,
        "processed_twice": twice,
        "unattributed": unattributed,
        "mismatches": mismatches,
        "intent_table": intent_table,
        "error_codes": dict(error_codes),
        "missing_from_curated": sorted(f"{e}/{k}" for _, e, k in expected - present),
        "unexpected_in_curated": sorted(f"{e}/{k}" for _, e, k in present - expected),
        "reached": [(e, n, len(keys), d) for (e, d), (n, keys) in sorted(reached.items())],
        "not_curated": [(e, n, len(keys)) for e, (n, keys) in sorted(left_out.items())],
    }


def table(rows: list, headers: list[str]) -> str:
    cells = [[("" if v is None else f"{v:,}" if isinstance(v, int) else str(v)) for v in r] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    for c in cells:
        lines.append(
            "  "
            + "  ".join(
                v.rjust(w) if v.replace(",", "").lstrip("-").isdigit() else v.ljust(w)
                for v, w in zip(c, widths, strict=True)
            )
        )
    return "\n".join(lines)


def run(work: Path, contracts_dir: Path, cores: int) -> int:
    from pyspark.sql import functions as F

    from . import processed_to_curated, raw_to_processed
    from .contracts import contracts_by_key, processed_folder
    from .session import local_session

    deliveries = json.loads((work / "deliveries.json").read_text())
    raw_root = Path(deliveries["raw_root"]).resolve()
    processed = _uri(work / "processed")
    quarantine = _uri(work / "quarantine")
    curated = _uri(work / "curated")
    as_of = date.fromisoformat(deliveries["as_of"])
    salt = os.environ.get("CDP_DEMO_HASH_SALT")
    contracts = contracts_by_key(load_contracts(contracts_dir))
    timings: dict[str, float] = {}

    progress(stage="start Spark")
    t0 = time.monotonic()
    spark = local_session("cdp-local-demo", cores=cores, shuffle_partitions=2 * cores)
    progress(summary=f"local[{cores}], Spark {spark.version}")
    timings["spark_start"] = time.monotonic() - t0

    runs = []
    waves = [w for w in deliveries["waves"] if w]
    for n, keys in enumerate(waves, start=1):
        progress(stage=f"raw → processed ({n}/{len(waves)}), {len(keys):,} objects")
        t0 = time.monotonic()
        paths = [_uri(raw_root / k) for k in keys]
        # The objects of this delivery run only: the local stand-in for job bookmarks.
        lines = spark.read.text(paths).select("value", F.input_file_name().alias("path"))
        with TaskProgress(spark):
            result = raw_to_processed.run(
                spark,
                lines,
                _uri(raw_root),
                processed,
                quarantine,
                contracts,
                hash_salt=salt,
                files=paths,
                run_time=datetime.now(UTC),
            )
        timings[f"raw_to_processed_{n}"] = time.monotonic() - t0
        runs.append(result)
        progress(
            summary=f"{result.input:,} lines: {result.processed_total:,} processed, "
            f"{result.quarantined_total:,} quarantined"
        )

    progress(stage="processed → curated")
    t0 = time.monotonic()
    with TaskProgress(spark):
        spec = processed_to_curated.CuratedSpec(as_of=as_of)
        curated_counts = processed_to_curated.run(spark, processed, curated, spec)
    timings["processed_to_curated"] = time.monotonic() - t0
    progress(summary=", ".join(f"{k} {v:,}" for k, v in curated_counts.items()))

    progress(stage="report and accounting")
    t0 = time.monotonic()
    for name in processed_to_curated.OUTPUTS:
        spark.read.parquet(f"{curated}/{name}").createOrReplaceTempView(name)
    spark.read.parquet(quarantine).createOrReplaceTempView("quarantine")
    processed_frames = [
        spark.read.parquet(f"{processed}/{processed_folder(d)}").select(F.lit(d).alias("entity"), "event_id")
        for d in sorted({e for r in runs for e in r.processed})
    ]
    processed_ids = spark.createDataFrame([], "entity string, event_id string")
    for f in processed_frames:
        processed_ids = processed_ids.unionByName(f)
    processed_ids.createOrReplaceTempView("processed_ids")
    sql = spark.sql

    # --- report -------------------------------------------------------------------------------------------------
    by_segment = sql(
        "SELECT coalesce(segment, '(none)') AS segment, count(*) AS customers FROM customer_profile "
        "GROUP BY 1 ORDER BY customers DESC, segment"
    ).collect()
    rfm = sql(
        "SELECT rfm_segment, currency, customers, revenue_minor FROM segment_summary ORDER BY currency, customers DESC"
    ).collect()
    top = sql(
        "SELECT currency, profile_id, monetary_minor, frequency, rfm_segment FROM ("
        " SELECT *, row_number() OVER (PARTITION BY currency ORDER BY monetary_minor DESC, profile_id) AS rank"
        " FROM customer_rfm) WHERE rank <= 3 ORDER BY currency, monetary_minor DESC"
    ).collect()
    by_reason = sql(
        "SELECT reason_kind, count(*) AS records FROM quarantine GROUP BY 1 ORDER BY records DESC, reason_kind"
    ).collect()
    # The hub's web events and card transactions as customer 360 and the transactions see them.
    web = sql(
        "SELECT count_if(web_sessions > 0) AS profiles, coalesce(sum(web_sessions), 0) AS sessions, "
        "coalesce(sum(page_views), 0) AS page_views FROM customer_360"
    ).collect()[0]
    spend_by_dataset = sql(
        "SELECT dataset, kind, count(*) AS transactions, sum(amount_minor) AS amount_minor FROM transactions "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ).collect()
    reasons = sql(
        "SELECT regexp_replace(reason, '[0-9]+', 'N') AS reason, count(*) AS records FROM quarantine "
        "WHERE reason_kind NOT IN ('duplicate-in-run', 'already-processed') GROUP BY 1 ORDER BY records DESC LIMIT 8"
    ).collect()

    # --- accounting ---------------------------------------------------------------------------------------------
    # What the jobs made of the lines, collected once (ids only; fine for demo volumes), then checked per event id
    # and per item on the driver.
    manifest = [json.loads(line) for line in (work / "manifest.jsonl").read_text().splitlines() if line]
    outcomes = sql(
        "SELECT event_id, 'processed' AS cls FROM processed_ids UNION ALL "
        "SELECT event_id, reason_kind AS cls FROM quarantine"
    ).collect()
    curated_keys = {
        (r.dataset, r.entity, r.key)
        for r in sql(
            "SELECT 'customer_profile' AS dataset, 'customer' AS entity, id AS key FROM customer_profile "
            "LATERAL VIEW explode(customer_ids) t AS id "
            "UNION ALL SELECT 'transactions', dataset, transaction_id FROM transactions"
        ).collect()
    }
    acc = account(manifest, [(r.event_id, r.cls) for r in outcomes], curated_keys)
    timings["report"] = time.monotonic() - t0
    progress(summary="done")

    generated = len(manifest)
    failed = sum(1 for m in manifest if m["firehose"] == "failed")
    delivered = generated - failed
    job_input = sum(r.input for r in runs)
    n_processed = sum(r.processed_total for r in runs)
    quarantined: dict[str, int] = {}
    for r in runs:
        for k, v in r.quarantined.items():
            quarantined[k] = quarantined.get(k, 0) + v
    n_quarantined = sum(quarantined.values())
    total = failed + n_quarantined + n_processed
    dups = quarantined.get("duplicate-in-run", 0) + quarantined.get("already-processed", 0)
    balanced = (
        delivered == job_input
        and generated == total
        and acc["unbalanced"] == []
        and acc["processed_twice"] == []
        and acc["unattributed"] == 0
        and acc["missing_from_curated"] == []
        and acc["unexpected_in_curated"] == []
    )

    out = []
    out.append("Customers by segment (curated customer_profile)")
    out.append(table([tuple(r) for r in by_segment], ["segment", "customers"]))
    out.append("\nRFM segments (curated segment_summary; money in minor units of its currency)")
    out.append(table([tuple(r) for r in rfm], ["rfm_segment", "currency", "customers", "revenue_minor"]))
    out.append("\nTop customers by spend, per currency (curated customer_rfm)")
    out.append(table([tuple(r) for r in top], ["currency", "profile_id", "spend_minor", "orders", "rfm_segment"]))
    out.append("\nWeb activity in customer_360 (the hub's weblog records)")
    out.append(table([tuple(web)], ["profiles", "web_sessions", "page_views"]))
    out.append("\nTransactions by processed dataset (curated transactions; money in minor units)")
    out.append(table([tuple(r) for r in spend_by_dataset], ["dataset", "kind", "transactions", "amount_minor"]))
    out.append("\nQuarantined records by reason (quarantine)")
    out.append(table([tuple(r) for r in by_reason], ["reason_kind", "records"]))
    out.append("\nMost frequent quarantine reasons (numbers as N)")
    out.append(table([tuple(r) for r in reasons], ["reason", "records"]))
    out.append("\nFirehose processing-failed output by error code")
    out.append(table(sorted(acc["error_codes"].items(), key=lambda kv: -kv[1]), ["errorCode", "records"]))
    out.append("\nRecord accounting")
    rows = [
        ("generated producer records", generated),
        ("  Firehose error output (processing-failed)", failed),
        ("  delivered to the raw zone", delivered),
        ("raw job input lines (all runs)", job_input),
        ("  in processed", n_processed),
        ("  quarantined", n_quarantined),
        ("    of which duplicates (deduplicated)", dups),
        ("      duplicate-in-run", quarantined.get("duplicate-in-run", 0)),
        ("      already-processed (late replays)", quarantined.get("already-processed", 0)),
        (
            "generated = error output + quarantined + processed",
            f"{generated:,} = {total:,}",
        ),
        ("event ids whose lines <> outcomes (lost or duplicated)", len(acc["unbalanced"])),
        ("event ids in processed more than once", len(acc["processed_twice"])),
        ("quarantined rows without an event id", acc["unattributed"]),
    ]
    out.append(table(rows, ["", "records"]))
    out.append("\nReached curated (processed changes whose item is in a curated dataset)")
    out.append(table(acc["reached"], ["entity", "events", "items", "dataset"]))
    if acc["not_curated"]:
        out.append(
            "  processed, left out of curated by its rules (removed customers, payments never settled; web events "
            "reach customer_360 as per-profile aggregates, not items):"
        )
        out.append(table(acc["not_curated"], ["entity", "events", "items"]))
    out.append(
        f"  items expected in curated but missing: {len(acc['missing_from_curated'])}; "
        f"in curated unexpectedly: {len(acc['unexpected_in_curated'])}"
    )
    out.append("\nGenerated records by intent and where they ended")
    out.append(table(acc["intent_table"], ["intent", "outcome", "records"]))
    if acc["mismatches"]:
        out.append("  outcomes that differ from the generator's intent: " + ", ".join(acc["mismatches"][:5]))
    else:
        out.append("  every record ended as intended")
    out.append(
        "\n"
        + (
            "BALANCED: every generated record is in processed (and curated where its rules say), the quarantine or "
            "Firehose's error output, exactly once."
            if balanced
            else "NOT BALANCED: see the counts above."
        )
    )
    for label, items in (
        ("unbalanced event ids (lines→outcomes)", acc["unbalanced"]),
        ("event ids processed more than once", acc["processed_twice"]),
        ("items missing from curated", acc["missing_from_curated"]),
        ("unexpected curated items", acc["unexpected_in_curated"]),
    ):
        if items:
            out.append(f"  first {label}: " + ", ".join(str(i) for i in items[:5]))
    print("\n".join(out), flush=True)

    report = {
        "balanced": balanced,
        "generated": generated,
        "firehose_failed": failed,
        "delivered": delivered,
        "job_input": job_input,
        "processed": n_processed,
        "processed_by_dataset": {k: sum(r.processed.get(k, 0) for r in runs) for r in runs for k in r.processed},
        "quarantined": quarantined,
        "duplicates": dups,
        "unbalanced_event_ids": len(acc["unbalanced"]),
        "processed_twice": len(acc["processed_twice"]),
        "unattributed_quarantine": acc["unattributed"],
        "missing_from_curated": len(acc["missing_from_curated"]),
        "unexpected_in_curated": len(acc["unexpected_in_curated"]),
        "reached_curated": {e: {"events": n, "items": k, "dataset": d} for e, n, k, d in acc["reached"]},
        "intent_mismatches": acc["mismatches"],
        "curated_rows": curated_counts,
        "segments": {r.segment: r.customers for r in by_segment},
        "web_in_customer_360": {"profiles": web.profiles, "sessions": web.sessions, "page_views": web.page_views},
        "transactions_by_dataset": {f"{r.dataset}/{r.kind}": r.transactions for r in spend_by_dataset},
        "timings_seconds": {k: round(v, 1) for k, v in timings.items()},
    }
    (work / "report.json").write_text(json.dumps(report, indent=2, default=str))
    spark.stop()
    return 0 if balanced else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m cdp_jobs.local_run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True, type=Path, help="the demo's output directory")
    parser.add_argument("--contracts", required=True, type=Path, help="folder of data contracts (contracts/)")
    parser.add_argument("--cores", type=int, default=2, help="Spark local cores (default 2)")
    args = parser.parse_args(argv)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("pyspark is missing: pip install -r requirements-dev.txt", file=sys.stderr)
        return 2
    return run(args.work, args.contracts, args.cores)


if __name__ == "__main__":
    sys.exit(main())
