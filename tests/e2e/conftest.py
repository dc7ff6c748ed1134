"""The published small demo, built once per session: `smarketing run` as a user runs it, output piped.

The run-output tests read its output (tests/e2e/test_demo_pipeline.py); the report tests read its
published marts (tests/e2e/test_report.py). Tests that change a warehouse work on a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demo_company import generate
from demo_company.clock import CANONICAL_AS_OF
from orchestration.cli import demo_company_inputs


def smarketing(*args: str, dagster_home: Path) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, its output piped, recording into the Dagster instance at ``dagster_home``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SMARKETING_EXPORTS", "SMARKETING_WAREHOUSE")}
    env["DAGSTER_HOME"] = str(dagster_home)
    return subprocess.run([str(Path(sys.executable).parent / "smarketing"), *args], capture_output=True, text=True,
                          env=env, timeout=900)


@pytest.fixture(scope="session")
def cli_small_demo(tmp_path_factory):
    """A 600-person drop, published by `smarketing run` with its output piped, built once."""
    root = tmp_path_factory.mktemp("published_small_demo")
    drop, warehouse, home = root / "exports", root / "warehouse.duckdb", root / "dagster_home"
    generate(drop, people=600, seed=11, as_of=CANONICAL_AS_OF.date(), **demo_company_inputs())
    home.mkdir()
    shutil.copyfile(Path(__file__).resolve().parents[2] / "dagster.yaml", home / "dagster.yaml")
    done = smarketing("run", "--exports", str(drop), "--warehouse", str(warehouse), dagster_home=home)
    return drop, warehouse, home, done


@pytest.fixture(scope="session")
def published_small_demo(cli_small_demo):
    """A 600-person drop and the warehouse a successful run published from it."""
    drop, warehouse, _, done = cli_small_demo
    assert done.returncode == 0, done.stdout + done.stderr
    return drop, warehouse
