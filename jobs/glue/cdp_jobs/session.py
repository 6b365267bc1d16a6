"""A local SparkSession shaped like a small Glue worker, for tests, the benchmark and the local demo."""

from __future__ import annotations

from pyspark.sql import SparkSession

from . import localfs

#: Session settings the jobs rely on, also set by the Glue entry points.
JOB_CONF = {
    # UTC everywhere: event dates are UTC dates (as the preprocessing Lambda computes them).
    "spark.sql.session.timeZone": "UTC",
    # Keep the other fields of a record when one has the wrong type (the default since Spark 3.4; stated anyway).
    "spark.sql.json.enablePartialResults": "true",
    # Writers keep up to this many partition files open per task instead of sorting each task's rows by partition
    # (a run touches a few event dates per entity).
    "spark.sql.maxConcurrentOutputFileWriters": "64",
    # The raw job caches its parsed rows once and writes each dataset from the cache: uncompressed batches are
    # cheaper to build and scan than the memory they save (the cache spills to disk when it must).
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    # Latest version per key is a row_number window filtered to 1 (processed_to_curated._latest). Spark 3.5 would add a
    # partial per-key limit before the shuffle, which needs a full sort of every row there too; versions per key are
    # few, so that sort costs more than the rows it saves: one sort, after the shuffle, instead.
    "spark.sql.optimizer.windowGroupLimitThreshold": "-1",
    # Adaptive execution: shuffle partitions coalesced to what the data needs, small joins broadcast at run time, and
    # the curated writes' rebalance (files of spark.sql.adaptive.advisoryPartitionSizeInBytes, 64 MB). On by default
    # since Spark 3.2 (Glue 4.0+); stated because the jobs rely on it.
    "spark.sql.adaptive.enabled": "true",
    # Hash aggregates go straight to Spark's main hash map (BytesToBytesMap). The two-level map (SQLConf
    # ENABLE_TWOLEVEL_AGG_MAP, on by default) puts a small fast map of 2^16 slots first: it helps aggregates with few
    # keys, but the jobs' large aggregates have about as many keys as rows (event ids in the raw job's deduplication;
    # profile × day and profile × session in the curated job). Once it is full, every further row probes it, compares
    # its key with the entries of its slots, misses and is hashed again into the main map. Off: the raw job took 0.89×
    # the wall time, the curated job 0.94× (A/B runs in one process at 1 M lines; jobs/glue/README.md, eighth pass).
    "spark.sql.codegen.aggregate.map.twolevel.enabled": "false",
    # Partition overwrite stays dynamic if a caller switches a write to overwrite.
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
}


def local_session(name: str, cores: int = 2, shuffle_partitions: int = 4) -> SparkSession:
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(cores))
        .config("spark.driver.memory", "2g")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")
        # Compiled generated-code classes kept for reuse. Spark's default (100) is fewer than one run of both jobs
        # generates, so a second run in the same session (tests, the demo, the benchmark after its warm-up) compiled
        # and JIT-compiled every class again: about 40% of the curated job's CPU at 1 million records.
        .config("spark.sql.codegen.cache.maxEntries", "1000")
    )
    for k, v in JOB_CONF.items():
        builder = builder.config(k, v)
    # Hadoop's local file system without a chmod process per file and directory written (localfs.py).
    classes = localfs.class_path()
    if classes is not None:
        builder = builder.config("spark.driver.extraClassPath", classes).config(
            "spark.hadoop.fs.file.impl", localfs.FILE_SYSTEM_CLASS
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
