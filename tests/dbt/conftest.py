"""The demo drop built once per test session, shared by the tests that read the built warehouse
(ground truth in test_dbt_build.py, query plans in test_dbt_plans.py): one `dbt build` instead of
one per module."""

from __future__ import annotations

import json

import duckdb
import pytest

from test_dbt_build import DEMO_INPUTS, run_dbt


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """(dbt result, warehouse file, ground truth); the run's target/ is beside the warehouse."""
    demo = pytest.importorskip("demo_company")
    from demo_company.clock import CANONICAL_AS_OF
    loader = pytest.importorskip("ingest.loader")
    if not hasattr(demo, "generate") or not hasattr(loader, "load_drop"):
        pytest.skip("the demo generator or the loader is not available")
    root = tmp_path_factory.mktemp("dbt_demo")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    demo.generate(drop, people=1000, seed=5, as_of=CANONICAL_AS_OF.date(), **DEMO_INPUTS)
    with duckdb.connect(str(warehouse)) as con:
        loader.load_drop(con, drop)
    result = run_dbt(["build"], warehouse, root)
    truth = json.loads((drop / "_ground_truth" / "ground_truth.json").read_text(encoding="utf-8"))
    return result, warehouse, truth
