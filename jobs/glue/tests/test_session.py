"""The session settings the jobs rely on (``session.JOB_CONF``, applied by local sessions and the Glue entry points):
aggregates without the two-level map, and UTC, which ``contracts.utc_timestamp``'s fast path reads times in."""

from cdp_jobs.session import JOB_CONF

TWO_LEVEL = "spark.sql.codegen.aggregate.map.twolevel.enabled"


def generated_code_of_a_grouped_count(spark) -> str:
    df = spark.range(1000).selectExpr("cast(id as string) as k").groupBy("k").count()
    df.collect()  # the adaptive plan's final stages are generated when it runs
    debug = spark._jvm.org.apache.spark.sql.execution.debug.package
    return debug.codegenString(df._jdf.queryExecution().executedPlan())


def test_hash_aggregates_skip_the_two_level_fast_map(spark):
    assert JOB_CONF[TWO_LEVEL] == "false"
    assert "hashAgg_hashMap" in generated_code_of_a_grouped_count(spark)  # the aggregate is generated code
    assert "FastHashMap" not in generated_code_of_a_grouped_count(spark)
    # Spark's default puts the fast map first: the check above would see it.
    spark.conf.unset(TWO_LEVEL)
    try:
        assert "FastHashMap" in generated_code_of_a_grouped_count(spark)
    finally:
        spark.conf.set(TWO_LEVEL, JOB_CONF[TWO_LEVEL])


def test_utc_times_read_on_the_fast_path_are_the_instants_spark_reads(spark):
    from pyspark.sql import functions as F

    from cdp_jobs import contracts
    from cdp_jobs.contracts import utc_timestamp

    texts = [
        "2026-11-30T12:00:00Z",
        "2026-11-30T12:00:00.000Z",
        "2026-11-30T23:59:59.123456789Z",
        "2026-11-30 08:15:00.5Z",
        "2026-03-29T01:30:00Z",  # a wall time some zones skip: UTC has none
        "2026-11-30T12:00:00+01:00",
        "2026-11-30T12:00:00-0530",
        "2026-11-30T12:00:00z",
        "2026-11-30T12:00:00+01:00Z",  # not a time: null both ways
        "2026-13-30T12:00:00Z",
        "Z",
        None,
    ]
    df = spark.createDataFrame([(t,) for t in texts], "t string")

    def both():
        rows = df.select("t", utc_timestamp(F.col("t")).alias("fast"), F.to_timestamp("t").alias("spark")).collect()
        assert [(r.t, r.fast) for r in rows] == [(r.t, r.spark) for r in rows]
        assert sum(r.fast is not None for r in rows) >= 7

    both()
    # Six take the fast path (no zone lookup; the month 13 reads as null both ways): read without their Z.
    assert df.where(F.col("t").rlike(contracts._UTC_TIME)).count() == 6
    assert "substring" in utc_timestamp(F.col("t"))._jc.toString()
    # In a session of another time zone a wall time is not UTC: Spark's own path, the same instants.
    spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
    try:
        assert "substring" not in utc_timestamp(F.col("t"))._jc.toString()
        both()
    finally:
        spark.conf.set("spark.sql.session.timeZone", JOB_CONF["spark.sql.session.timeZone"])
