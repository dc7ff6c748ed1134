"""The project's table and view materializations on DuckDB (macros/utils/materializations.sql), in a
project of three models of their own: each run replaces the relation with the model's new rows, a
model that changes between table and view replaces the other kind, and a model asking for what the
materializations do not support is refused by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration import settings

DBT = Path(sys.executable).parent / "dbt"
MATERIALIZATIONS = settings.DBT_PROJECT_DIR / "macros" / "utils" / "materializations.sql"


def project(folder: Path, models: dict[str, str], schema_yml: str = "") -> Path:
    (folder / "models").mkdir(parents=True, exist_ok=True)
    (folder / "macros").mkdir(exist_ok=True)
    shutil.copy(MATERIALIZATIONS, folder / "macros" / MATERIALIZATIONS.name)
    (folder / "dbt_project.yml").write_text(
        "name: materializations_check\nversion: '1.0'\nprofile: check\n", encoding="utf-8")
    (folder / "profiles.yml").write_text(
        "check:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        f"      path: '{folder / 'check.duckdb'}'\n      schema: main\n      threads: 1\n", encoding="utf-8")
    for old in (folder / "models").glob("*"):
        old.unlink()
    for name, body in models.items():
        (folder / "models" / f"{name}.sql").write_text(body, encoding="utf-8")
    if schema_yml:
        (folder / "models" / "schema.yml").write_text(schema_yml, encoding="utf-8")
    return folder


def dbt_run(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run([str(DBT), "run", "--project-dir", str(folder), "--profiles-dir", str(folder),
                           "--no-partial-parse"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def relations(folder: Path) -> dict[str, tuple[str, list]]:
    with duckdb.connect(str(folder / "check.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'main'").fetchall())
        return {name: (kind, con.execute(f'select n from main."{name}" order by n').fetchall())
                for name, kind in kinds.items()}


def test_each_run_replaces_the_relation_and_a_model_may_change_kind(tmp_path):
    folder = project(tmp_path / "p", {
        "first": "{{ config(materialized='table') }} select 1 as n",
        "second": "{{ config(materialized='view') }} select n + 1 as n from {{ ref('first') }}",
    })
    result = dbt_run(folder)
    assert result.returncode == 0, result.stdout[-3000:]
    assert relations(folder) == {"first": ("BASE TABLE", [(1,)]), "second": ("VIEW", [(2,)])}

    # The next run: new rows, and each model switches kind.
    project(folder, {
        "first": "{{ config(materialized='view') }} select 10 as n union all select 11",
        "second": "{{ config(materialized='table') }} select n + 1 as n from {{ ref('first') }}",
    })
    result = dbt_run(folder)
    assert result.returncode == 0, result.stdout[-3000:]
    assert relations(folder) == {"first": ("VIEW", [(10,), (11,)]), "second": ("BASE TABLE", [(11,), (12,)])}
    # No relation left over under a temporary or backup name.
    assert set(relations(folder)) == {"first", "second"}


def test_a_model_enforcing_a_contract_is_refused_by_name(tmp_path):
    folder = project(tmp_path / "p", {"contracted": "{{ config(materialized='table') }} select 1 as n"}, """
models:
  - name: contracted
    config:
      contract:
        enforced: true
    columns:
      - name: n
        data_type: integer
""")
    result = dbt_run(folder)
    assert result.returncode != 0
    assert "model.materializations_check.contracted: enforced contracts are not supported by the project's table " \
           "materialization" in result.stdout, result.stdout[-3000:]
    assert not (folder / "check.duckdb").exists() or "contracted" not in relations(folder)


def test_a_model_with_a_sql_header_is_refused_by_name(tmp_path):
    folder = project(tmp_path / "p", {
        "headed": "{{ config(materialized='view', sql_header='set threads = 1;') }} select 1 as n"})
    result = dbt_run(folder)
    assert result.returncode != 0
    assert "model.materializations_check.headed: `sql_header` is not supported by the project's view " \
           "materialization" in result.stdout, result.stdout[-3000:]
