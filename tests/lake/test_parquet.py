"""A Parquet lake answers the read API exactly as the DuckDB file does."""
import pandas as pd
import pytest

from lake.api import Filters, LakeAPI
from lake.parquet import export
from lake.store import Reader
from tests.lake.small_lake import build


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("pq")
    path = build(root / "senco.duckdb")
    out = export(path, root / "parquet")
    return LakeAPI(Reader(path=path)), LakeAPI(Reader(parquet=str(out))), out


def test_partitioned_by_year_and_la(both):
    _, _, out = both
    assert (out / "returns" / "part_year=2025" / "part_la=900").is_dir()
    assert (out / "returns" / "part_year=2024" / "part_la=900").is_dir()


@pytest.mark.parametrize("filters", [Filters(year="2025/26"), Filters(year="2024/25", phase=("primary",))])
def test_same_answers_from_parquet(both, filters):
    duck, pq, _ = both
    a = duck.school_year(filters).reset_index(drop=True)
    b = pq.school_year(filters).reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert duck.years() == pq.years()
    assert pq.measure_value("median_senco_hours", filters) == duck.measure_value("median_senco_hours", filters)


def test_reexport_is_noticed_by_an_open_reader(both, tmp_path):
    duck, pq, out = both
    before = pq.version()
    export(duck.reader.path, out)
    assert pq.version() != before
    assert pq.years() == duck.years()
