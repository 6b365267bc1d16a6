"""Transformations of the platform's Glue jobs: plain functions over their inputs, no GlueContext.

Only the thin entry points (one per job, added with the processing issue) read job arguments and create the
GlueContext; everything here runs unchanged on local Spark and in pytest.
"""
