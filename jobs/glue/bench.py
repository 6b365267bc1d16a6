"""Benchmark of the Glue jobs on local Spark: rows per second of each job on generated records, and the ratio to a
floor measured in the same run — Spark reading the same input and writing it as Parquet with no transformation
(raw → processed: ``spark.read.json`` → Parquet; processed → curated: the processed Parquet → Parquet, one copy per
dataset, checked to hold every row and column of its input). Target ≥ 0.5.

    python3 jobs/glue/bench.py [--records 1000000] [--cores 2] [--warmup 2] [--rounds 5] [--dir DIR] [--strict]

(from the repository root; ``--strict`` exits 1 when a ratio is below 0.5).

Method: per job, ``--warmup`` untimed rounds and then ``--rounds`` timed rounds of floor, job, floor on the full data
(the JVM keeps compiling Spark's generated code to machine code over several runs: after one warm-up run on a small
data set the curated job still spent a third of its CPU in the JVM's compiler threads, and its timed runs got faster
round after round). A round's ratio is the mean of its two floors over the job; the reported ratio is the median of
the timed rounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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


def processed_datasets(processed: str) -> list[str]:
    """The processed zone's datasets, ``<owner>/entity=<dataset>``, relative to ``processed``."""
    return sorted(
        os.path.join(owner, entity)
        for owner in os.listdir(processed)
        for entity in os.listdir(os.path.join(processed, owner))
        if entity.startswith("entity=")
    )


def floor_curated(spark, processed: str, out: str) -> None:
    """The curated job's floor: each processed dataset read and written as Parquet, with no transformation.

    One copy per dataset: an owner's folder holds several datasets (the hub's customers and web logs), and Spark reads
    a folder of Parquet files with one file's schema, so a copy per owner would leave out the columns of all but one
    of its datasets (in the benchmark, half the input's rows lost most of their columns that way)."""
    for d in processed_datasets(processed):
        spark.read.parquet(os.path.join(processed, d)).write.parquet(os.path.join(out, d))


def floor_copy_problems(spark, processed: str, out: str) -> list[str]:
    """How the floor's copy ``out`` differs from the processed zone: a dataset missing, or a copy without every column
    of its input's files (read with ``mergeSchema``) or with another row count. Empty when the copy is whole."""
    problems = []
    for d in processed_datasets(processed):
        if not os.path.isdir(os.path.join(out, d)):
            problems.append(f"{d}: no copy")
            continue
        src = spark.read.option("mergeSchema", "true").parquet(os.path.join(processed, d))
        copy = spark.read.parquet(os.path.join(out, d))
        if missing := sorted(set(src.columns) - set(copy.columns)):
            problems.append(f"{d}: the copy lacks {', '.join(missing)}")
        if (n := src.count()) != (m := copy.count()):
            problems.append(f"{d}: {m} rows copied of {n}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of floor, job, floor (median ratio)")
    parser.add_argument("--dir", help="working directory (default: a temporary one, removed afterwards)")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup at least 0")

    from cdp_jobs import datagen, processed_to_curated, raw_to_processed
    from cdp_jobs.contracts import contracts_by_key
    from cdp_jobs.session import local_session

    work = args.dir or tempfile.mkdtemp(prefix="cdp-glue-bench-")
    raw = os.path.join(work, "raw")
    floors = os.path.join(work, "floor")
    spec = processed_to_curated.CuratedSpec(as_of=date(2026, 12, 1))
    contracts = contracts_by_key(datagen.CONTRACTS)
    try:
        for path in (raw, floors, os.path.join(work, "runs")):
            shutil.rmtree(path, ignore_errors=True)
        gen_s, lines = _timed(lambda: datagen.generate(raw, args.records))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(raw) for f in fs)
        print(f"generated {lines:,} lines ({size / 2**20:.0f} MiB) in {gen_s:.1f} s")
        spark = local_session("cdp-glue-bench", cores=args.cores, shuffle_partitions=max(4, 2 * args.cores))

        def floor_raw(out: str) -> None:
            inputs = [os.path.join(raw, "streams"), os.path.join(raw, "events")]
            spark.read.option("recursiveFileLookup", "true").json(inputs).write.parquet(out)

        def job_raw(run: str):
            # Each run writes a processed zone of its own: a rerun into the same one would find every id processed.
            return raw_to_processed.run(
                spark,
                raw_to_processed.read_raw_lines(spark, raw),
                raw,
                os.path.join(run, "processed"),
                os.path.join(run, "quarantine"),
                contracts,
                hash_salt=datagen.SALT,
            )

        def job_curated(processed: str, out: str):
            return processed_to_curated.run(spark, processed, out, spec)

        def rounds(name: str, floor, job, rows):
            """``--warmup`` untimed and ``--rounds`` timed rounds of floor, job, floor: the first timed round's job
            result and the median ratio."""
            ratios = []
            first = None
            for w in range(args.warmup):
                floor(f"warm-{w}-a")
                job(f"warm-{w}")
                floor(f"warm-{w}-b")
            for r in range(args.rounds):
                f1, _, fw1 = _measured(spark, lambda r=r: floor(f"{r}-a"))
                job_s, value, jw = _measured(spark, lambda r=r: job(r))
                f2, _, fw2 = _measured(spark, lambda r=r: floor(f"{r}-b"))
                floor_s = (f1 + f2) / 2
                n = rows(value)
                ratio = floor_s / job_s
                ratios.append(ratio)
                print(
                    f"{name} round {r + 1}: {n / job_s:,.0f} rows/s ({job_s:.1f} s); floor {n / floor_s:,.0f} rows/s "
                    f"({f1:.1f} s, {f2:.1f} s); ratio {ratio:.2f}"
                )
                print(f"  job: {_describe(jw)}; floor: {_describe(fw1)} / {_describe(fw2)}")
                if r == 0:
                    first = value
            median = statistics.median(ratios)
            print(
                f"{name}: ratio {median:.2f} (median of {len(ratios)}: {', '.join(f'{x:.2f}' for x in ratios)}) "
                f"{'PASS' if median >= TARGET else 'FAIL'}"
            )
            return first, median

        runs = os.path.join(work, "runs")
        result, r1 = rounds(
            "raw → processed",
            lambda tag: floor_raw(os.path.join(floors, f"raw-{tag}")),
            lambda r: job_raw(os.path.join(runs, str(r))),
            lambda result: result.input,
        )
        assert result.input == lines, (result.input, lines)
        print(f"  accounting: {result.processed} processed, {result.quarantined} quarantined")

        processed = os.path.join(runs, "0", "processed")
        processed_rows = result.processed_total
        counts, r2 = rounds(
            "processed → curated",
            lambda tag: floor_curated(spark, processed, os.path.join(floors, f"cur-{tag}")),
            lambda r: job_curated(processed, os.path.join(runs, f"curated-{r}")),
            lambda counts: processed_rows,
        )
        print(f"  outputs: {counts}")
        if problems := floor_copy_problems(spark, processed, os.path.join(floors, "cur-0-a")):
            raise SystemExit("the curated floor did not copy its input: " + "; ".join(problems))
        print(f"ratios (target ≥ {TARGET}): raw → processed {r1:.2f}, processed → curated {r2:.2f}")
        spark.stop()
        return 1 if args.strict and min(r1, r2) < TARGET else 0
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
