"""raw → processed: the newline-delimited JSON the ingestion hub lands in the raw zone, validated against each
dataset's data contract, deduplicated by event id, typed, privacy rules applied, written as Parquet partitioned by
entity and event date; every row that fails goes to the quarantine with its reason, and the run returns its counts.

Input records (one JSON object per line, ``raw_layout.py`` for the folders):

* ``streams/source=…/entity=…/event_date=…/`` — what the preprocessing Lambda writes (functions/preprocess):
  ``{eventId, entity, source, <fields>, _extra?, _meta: {recordId, arrivedAt, processedAt, schemaVersion,
  piiHashed?}}``. ``event_date`` (the UTC date of the event time) comes from the partition. An ``api_event`` whose
  ``payload`` is a change envelope (the change publisher's Kinesis form, functions/change-publisher/envelope.ts) is
  unwrapped into the envelope's entity, like the EventBridge path below.
* ``events/source=…/event_date=…/`` — EventBridge events as Firehose receives them: ``{id, source, time,
  "detail-type", detail}`` with ``detail`` the change envelope ``{id, domain, entity, changeType, time, data,
  previous?}``. The record is ``data`` (``previous`` for a REMOVE, flagged by ``change_type``), the event id is the
  envelope's ``id`` (stable across redeliveries; the EventBridge ``id`` is not) and the event date is the UTC date of
  the envelope's ``time`` (the folder's date is the arrival date, so replays would land elsewhere).

Both paths of a domain change carry the same envelope id, so a change delivered both ways is kept once.

Contract selection: by producer and dataset together (``contracts.contract_key``), never by dataset alone. A hub record
is owned by the hub's data product domain (``contracts.HUB_DOMAIN``), a change envelope by its ``domain``; the row's
``entity`` is that key (``<owner>.<dataset>``), the record is checked against ``contracts[entity]`` and written to
``<processed>/<owner>/entity=<dataset>/event_date=…/`` (the governed table's folder, model/catalog.ts). A record no
contract covers is quarantined ``no-contract: <owner>.<dataset>``. Run counts and touched partitions are by that key.

Deduplication: within a run, the first arrival of each event id is kept (``_meta.arrivedAt``, then object key and
position as tie-breakers, so reruns over the same objects pick the same row); across runs, ids already in the processed
zone are looked up for the (entity, event_date) partitions the run touches only (an event's date is derived from its
event time, so a late or replayed copy lands in the same partition as the original) and left out. Both kinds of
duplicate go to the quarantine (``duplicate-in-run``, ``already-processed``) with their event id and object key, the
text left out (the kept copy is in the processed zone, the raw object in the raw zone): every input line is accounted
for. Rows that fail keep their raw text in the quarantine.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .contracts import (
    Contract,
    cast_value,
    contract_id,
    contract_key,
    owner_of,
    processed_folder,
    utc_timestamp,
    violations,
)
from .parquet import dictionary_options
from .privacy import check_salt, hmac_sha256_hex, parse_rules
from .raw_layout import PARTITIONS, RawLayoutError, parse_raw_key

#: Quarantine reason kinds (the text before the first ":" of ``reason``).
REASONS = (
    "layout-error",
    "unparseable-json",
    "missing-event-id",
    "missing-entity",
    "no-contract",
    "schema-violation",
    "duplicate-in-run",
    "already-processed",
)


def line_schema(contracts: dict[str, Contract]) -> T.StructType:
    """What is read of every line, in one parse: the hub record's managed fields, the change envelope (EventBridge
    ``detail`` or the api_event ``payload``) and every contract property as text, at the top level (hub records) and
    under the envelope's ``data``/``previous``. Text is the one type every spelling fits, so properties of the same
    name in different contracts never conflict; each dataset's types are applied afterwards (``validate_and_cast``).
    """
    names = sorted({p.name for c in contracts.values() for p in c.properties})
    record = T.StructType([T.StructField(n, T.StringType()) for n in names])
    envelope = T.StructType(
        [
            T.StructField("id", T.StringType()),
            T.StructField("domain", T.StringType()),
            T.StructField("entity", T.StringType()),
            T.StructField("changeType", T.StringType()),
            T.StructField("time", T.StringType()),
            T.StructField("specversion", T.StringType()),
            T.StructField("data", record),
            T.StructField("previous", record),
        ]
    )
    managed = [
        T.StructField("eventId", T.StringType()),
        T.StructField("entity", T.StringType()),
        T.StructField("source", T.StringType()),
        T.StructField(
            "_meta",
            T.StructType([T.StructField("arrivedAt", T.StringType()), T.StructField("piiHashed", T.BooleanType())]),
        ),
        T.StructField("detail", envelope),
        T.StructField("payload", envelope),
        # Set by the JSON reader to the line's text when it is not a JSON object.
        T.StructField("_corrupt", T.StringType()),
    ]
    taken = {f.name for f in managed}
    return T.StructType(managed + [T.StructField(n, T.StringType()) for n in names if n not in taken])


@dataclass
class RunResult:
    """Record accounting of one run: ``input == processed + quarantined``."""

    input: int = 0
    processed: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    touched: list[tuple[str, str]] = field(default_factory=list)

    @property
    def processed_total(self) -> int:
        return sum(self.processed.values())

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())


def _strip_scheme(path: str) -> str:
    return re.sub(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?/*", "", path).rstrip("/")


def raw_key(path: str, raw_root: str) -> str:
    """The object key relative to the raw root, whatever URI spelling Spark and the caller use."""
    full, root = _strip_scheme(path), _strip_scheme(raw_root)
    if root and full.startswith(root + "/"):
        return full[len(root) + 1 :]
    return full


def read_raw_lines(spark: SparkSession, raw_root: str) -> DataFrame:
    """Every line under ``streams/`` and ``events/`` as ``(value, path)``; ``errors/`` is Firehose's error output,
    never data. Partition folders are not inferred as columns (the layout is parsed from the path instead)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    roots = []
    for folder in PARTITIONS:
        if _exists(jvm, conf, f"{raw_root.rstrip('/')}/{folder}"):
            roots.append(f"{raw_root.rstrip('/')}/{folder}")
    if not roots:
        return spark.createDataFrame([], "value string, path string")
    return (
        spark.read.option("recursiveFileLookup", "true").text(roots).select("value", F.input_file_name().alias("path"))
    )


def layout_table(spark: SparkSession, paths: list[str], raw_root: str) -> DataFrame:
    """One row per input file with its folder and partition values or the layout error (raw_layout.parse_raw_key,
    run on the driver: a file list is small)."""
    rows = []
    for file_id, path in enumerate(paths):
        key = raw_key(path, raw_root)
        try:
            obj = parse_raw_key(key)
            error = "layout-error: errors/ holds Firehose's error output, not data" if obj.error_type else None
            p = obj.partitions
            rows.append((path, file_id, obj.folder, p.get("source"), p.get("entity"), p.get("event_date"), error))
        except RawLayoutError as e:
            rows.append((path, file_id, None, None, None, None, f"layout-error: {e.reason}"))
    schema = (
        "path string, file_id int, folder string, part_source string, part_entity string, part_date string, "
        "layout string"
    )
    return spark.createDataFrame(rows, schema)


def _first_reason(*conds: tuple[Column, str | Column]) -> Column:
    expr = None
    for cond, reason in conds:
        value = reason if isinstance(reason, Column) else F.lit(reason)
        expr = F.when(cond, value) if expr is None else expr.when(cond, value)
    return expr


def _typed(dataset: str, prop: str) -> str:
    return f"_v_{_col_id(dataset)}__{prop}"


def _col_id(key: str) -> str:
    # A contract key as a column name (a "." would read as a struct field; domain and dataset names have no "_").
    return key.replace(".", "__")


def classify(lines: DataFrame, layout: DataFrame, contracts: dict[str, Contract]) -> DataFrame:
    """Each line with its dataset, event id, typed record (one struct column per dataset, ``_t_<dataset>``) and
    ``reason`` (null when it passes), before deduplication. Each line is parsed once."""
    schema = line_schema(contracts)
    names = sorted({p.name for c in contracts.values() for p in c.properties})
    parsed = lines.join(F.broadcast(layout), "path", "left").withColumn(
        "j", F.from_json("value", schema, {"columnNameOfCorruptRecord": "_corrupt"})
    )
    j = F.col("j")
    # A change envelope (EventBridge detail, or the payload of the change publisher's api_event on the stream).
    is_event = F.col("folder") == "events"
    wrapped = (F.col("folder") == "streams") & (j.entity == "api_event") & j.payload.specversion.isNotNull()
    env = F.when(is_event, j.detail).when(wrapped, j.payload)
    flat = ~is_event & ~wrapped
    top = F.struct(*[j.getField(n).alias(n) for n in names])
    parsed = parsed.select(
        "value",
        # Rows refer to their object by number (keys are long; the quarantine joins the key back).
        "file_id",
        "layout",
        "part_entity",
        (j.isNull() | j._corrupt.isNotNull()).alias("_unparseable"),
        # The record's dataset; ``entity`` below is its contract key (owner and dataset).
        F.when(flat, j.entity).otherwise(env.entity).alias("dataset"),
        F.when(flat, j.eventId).otherwise(F.coalesce(env.id, j.eventId)).alias("event_id"),
        owner_of(flat, env.domain).alias("domain"),
        F.coalesce(F.col("part_source"), j.source).alias("source"),
        F.when(flat, F.lit(None).cast("string")).otherwise(env.changeType).alias("change_type"),
        F.when(flat, top).otherwise(F.coalesce(env.data, env.previous)).alias("rec"),
        F.when(flat, F.col("part_date"))
        .otherwise(F.date_format(utc_timestamp(env.time), "yyyy-MM-dd"))
        .alias("event_date"),
        F.coalesce(utc_timestamp(j._meta.arrivedAt), utc_timestamp(env.time)).alias("arrived_at"),
        F.coalesce(j._meta.piiHashed, F.lit(False)).alias("pii_hashed"),
        (flat & (j.entity != F.col("part_entity"))).alias("_moved"),
    ).withColumn("entity", contract_key(F.col("domain"), F.col("dataset")))
    # Typed values first, as columns of their own (null outside their dataset), so each cast runs once per row; the
    # dataset's struct and its violations then read them.
    typed_cols = []
    for name, contract in contracts.items():
        mine = F.col("entity") == name
        for p in contract.properties:
            typed_cols.append(F.when(mine, cast_value(p, F.col("rec").getField(p.name))).alias(_typed(name, p.name)))
    parsed = parsed.select("*", *typed_cols)
    found: Column | None = None
    structs = []
    for name, contract in contracts.items():
        mine = F.col("entity") == name
        typed = {p.name: F.col(_typed(name, p.name)) for p in contract.properties}
        structs.append(F.when(mine, F.struct(*[c.alias(n) for n, c in typed.items()])).alias(f"_t_{_col_id(name)}"))
        v = violations(contract, F.col("rec"), typed, F.col("pii_hashed"))
        found = F.when(mine, v) if found is None else found.when(mine, v)
    known = F.col("entity").isin(list(contracts)) if contracts else F.lit(False)
    out = parsed.select(
        *[c for c in parsed.columns if not c.startswith("_v_")],
        *structs,
        (found if found is not None else F.lit(None)).alias("_violations"),
    )
    reason = _first_reason(
        (F.col("layout").isNotNull(), F.col("layout")),
        (F.col("_unparseable"), "unparseable-json: not a JSON object"),
        (
            F.coalesce(F.col("_moved"), F.lit(False)),
            F.concat(F.lit("layout-error: record entity "), F.col("dataset"), F.lit(" under entity="), "part_entity"),
        ),
        (F.col("event_id").isNull() | (F.col("event_id") == ""), "missing-event-id"),
        (F.col("entity").isNull(), "missing-entity"),
        (~known, F.concat(F.lit("no-contract: "), F.col("entity"))),
        (F.col("event_date").isNull(), "schema-violation: no event date"),
        (F.col("rec").isNull(), "schema-violation: no record"),
        (F.size("_violations") > 0, F.concat(F.lit("schema-violation: "), F.array_join("_violations", "; "))),
    )
    dropped = ("_unparseable", "_moved", "_violations", "layout", "rec", "part_entity", "dataset")
    # The raw text is kept only for rows that fail (the quarantine shows it); it is most of a row's size.
    return (
        out.withColumn("reason", reason)
        .withColumn("value", F.when(F.col("reason").isNotNull(), F.col("value")))
        .drop(*dropped)
    )


def _exists(jvm, conf, path: str) -> bool:
    p = jvm.org.apache.hadoop.fs.Path(path)
    return bool(p.getFileSystem(conf).exists(p))


def _children(jvm, conf, path: str) -> set[str]:
    """Names of the folders directly under ``path`` (empty when it does not exist)."""
    p = jvm.org.apache.hadoop.fs.Path(path)
    fs = p.getFileSystem(conf)
    if not fs.exists(p):
        return set()
    return {str(s.getPath().getName()) for s in fs.listStatus(p) if s.isDirectory()}


def existing_ids(spark: SparkSession, processed_root: str, touched: list[tuple[str, str]]) -> DataFrame | None:
    """Event ids already in the processed zone, for the (entity, event_date) partitions a run touches."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    frames = []
    by_entity: dict[str, list[str]] = {}
    for entity, date in touched:
        by_entity.setdefault(entity, []).append(date)
    for entity, dates in by_entity.items():
        base = f"{processed_root.rstrip('/')}/{processed_folder(entity)}"
        # One listing of the entity's folder (absent on a first run) instead of a request per date.
        present = _children(jvm, conf, base)
        paths = [f"{base}/event_date={d}" for d in dates if f"event_date={d}" in present]
        if paths:
            frames.append(
                spark.read.option("basePath", base).parquet(*paths).select(F.lit(entity).alias("entity"), "event_id")
            )
    if not frames:
        return None
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f)
    return out.distinct()


#: Columns of every processed row (before the contract's properties) and of the quarantine's that hold a closed set of
#: values: with the contracts' ``closed_sets`` the only ones written with Parquet dictionaries (``parquet.py``).
PROCESSED_CLOSED_SETS = ("domain", "source", "change_type")
QUARANTINE_CLOSED_SETS = ("reason", "reason_kind", "entity", "path")


def _processed_columns(contract: Contract, rules: dict[str, str], salt: str | None) -> list[Column]:
    t = F.col(f"_t_{_col_id(contract_id(contract.domain, contract.dataset))}")
    cols: list[Column] = [F.col("event_id"), F.col("domain"), F.col("source"), F.col("change_type")]
    for p in contract.properties:
        action = rules[p.classification]
        if action == "drop":
            continue
        value = t.getField(p.name)
        if action == "hash":
            # Hash the text form; values the hub hashed already (pii_hashed) are kept as they are.
            value = F.when(F.col("pii_hashed"), value.cast("string")).otherwise(
                hmac_sha256_hex(value.cast("string"), salt or "")
            )
        cols.append(value.alias(p.name))
    cols += [F.col("arrived_at"), F.col("processed_at"), F.col("event_date")]
    return cols


#: Rows per output file the raw job aims at (≈ 30 MB of Parquet for the benchmark's web logs): every task of a write
#: opens one file per date partition it holds rows of, and many small files are slow to write and to read (object
#: store requests, per-file footers), so a dataset is written by just enough tasks (``coalesce``: no shuffle).
ROWS_PER_FILE = 250_000


def _tasks(rows: int, per_file: int) -> int:
    return max(1, -(-rows // per_file))


def local(df: DataFrame) -> DataFrame:
    """``df`` computed once and collected to the driver as a local relation (JVM side, nothing passes through Python).
    Every query that broadcasts it then ships rows the driver already holds (a two-task job over local rows) instead of
    recomputing or rescanning its source. Only for tables a broadcast would collect to the driver anyway."""
    session = df.sparkSession
    jdf = session._jsparkSession.createDataFrame(df._jdf.collectAsList(), df._jdf.schema())
    return DataFrame(jdf, session)


@dataclass(frozen=True)
class Write:
    """One output of a run: rows, the observation counting them, partition column and path."""

    df: DataFrame
    observed: Observation
    partition: str
    path: str


def write_all(writes: list[Write], closed_sets: tuple[str, ...]) -> None:
    """Appends each output as Parquet with dictionaries on the ``closed_sets`` columns only, the writes running
    concurrently (their small broadcast jobs first, in the order given: the scheduler runs jobs first come, first
    served). Every write gets the same options: Spark 3.5 let concurrent writes with different per-column Parquet
    options take each other's (a test caught the quarantine written with the processed writes' columns)."""
    options = dictionary_options(closed_sets)

    def write(w: Write) -> None:
        w.df.write.options(**options).mode("append").partitionBy(w.partition).parquet(w.path)

    with ThreadPoolExecutor(max_workers=max(1, len(writes))) as pool:
        for f in [pool.submit(write, w) for w in writes]:
            f.result()


def run(
    spark: SparkSession,
    lines: DataFrame,
    raw_root: str,
    processed_root: str,
    quarantine_root: str,
    contracts: dict[str, Contract],
    *,
    hash_salt: str | None = None,
    privacy_rules: dict[str, str] | None = None,
    files: list[str] | None = None,
    run_time: datetime | None = None,
    rows_per_file: int | None = None,
) -> RunResult:
    """Runs raw → processed over ``lines`` (``value, path``: ``read_raw_lines`` or the Glue source) and returns the
    record accounting. ``files`` is the input file list if the caller knows it (saves a pass over the data).
    ``rows_per_file`` (default ``ROWS_PER_FILE``) sizes the output: each dataset is written by
    ``ceil(rows / rows_per_file)`` tasks, so a date partition gets that many files, not one per input split."""
    rules = parse_rules(privacy_rules)
    if any(rules[p.classification] == "hash" for c in contracts.values() for p in c.properties):
        check_salt(hash_salt)
    now = run_time or datetime.now(UTC)
    if files is None:
        # The file list of a file source, without reading the data; otherwise a pass over the paths.
        files = lines.inputFiles() or [r.path for r in lines.select("path").distinct().collect()]
    layout = local(layout_table(spark, files, raw_root))
    classified = classify(lines, layout, contracts).withColumn("_row", F.monotonically_increasing_id())
    ok = F.col("reason").isNull()
    keys = ["entity", "event_id"]
    staged = classified.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        # The first pass over the raw text builds the cache and counts rows per (entity, event date) partition the run
        # touches (and the failing rows): a hash aggregate of three columns.
        sizes = staged.groupBy(ok.alias("ok"), "entity", "event_date").count().collect()
        touched = sorted((r.entity, r.event_date) for r in sizes if r.ok)
        rows_of: dict[str, int] = {}
        for r in sizes:
            rows_of[r.entity if r.ok else ""] = rows_of.get(r.entity if r.ok else "", 0) + r["count"]
        per_file = rows_per_file or ROWS_PER_FILE
        ids = staged.where(ok).select(*keys)
        # Duplicated ids by (entity, id) over all dates (a producer reusing an id on another date is a duplicate too):
        # only ids are shuffled; then the (few) rows of those ids are ranked and the losers kept, as a local table.
        dup_ids = ids.groupBy(*keys).count().where("count > 1").select(*keys)
        order = Window.partitionBy(*keys).orderBy(F.col("arrived_at").asc_nulls_last(), F.col("file_id"), F.col("_row"))
        losers = local(
            staged.where(ok)
            .join(F.broadcast(dup_ids), keys, "left_semi")
            .withColumn("_rank", F.row_number().over(order))
            .where("_rank > 1")
            .select("_row", F.lit(True).alias("_dup"))
        )
        final = staged.join(F.broadcast(losers), "_row", "left")
        seen = existing_ids(spark, processed_root, touched)
        if seen is not None:
            replayed = local(seen.join(ids, keys, "left_semi").distinct().select(*keys, F.lit(True).alias("_seen")))
            final = final.join(F.broadcast(replayed), keys, "left")
        else:
            final = final.withColumn("_seen", F.lit(None).cast("boolean"))
        final = final.withColumn(
            "reason",
            F.when(ok & F.col("_dup").isNotNull(), F.lit("duplicate-in-run"))
            .when(ok & F.col("_seen").isNotNull(), F.lit("already-processed"))
            .otherwise(F.col("reason")),
        ).withColumn("processed_at", F.lit(now).cast("timestamp"))

        # Counts are observed while writing: no pass of their own. The writes read the same cache and run as
        # concurrent Spark jobs, so one job's planning and commit overlap another's tasks.
        result = RunResult(touched=touched)
        writes: dict[str, Write] = {}
        for name in sorted({e for e, _ in touched}):
            observed = Observation(f"processed-{name}")
            df = (
                final.where(ok & (F.col("entity") == name))
                .select(*_processed_columns(contracts[name], rules, hash_salt))
                .observe(observed, F.count(F.lit(1)).alias("rows"))
            )
            df = df.coalesce(_tasks(rows_of.get(name, 0), per_file))
            writes[name] = Write(df, observed, "event_date", f"{processed_root.rstrip('/')}/{processed_folder(name)}")
        kind = F.split("reason", ":")[0]
        observed = Observation("quarantine")
        quarantined = (
            final.where(~ok)
            .join(F.broadcast(layout.select("file_id", "path")), "file_id", "left")
            .select(
                "reason",
                kind.alias("reason_kind"),
                "entity",
                "event_id",
                "path",
                "value",
                F.col("processed_at").alias("quarantined_at"),
                F.lit(now.strftime("%Y-%m-%d")).alias("dt"),
            )
            .observe(observed, *[F.count_if(F.col("reason_kind") == k).alias(k) for k in REASONS])
        )
        quarantined = quarantined.coalesce(_tasks(rows_of.get("", 0), per_file))
        writes[""] = Write(quarantined, observed, "dt", quarantine_root)
        # The quarantine first: its query broadcasts two small tables, whose jobs would otherwise wait for the
        # dataset writes' tasks.
        # A property that is a closed set in one contract gets a dictionary in every dataset that has it (one set of
        # options for all the writes; a column the dictionary does not shrink is written plain by parquet-mr).
        closed = [
            *PROCESSED_CLOSED_SETS,
            *QUARANTINE_CLOSED_SETS,
            *(c for k in writes if k for c in contracts[k].closed_sets),
        ]
        write_all([writes[""], *[w for name, w in writes.items() if name]], tuple(closed))
        for name, w in writes.items():
            if name and w.observed.get["rows"]:
                result.processed[name] = w.observed.get["rows"]
        result.quarantined = {k: v for k, v in observed.get.items() if v}
        result.input = result.processed_total + result.quarantined_total
        return result
    finally:
        staged.unpersist()
