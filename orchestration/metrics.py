"""`smarketing metrics`: MetricFlow queries on the published marts, never on a file a run writes.

MetricFlow (`mf`) reads ``<project>/target/semantic_manifest.json`` and connects with the
project's dbt profile. The project's own target/ holds the manifest the pipeline builds from (marts
in the audit schema, the working file), so the semantic layer is parsed for the ``published``
target (profiles.yml: the published file attached read-only, the marts in schema ``marts``) in a
copy of the project beside the warehouse's working file, once per change of the dbt project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from orchestration import settings
from orchestration.dbt_project import dbt_executable, dbt_parse_args, prepared_manifest

PUBLISHED_TARGET = "published"
MF_EXECUTABLE = Path(sys.executable).parent / "mf"
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
_PROJECT_DIRS = ("definitions", "models", "macros", "seeds", "tests", "snapshots")


class MetricsError(RuntimeError):
    """The semantic layer could not be prepared; the message says why."""


def metrics_project(published: Path) -> Path:
    """The copy of the dbt project whose semantic manifest reads the published file ``published``."""
    return settings.working_path(Path(published)).parent / "metricflow"


def _environment(published: Path) -> dict[str, str]:
    return {**os.environ, settings.WAREHOUSE_ENV: str(published), "DBT_TARGET": PUBLISHED_TARGET,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def prepare_metrics_project(published: Path) -> Path:
    """Copy the dbt project and parse it for the published target, when the project changed."""
    published = Path(published)
    project = metrics_project(published)
    source_manifest = prepared_manifest()
    stamp = project / "target" / ".parsed_from"
    wanted = f"{source_manifest.stat().st_mtime_ns}\n"
    if stamp.exists() and stamp.read_text() == wanted and (project / "target" / "semantic_manifest.json").exists():
        return project
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in _PROJECT_FILES:
        shutil.copy2(settings.DBT_PROJECT_DIR / name, project / name)
    for name in _PROJECT_DIRS:
        if (settings.DBT_PROJECT_DIR / name).is_dir():
            shutil.copytree(settings.DBT_PROJECT_DIR / name, project / name)
    profiles = yaml.safe_load((project / "profiles.yml").read_text())
    for profile in profiles.values():
        profile["target"] = PUBLISHED_TARGET  # mf connects with the profile's default target
    (project / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    completed = subprocess.run(
        [dbt_executable(), *dbt_parse_args(), "--project-dir", str(project), "--profiles-dir", str(project),
         "--target", PUBLISHED_TARGET],
        cwd=project, env=_environment(published), capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise MetricsError("dbt could not parse the semantic layer for the published marts:\n"
                           + (completed.stdout + completed.stderr).strip()[-3000:])
    stamp.write_text(wanted)
    return project


def run_metrics(published: Path, mf_args: list[str]) -> int:
    """``mf <mf_args>`` (e.g. ``query --metrics mqls --group-by metric_time__month``) on the published
    marts; mf's exit code."""
    published = Path(published)
    if not published.is_file():
        raise MetricsError(f"nothing has been published at {published} yet: run `smarketing run` first")
    project = prepare_metrics_project(published)
    mf = str(MF_EXECUTABLE) if MF_EXECUTABLE.exists() else "mf"
    return subprocess.run([mf, *mf_args], cwd=project, env=_environment(published), check=False).returncode
