"""The session settings the jobs rely on (``session.JOB_CONF``, applied by local sessions and the Glue entry points)."""

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
