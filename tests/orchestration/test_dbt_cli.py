"""The dbt CLI resource: the private dagster-dbt members it overrides are still there, still called
before each invocation with the same signatures, the warehouse reaches dbt without changing
this process's environment, and a run into a new warehouse keeps the parse `smarketing prepare` made."""

import inspect
import os
import shutil
import subprocess

from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.dbt_cli import WarehouseDbtCliResource, dbt_cli_resource, dbt_environment
from orchestration.dbt_entry import FOLDER_ENV
from orchestration.dbt_project import dbt_executable, dbt_parse_args, dbt_project


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
        seen["folder"] = os.environ.get(FOLDER_ENV)
        seen["memory_limit"] = os.environ.get(settings.MEMORY_LIMIT_ENV)
        return "invocation"

    monkeypatch.setattr(DbtCliResource, "cli", fake_cli)
    monkeypatch.setenv(settings.WAREHOUSE_ENV, "/elsewhere.duckdb")
    monkeypatch.delenv(FOLDER_ENV, raising=False)
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, "5GB")
    resource = dbt_cli_resource()
    assert resource.cli_for_warehouse(tmp_path / "w.duckdb", ["build"]) == "invocation"
    assert seen == {"warehouse": "w.duckdb", "folder": str(tmp_path), "memory_limit": "5GB"}
    assert os.environ[settings.WAREHOUSE_ENV] == "/elsewhere.duckdb"
    assert FOLDER_ENV not in os.environ

    monkeypatch.delenv(settings.WAREHOUSE_ENV)
    resource.cli_for_warehouse(tmp_path / "w.duckdb", ["build"], in_folder=False)
    assert seen == {"warehouse": "w.duckdb", "folder": None, "memory_limit": "5GB"}
    assert settings.WAREHOUSE_ENV not in os.environ


def test_a_warehouse_anywhere_keeps_the_prepared_parse(tmp_path):
    # dbt re-parses the whole project (4-5 s) when the profile differs from the one the cached parse
    # was made with. A warehouse in another folder, with the same file name, must not make it so.
    project = dbt_project()
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy(project.project_dir / project.target_path / "partial_parse.msgpack", target)
    elsewhere = settings.working_path(tmp_path / "elsewhere" / "w.duckdb")
    elsewhere.parent.mkdir(parents=True)
    env = {**os.environ, **dbt_environment(elsewhere), "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    parse = subprocess.run([dbt_executable(), "parse", *dbt_parse_args()[1:]], env=env, capture_output=True,
                           text=True, cwd=project.project_dir)
    assert parse.returncode == 0, parse.stdout + parse.stderr
    log = (target / "dbt.log").read_text()
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log
    assert not any(elsewhere.parent.iterdir())  # the working folder holds no dbt artefact


def test_the_duckdb_memory_limit_is_half_the_machine_at_most_the_cap_unless_overridden(monkeypatch):
    monkeypatch.delenv(settings.MEMORY_LIMIT_ENV, raising=False)
    machine_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    assert settings.duckdb_memory_limit() == f"{min(settings.MEMORY_LIMIT_CAP_MIB, machine_mib // 2)}MiB"
    monkeypatch.setenv(settings.MEMORY_LIMIT_ENV, "8GB")
    assert settings.duckdb_memory_limit() == "8GB"
