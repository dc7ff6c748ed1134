"""The dbt CLI resource: the private dagster-dbt members it overrides are still there, still called
before each invocation with the same signatures, and the warehouse reaches dbt without changing
this process's environment."""

import inspect
import os

from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.dbt_cli import WarehouseDbtCliResource, dbt_cli_resource


def test_the_overridden_private_members_exist_upstream_with_the_expected_signatures():
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), type(
        inspect.getattr_static(WarehouseDbtCliResource, "_cli_version")))
    upstream = inspect.signature(DbtCliResource._initialize_dbt_core_adapter)
    assert list(upstream.parameters) == ["self", "args"]
    # cli() still consults both before starting dbt; if it stops, the overrides are dead code.
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source
    assert "self._initialize_dbt_core_adapter(args)" in source


def test_the_warehouse_reaches_the_dbt_process_and_the_environment_is_left_as_it_was(tmp_path, monkeypatch):
    seen = {}

    def fake_cli(self, args, **kwargs):
        seen["warehouse"] = os.environ.get(settings.WAREHOUSE_ENV)
        return "invocation"

    monkeypatch.setattr(DbtCliResource, "cli", fake_cli)
    monkeypatch.setenv(settings.WAREHOUSE_ENV, "/elsewhere.duckdb")
    resource = dbt_cli_resource()
    assert resource.cli_for_warehouse(tmp_path / "w.duckdb", ["build"]) == "invocation"
    assert seen["warehouse"] == str(tmp_path / "w.duckdb")
    assert os.environ[settings.WAREHOUSE_ENV] == "/elsewhere.duckdb"

    monkeypatch.delenv(settings.WAREHOUSE_ENV)
    resource.cli_for_warehouse(tmp_path / "w.duckdb", ["build"])
    assert settings.WAREHOUSE_ENV not in os.environ
