"""The streaming path (Parquet in, chunked preparation, engine loads files) gives `screen`'s result."""

import pandas as pd
import pytest

from bench.screening_data import generate
from sifa.core.errors import SifaError
from sifa.screening.matcher import screen, screen_files
from sifa.screening.matcher.prepare import prepare, prepare_parquet


@pytest.fixture(scope="module")
def data():
    return generate(n_watch=150, n_registry=1200, seed=13)


@pytest.fixture(scope="module")
def files(data, tmp_path_factory):
    root = tmp_path_factory.mktemp("screen-files")
    data.watch.to_parquet(root / "watch.parquet")
    data.registry.to_parquet(root / "registry.parquet")
    return root / "watch.parquet", root / "registry.parquet"


@pytest.fixture(scope="module")
def in_memory(data):
    return screen(data.watch, data.registry, threshold=0.5, batch_size=40)


@pytest.mark.parametrize(("chunk_rows", "batch_size"), [(100_000, 40), (7, 40), (13, 1000)])
def test_screen_files_equals_screen_whatever_the_chunks(files, in_memory, tmp_path, chunk_rows, batch_size):
    result = screen_files(*files, workdir=tmp_path, threshold=0.5, chunk_rows=chunk_rows, batch_size=batch_size)
    assert len(in_memory.hits) >= 60
    assert result.pairs_scored == in_memory.pairs_scored
    pd.testing.assert_frame_equal(result.hits, in_memory.hits)
    assert set(result.timings) == {"prepare", "load", "match"}


def test_screen_files_with_worker_processes(files, in_memory, tmp_path):
    result = screen_files(*files, workdir=tmp_path, threshold=0.5, chunk_rows=250, workers=2)
    pd.testing.assert_frame_equal(result.hits, in_memory.hits)


def test_prepared_parts_equal_prepare_of_the_whole_file(data, files, tmp_path):
    parts, rows = prepare_parquet(
        files[1], tmp_path, key="record_id", columns=list(data.registry.columns), chunk_rows=97
    )
    assert rows == len(data.registry)
    assert len(parts) == -(-rows // 97)
    streamed = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    assert streamed["pos"].tolist() == list(range(rows))
    whole = prepare(pd.read_parquet(files[1]), key="record_id")
    whole = whole.astype(object).where(whole.notna(), None)
    streamed = streamed.drop(columns="pos").astype(object)
    pd.testing.assert_frame_equal(streamed.where(streamed.notna(), None), whole)


def test_dropping_pairs_of_two_valid_different_ids_never_changes_the_hits(data):
    everything = screen(data.watch, data.registry, threshold=0.0)  # below the bound: nothing dropped
    kept = everything.hits[everything.hits["score"] >= 0.5].reset_index(drop=True)
    dropped = screen(data.watch, data.registry, threshold=0.5)
    assert dropped.pairs_scored < everything.pairs_scored
    pd.testing.assert_frame_equal(dropped.hits, kept)


def test_screen_files_names_the_row_of_a_duplicate_or_blank_key(data, tmp_path):
    registry = data.registry.copy()
    registry.loc[900, "record_id"] = registry.loc[10, "record_id"]
    registry.to_parquet(tmp_path / "dup.parquet")
    with pytest.raises(SifaError) as caught:
        screen_files(tmp_path / "dup.parquet", tmp_path / "dup.parquet", workdir=tmp_path / "w1", chunk_rows=100)
    assert "名单" in caught.value.message  # the watch list is checked first: its key column is missing
    data.watch.to_parquet(tmp_path / "watch.parquet")
    with pytest.raises(SifaError) as caught:
        screen_files(tmp_path / "watch.parquet", tmp_path / "dup.parquet", workdir=tmp_path / "w2", chunk_rows=100)
    with pytest.raises(SifaError) as expected:
        screen(data.watch, registry)
    assert caught.value.details == expected.value.details == {"row": 902}
    registry.loc[500, "record_id"] = "  "
    registry.to_parquet(tmp_path / "blank.parquet")
    with pytest.raises(SifaError) as caught:
        screen_files(tmp_path / "watch.parquet", tmp_path / "blank.parquet", workdir=tmp_path / "w3", chunk_rows=100)
    assert caught.value.details == {"row": 502}


def test_spark_on_parquet_parts_gives_the_same_hits(files, in_memory, tmp_path):
    import logging

    from sifa.screening.matcher.engines import SparkEngine

    logging.getLogger("py4j").setLevel(logging.WARNING)
    engine = SparkEngine(master="local[2]")
    try:
        result = screen_files(*files, workdir=tmp_path, engine=engine, threshold=0.5, chunk_rows=300, batch_size=40)
    finally:
        engine.spark.stop()
    assert result.pairs_scored == in_memory.pairs_scored
    pd.testing.assert_frame_equal(result.hits, in_memory.hits)


def test_generate_files_writes_the_profile_in_chunks(tmp_path):
    from bench.screening_data import generate_files

    ds = generate_files(tmp_path, n_watch=300, n_registry=3000, seed=3, chunk_rows=700)
    registry, watch = pd.read_parquet(ds.registry), pd.read_parquet(ds.watch)
    truth, classes = ds.truth_and_classes()
    assert len(watch) == 300
    assert len(registry) == ds.n_registry
    assert ds.n_registry >= 2990
    assert registry["record_id"].is_unique
    assert len(truth) == 150
    assert set(classes.values()) >= {"clean", "compound", "namesake", "near_id"}
    background = registry[~registry["record_id"].isin(classes)]
    assert len(background) == ds.counts["background"]
    assert not background["id_number"].isin(watch["id_number"]).any()
    assert background["id_number"].is_unique
    hits = screen_files(ds.watch, ds.registry, workdir=tmp_path / "work", chunk_rows=500).hits
    found = set(zip(hits["person_id"], hits["record_id"], strict=True))
    assert len(found & truth) >= 140
    assert len(found - truth) <= 3
