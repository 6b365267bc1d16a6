"""Benchmark of the Glue jobs on local Spark: rows per second of each job on generated records, and the ratio to a
floor measured in the same run — Spark reading the same input and writing it as Parquet with no transformation
(raw → processed: ``spark.read.json`` → Parquet; processed → curated: the processed Parquet → Parquet). Target ≥ 0.5.

    python3 jobs/glue/bench.py [--records 1000000] [--cores 2] [--dir DIR] [--strict]

(from the repository root; ``--strict`` exits 1 when a ratio is below 0.5).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TARGET = 0.5


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _work(spark) -> tuple[int, int, float, float]:
    """Spark jobs and stages run so far, and their tasks' CPU and run time in seconds, from the status store (kept
    with the UI off). CPU time is what a shared machine's load changes least: it backs the wall-clock ratios."""
    sc = spark.sparkContext
    store = sc._jsc.sc().statusStore()
    stages = store.stageList(
        None, False, False, sc._gateway.new_array(sc._jvm.double, 0), sc._jvm.java.util.ArrayList()
    )
    cpu = run = 0.0
    n = 0
    it = stages.iterator()
    while it.hasNext():
        st = it.next()
        n += 1
        cpu += st.executorCpuTime() / 1e9
        run += st.executorRunTime() / 1e3
    return store.jobsList(None).size(), n, cpu, run


def _measured(spark, fn):
    """``fn()``'s wall time, value and Spark work (jobs, stages, task CPU s, task run s)."""
    before = _work(spark)
    wall, value = _timed(fn)
    after = _work(spark)
    return (
        wall,
        value,
        tuple(round(a - b, 1) if isinstance(a, float) else a - b for a, b in zip(after, before, strict=True)),
    )


def _describe(work) -> str:
    jobs, stages, cpu, run = work
    return f"{jobs} Spark jobs, {stages} stages, task CPU {cpu:.1f} s, task run {run:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--dir", help="working directory (default: a temporary one, removed afterwards)")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)

    from cdp_jobs import datagen, processed_to_curated, raw_to_processed
    from cdp_jobs.contracts import contracts_by_key
    from cdp_jobs.session import local_session

    work = args.dir or tempfile.mkdtemp(prefix="cdp-glue-bench-")
    raw, processed, quarantine, curated = (os.path.join(work, z) for z in ("raw", "processed", "quarantine", "c"))
    floors = os.path.join(work, "floor")
    try:
        for path in (raw, processed, quarantine, curated, floors, os.path.join(work, "warm")):
            shutil.rmtree(path, ignore_errors=True)
        gen_s, lines = _timed(lambda: datagen.generate(raw, args.records))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(raw) for f in fs)
        print(f"generated {lines:,} lines ({size / 2**20:.0f} MiB) in {gen_s:.1f} s")
        spark = local_session("cdp-glue-bench", cores=args.cores, shuffle_partitions=max(4, 2 * args.cores))
        inputs = [os.path.join(raw, "streams"), os.path.join(raw, "events")]

        def floor_raw(n):
            out = os.path.join(floors, f"raw-{n}")
            spark.read.option("recursiveFileLookup", "true").json(inputs).write.parquet(out)

        def job_raw():
            return raw_to_processed.run(
                spark,
                raw_to_processed.read_raw_lines(spark, raw),
                raw,
                processed,
                quarantine,
                contracts_by_key(datagen.CONTRACTS),
                hash_salt=datagen.SALT,
            )

        # Warm-up (JIT, class loading) of the floor and of both jobs (on a small data set of their own), then
        # floor / job / floor: the floor is their mean.
        floor_raw(0)
        warm = os.path.join(work, "warm")
        datagen.generate(os.path.join(warm, "raw"), min(50_000, args.records), seed=11)
        raw_to_processed.run(
            spark,
            raw_to_processed.read_raw_lines(spark, os.path.join(warm, "raw")),
            os.path.join(warm, "raw"),
            os.path.join(warm, "processed"),
            os.path.join(warm, "quarantine"),
            contracts_by_key(datagen.CONTRACTS),
            hash_salt=datagen.SALT,
        )
        processed_to_curated.run(
            spark,
            os.path.join(warm, "processed"),
            os.path.join(warm, "curated"),
            processed_to_curated.CuratedSpec(as_of=date(2026, 12, 1)),
        )
        f1, _, fw1 = _measured(spark, lambda: floor_raw(1))
        job_s, result, jw = _measured(spark, job_raw)
        f2, _, fw2 = _measured(spark, lambda: floor_raw(2))
        floor_s = (f1 + f2) / 2
        assert result.input == lines, (result.input, lines)
        r1 = floor_s / job_s
        print(
            f"raw → processed: {lines / job_s:,.0f} rows/s ({job_s:.1f} s); floor {lines / floor_s:,.0f} rows/s "
            f"({f1:.1f} s, {f2:.1f} s); ratio {r1:.2f} {'PASS' if r1 >= TARGET else 'FAIL'}"
        )
        print(f"  accounting: {result.processed} processed, {result.quarantined} quarantined")
        print(f"  job: {_describe(jw)}; floor: {_describe(fw1)} / {_describe(fw2)}")

        spec = processed_to_curated.CuratedSpec(as_of=date(2026, 12, 1))
        entities = sorted(os.listdir(processed))
        processed_rows = result.processed_total

        def floor_curated(n):
            for e in entities:
                spark.read.parquet(os.path.join(processed, e)).write.parquet(os.path.join(floors, f"p-{n}", e))

        g1, _, gw1 = _measured(spark, lambda: floor_curated(1))
        cur_s, counts, cw = _measured(spark, lambda: processed_to_curated.run(spark, processed, curated, spec))
        g2, _, gw2 = _measured(spark, lambda: floor_curated(2))
        gfloor = (g1 + g2) / 2
        r2 = gfloor / cur_s
        print(
            f"processed → curated: {processed_rows / cur_s:,.0f} rows/s ({cur_s:.1f} s); floor "
            f"{processed_rows / gfloor:,.0f} rows/s ({g1:.1f} s, {g2:.1f} s); ratio {r2:.2f} "
            f"{'PASS' if r2 >= TARGET else 'FAIL'}"
        )
        print(f"  outputs: {counts}")
        print(f"  job: {_describe(cw)}; floor: {_describe(gw1)} / {_describe(gw2)}")
        spark.stop()
        return 1 if args.strict and min(r1, r2) < TARGET else 0
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
