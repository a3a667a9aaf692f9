"""The Spark engine runs the same blocking SQL and the same scorer: same hits as DuckDB (local[2])."""

import logging

import pandas as pd

from bench.screening_data import generate
from sifa.screening.matcher import screen
from sifa.screening.matcher.engines import SparkEngine


def test_spark_gives_the_same_hits_as_duckdb():
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO lines at exit hit closed capture streams
    data = generate(n_watch=80, n_registry=600, seed=11)
    duck = screen(data.watch, data.registry, engine="duckdb", threshold=0.5)
    engine = SparkEngine(master="local[2]")
    try:
        spark = screen(data.watch, data.registry, engine=engine, threshold=0.5)
    finally:
        engine.spark.stop()
    assert len(duck.hits) >= 40
    assert duck.pairs_scored == spark.pairs_scored
    pd.testing.assert_frame_equal(duck.hits, spark.hits)
