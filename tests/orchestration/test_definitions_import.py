"""Loading the Dagster definitions builds definitions and nothing else: no environment variable or
PATH written, no dbt parse; without a prepared manifest it says how to make one."""

import subprocess
import sys

import pytest

from orchestration import dbt_project

IMPORT_ONLY = """
import os
from orchestration.dbt_project import dbt_project
manifest = dbt_project().manifest_path
before_env, before_mtime = dict(os.environ), manifest.stat().st_mtime_ns
import orchestration.definitions
assert dict(os.environ) == before_env, set(os.environ.items()) ^ set(before_env.items())
assert manifest.stat().st_mtime_ns == before_mtime, "importing the definitions re-parsed the dbt project"
"""


def test_importing_the_definitions_writes_no_environment_and_parses_nothing():
    result = subprocess.run([sys.executable, "-c", IMPORT_ONLY], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_a_missing_manifest_is_reported_with_how_to_prepare_it(tmp_path, monkeypatch):
    class Unprepared:
        manifest_path = tmp_path / "target" / "manifest.json"

    monkeypatch.setattr(dbt_project, "dbt_project", lambda: Unprepared())
    with pytest.raises(dbt_project.ManifestMissing, match="run `smarketing prepare`"):
        dbt_project.prepared_manifest()
