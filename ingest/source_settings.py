"""Per-source settings: ``<exports>/<source>/_source.yml`` (optional).

    timezone: Europe/Madrid          # wall-clock timestamps without a zone are this time; default UTC
    files:                           # non-standard file names -> object (glob, case-insensitive)
      "weekly leads *.csv": lead
      "2026/*/contacts view.csv": contacts   # a pattern with "/" matches the path below the source folder
    deal_stages:                     # HubSpot only: pipeline -> stage -> open / won / lost
      "Partner pipeline":            # the pipeline as the deals export writes it (label or id); "*": any
        "Signed": won                # the stage as the export writes it (label or id)

A ``files`` pattern is tried before the vendor's default names. The time zone is an IANA name
DuckDB knows (``Europe/Madrid``, ``America/New_York``, ``UTC``); values written with a zone or an
offset ignore it. ``deal_stages`` classifies HubSpot deal stages the default pipeline's ids
and labels (seed ``hubspot_deal_stages``) do not cover; pipeline and stage match case-insensitively
on the trimmed value. An invalid file is a ``SettingsError`` whose message names the file and the key;
the loader then refuses every file of that source with that message.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import duckdb
import yaml

from ingest.contracts import contracts_for

SETTINGS_FILE = "_source.yml"
MAX_SETTINGS_BYTES = 64 * 1024
KEYS = ("files", "timezone", "deal_stages")
# What a deal stage can mean (open, won, lost): the dbt seed that the classification model reads.
DEAL_STAGE_OUTCOMES_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "deal_stage_outcomes.csv"
# The sources whose exports carry deal stages without saying whether the stage is won.
DEAL_STAGE_SOURCES = ("hubspot",)
# The ``deal_stages`` pipeline key that applies to every pipeline (a pipeline's own entry wins).
ANY_PIPELINE = "*"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class SourceSettings:
    source: str
    timezone: str = "UTC"
    files: tuple[tuple[str, str], ...] = ()
    # (pipeline, stage, outcome), as written in the file.
    deal_stages: tuple[tuple[str, str, str], ...] = ()

    def mapped_object(self, relative_to_source: str) -> tuple[str, str] | None:
        """(object, pattern) of the first ``files`` pattern a file matches, by name or by path."""
        path = relative_to_source.lower()
        name = path.rsplit("/", 1)[-1]
        for pattern, obj in self.files:
            if fnmatch(path if "/" in pattern else name, pattern.lower()):
                return obj, pattern
        return None


@functools.cache
def deal_stage_outcomes() -> tuple[str, ...]:
    """The outcomes a deal stage can have, in the seed's order."""
    with open(DEAL_STAGE_OUTCOMES_FILE, encoding="utf-8", newline="") as handle:
        return tuple(row["outcome"] for row in csv.DictReader(handle))


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zone names DuckDB converts with (the names the SQL will use)."""
    with duckdb.connect() as con:
        return frozenset(name for (name,) in con.execute("select name from pg_timezone_names()").fetchall())


def settings_path(exports_dir: Path, source: str) -> Path:
    return Path(exports_dir) / source / SETTINGS_FILE


def load_source_settings(exports_dir: Path, source: str) -> SourceSettings:
    """The settings of one source folder: defaults when it has no ``_source.yml``."""
    root = Path(exports_dir).absolute()
    path = settings_path(root, source)
    where = f"{source}/{SETTINGS_FILE}"
    if not os.path.lexists(path):
        return SourceSettings(source)
    if path.is_symlink() or (root / source).is_symlink():
        raise SettingsError(f"{where}: symbolic link: not followed")
    if not path.is_file():
        raise SettingsError(f"{where}: not a regular file")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise SettingsError(f"{where}: could not be read: {exc.strerror or exc}") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"{where}: larger than {MAX_SETTINGS_BYTES // 1024} KB; expected a few settings")
    try:
        document = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SettingsError(f"{where}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" on line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SettingsError(f"{where}: not valid YAML{line}: {problem}") from None
    return parse_settings(source, document, where)


def parse_settings(source: str, document, where: str) -> SourceSettings:
    """Validate a parsed ``_source.yml``; ``where`` names it in error messages."""
    if document is None:
        return SourceSettings(source)
    if not isinstance(document, dict):
        raise SettingsError(f"{where}: expected settings as 'key: value' lines ({', '.join(KEYS)})")
    unknown = [str(key) for key in document if key not in KEYS]
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r} (known settings: {', '.join(KEYS)})")
    return SourceSettings(
        source,
        timezone=_timezone(document.get("timezone", "UTC"), where),
        files=_files(source, document.get("files") or {}, where),
        deal_stages=_deal_stages(source, document.get("deal_stages"), where),
    )


def _timezone(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{where}: timezone: expected a time zone name such as Europe/Madrid, got {value!r}")
    name = value.strip()
    zones = known_time_zones()
    if name in zones:
        return name
    spelled = sorted(z for z in zones if z.casefold() == name.casefold())
    hint = f"; did you mean {spelled[0]!r}?" if spelled else " (use an IANA name such as Europe/Madrid or UTC)"
    raise SettingsError(f"{where}: timezone: unknown time zone {name!r}{hint}")


def _files(source: str, value, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: files: expected 'file name pattern: object' lines")
    objects = [c.object for c in contracts_for(source)]
    mapping = []
    for pattern, obj in value.items():
        if not isinstance(pattern, str) or not pattern.strip():
            raise SettingsError(f"{where}: files: {pattern!r}: expected a file name pattern")
        if obj not in objects:
            raise SettingsError(
                f"{where}: files: {pattern!r}: unknown {source} object {obj!r} (known: {', '.join(objects)})"
            )
        mapping.append((pattern.strip(), obj))
    return tuple(mapping)


def _deal_stages(source: str, value, where: str) -> tuple[tuple[str, str, str], ...]:
    if value is None:
        return ()
    if source not in DEAL_STAGE_SOURCES:
        raise SettingsError(f"{where}: deal_stages: only for {', '.join(DEAL_STAGE_SOURCES)} (Salesforce says IsWon)")
    outcomes = ", ".join(deal_stage_outcomes())
    shape = f"expected 'pipeline:' lines, each with 'stage: outcome' lines below ({outcomes})"
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: deal_stages: {shape}")
    mapping = []
    for pipeline, stages in value.items():
        if not isinstance(pipeline, (str, int)) or not str(pipeline).strip():
            raise SettingsError(f"{where}: deal_stages: {pipeline!r}: expected a pipeline label or id")
        if not isinstance(stages, dict) or not stages:
            raise SettingsError(f"{where}: deal_stages: {str(pipeline)!r}: {shape}")
        for stage, outcome in stages.items():
            if not isinstance(stage, (str, int)) or not str(stage).strip():
                raise SettingsError(f"{where}: deal_stages: {str(pipeline)!r}: {stage!r}: expected a stage label or id")
            if outcome not in deal_stage_outcomes():
                raise SettingsError(f"{where}: deal_stages: {str(pipeline)!r}: {str(stage)!r}: expected "
                                    f"{outcomes}, got {outcome!r}")
            mapping.append((str(pipeline).strip(), str(stage).strip(), outcome))
    seen = set()
    for pipeline, stage, _ in mapping:
        key = (pipeline.casefold(), stage.casefold())
        if key in seen:
            raise SettingsError(f"{where}: deal_stages: {pipeline!r}: {stage!r} is listed twice (case is ignored)")
        seen.add(key)
    return tuple(mapping)
