"""Which export files a drop folder holds, and which contract each belongs to.

A drop is ``<exports>/<source>/...`` for each source in ``contracts.SOURCES``. The object a file
belongs to is decided, in this order, by:

1. the ``files`` patterns of ``<source>/_source.yml`` (``ingest.source_settings``);
2. the vendor's default export names (``Contract.file_patterns``); an XLSX workbook is named as its
   CSV twin would be (``Lead.xlsx``, ``hubspot-crm-exports-all-deals-2026-11-01.xlsx``);
3. for HubSpot and ad-spend CSVs only (saved views are named after the view, Google Ads downloads
   ``Campaign report.csv``), its header: the object with every required column present and the
   largest share of the file's labels known. A tie is ambiguous and the file is not loaded.

Folders whose names start with ``_`` or ``.`` are never read, at the top of the drop or inside a
source folder: no vendor names an export folder so, and they are where an operator keeps their
own material (``_archive/``, ``.git/``, a test-data generator's answers).

Nothing is followed through a symbolic link: a linked file that looks like an export is planned
so the loader refuses it visibly, anything else linked is reported as unrecognised.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest import workbooks
from ingest.contracts import CONTRACTS, SOURCES, Contract, contract_for_file, contracts_for
from ingest.files import UnsupportedEncoding, read_head
from ingest.headers import HeaderNotFound, find_header
from ingest.source_settings import SETTINGS_FILE, SettingsError, SourceSettings, load_source_settings

# Folders starting with one of these are never export folders (see the module docstring).
RESERVED_FOLDER_PREFIXES = ("_", ".")
# Sources whose exports are named after a user's view or report (or by hand), not after the object.
RECOGNISED_BY_HEADER = ("hubspot", "spend", "targets", "content")


@dataclass(frozen=True)
class Unrecognised:
    path: str
    reason: str

    def describe(self) -> str:
        return f"{shown_name(self.path)}: {self.reason}"


def shown_name(name: str) -> str:
    """A file name as messages show it: as is when every character prints, else escaped like a Python
    string literal, so a newline or control character in a name cannot split or forge a report line."""
    return name if name.isprintable() else repr(name)


@dataclass
class DropPlan:
    exports_dir: Path
    files: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    unrecognised: list[Unrecognised] = field(default_factory=list)
    absent_sources: list[str] = field(default_factory=list)
    # Sources whose _source.yml is invalid: their files are refused with this message.
    refused_sources: dict[str, str] = field(default_factory=dict)

    def files_for(self, contract: Contract) -> list[Path]:
        return list(self.files.get((contract.source, contract.object), []))

    def planned(self) -> list[tuple[Contract, list[Path]]]:
        """Every contract with its files (possibly none), in source, object, name order."""
        return [(c, self.files_for(c)) for source in SOURCES for c in contracts_for(source)]

    @property
    def absent_objects(self) -> list[Contract]:
        return [
            c for c in CONTRACTS
            if c.source not in self.absent_sources and not self.files_for(c)
        ]

    def notes(self) -> list[str]:
        notes = [] if self.exports_dir.is_dir() else [f"export folder {self.exports_dir} does not exist"]
        notes += [
            f"source {source}: no {source}/ folder in the drop; its raw tables stay empty"
            for source in self.absent_sources
        ]
        notes += [
            f"source {source}: every file refused: {message}" for source, message in self.refused_sources.items()
        ]
        notes += [
            f"{c.source}/{c.object}: no file in the drop (expected a name like {c.file_patterns[0]}); "
            f"{c.schema}.{c.table} gets no new rows"
            for c in self.absent_objects
        ]
        notes += [f"not loaded: {u.describe()}" for u in self.unrecognised]
        return notes


def plan_drop(exports_dir: Path) -> DropPlan:
    root = Path(exports_dir).absolute()
    plan = DropPlan(exports_dir=root)
    present = set()
    for entry in sorted(_scandir(root, plan), key=lambda e: natural_key(e.name)):
        name = entry.name
        if name in SOURCES:
            if entry.is_symlink():
                plan.unrecognised.append(Unrecognised(name, "symbolic link: not followed"))
            elif not entry.is_dir(follow_symlinks=False):
                plan.unrecognised.append(Unrecognised(name, "expected a folder of exports"))
            else:
                present.add(name)
                try:
                    settings = load_source_settings(root, name)
                except SettingsError as exc:
                    plan.refused_sources[name] = str(exc)
                    settings = None
                _plan_source(plan, name, root, settings)
        elif is_reserved_folder(entry):
            continue
        else:
            plan.unrecognised.append(Unrecognised(
                name, f"outside the source folders ({', '.join(SOURCES)})"
            ))
    plan.absent_sources = [s for s in SOURCES if s not in present]
    for files in plan.files.values():
        files.sort(key=lambda p: load_order_key(p.relative_to(root).as_posix()))
    return plan


def _plan_source(plan: DropPlan, source: str, root: Path, settings: SourceSettings | None) -> None:
    """Plan one source folder; ``settings`` is None when its _source.yml is invalid."""
    stack = [root / source]
    while stack:
        folder = stack.pop()
        for entry in sorted(_scandir(folder, plan), key=lambda e: natural_key(e.name)):
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            if relative == f"{source}/{SETTINGS_FILE}":
                continue
            if entry.is_symlink():
                contract = match_by_name(source, path.relative_to(root / source).as_posix(), settings)[0]
                if contract and not _points_to_dir(path):
                    plan.files.setdefault((source, contract.object), []).append(path)
                else:
                    plan.unrecognised.append(Unrecognised(relative, "symbolic link: not followed"))
            elif entry.is_dir(follow_symlinks=False):
                if not is_reserved_folder(entry):
                    stack.append(path)
            elif not entry.is_file(follow_symlinks=False):
                plan.unrecognised.append(Unrecognised(relative, "not a regular file"))
            elif entry.name == SETTINGS_FILE:
                plan.unrecognised.append(Unrecognised(
                    relative, f"settings are read only from {source}/{SETTINGS_FILE}"
                ))
            else:
                contract, reason = match_file(source, path, path.relative_to(root / source).as_posix(), settings)
                if contract is None:
                    plan.unrecognised.append(Unrecognised(relative, reason))
                else:
                    plan.files.setdefault((source, contract.object), []).append(path)


def match_by_name(source: str, relative_to_source: str, settings: SourceSettings | None) -> tuple[Contract | None, str]:
    """The contract a file name belongs to by the source's ``files`` settings, then by vendor names."""
    if settings is not None:
        mapped = settings.mapped_object(relative_to_source)
        if mapped:
            obj, pattern = mapped
            contract = next(c for c in contracts_for(source) if c.object == obj)
            return contract, f"{SETTINGS_FILE} maps {pattern!r} to {obj}"
    name = relative_to_source.rsplit("/", 1)[-1]
    contract = contract_for_file(source, workbooks.csv_twin_name(name))
    return contract, "vendor export name" if contract else ""


def match_file(
    source: str, path: Path, relative_to_source: str, settings: SourceSettings | None
) -> tuple[Contract | None, str]:
    """The contract of a regular file and how it was recognised, or None and why it is not loaded."""
    contract, how = match_by_name(source, relative_to_source, settings)
    if contract:
        return contract, how
    examples = ", ".join(c.file_patterns[0] for c in contracts_for(source))
    not_named = f"not a known {source} export name (expected one of: {examples})"
    if settings is None:
        return None, f"{not_named}; {source}/{SETTINGS_FILE} is invalid, so its file mapping is not applied"
    if source not in RECOGNISED_BY_HEADER or not workbooks.csv_twin_name(path.name).lower().endswith(".csv"):
        return None, not_named
    contract, why = recognise_by_header(source, path)
    return contract, why if contract else f"{not_named}, and {why}"


def recognise_by_header(source: str, path: Path) -> tuple[Contract | None, str]:
    """The object whose contract fits a file's header best, or None and why none does.

    A candidate has every required column; the best one knows the largest share of the file's
    non-empty labels. Two candidates with the same share are ambiguous.
    """
    try:
        if workbooks.is_workbook(path.name):
            head = workbooks.head_text(workbooks.read_sheet(path, max_rows=workbooks.HEAD_ROWS))
        else:
            head = read_head(path)
    except (OSError, UnsupportedEncoding, workbooks.WorkbookError) as exc:
        return None, f"its header could not be read: {exc}"
    candidates = []
    for contract in contracts_for(source):
        try:
            header = find_header(contract, head)
        except HeaderNotFound:
            continue
        labelled = len(header.mapping.labels) - len(header.mapping.unlabelled)
        known = header.mapping.known_count
        candidates.append((known / max(labelled, 1), known, labelled, contract))
    if not candidates:
        return None, f"its header has the required columns of no {source} object"
    candidates.sort(key=lambda c: -c[0])
    share, known, labelled, best = candidates[0]
    tied = [c[3].object for c in candidates if c[0] == share]
    if len(tied) > 1:
        return None, (
            f"its header fits {' and '.join(tied)} equally ({known} of {labelled} labels known): ambiguous; "
            f"map it in {source}/{SETTINGS_FILE}"
        )
    return best, header_recognition_note(best.object, known, labelled)


def header_recognition_note(obj: str, known: int, labelled: int) -> str:
    return f"recognised as {obj} by its header ({known} of {labelled} labels known)"


def is_reserved_folder(entry: os.DirEntry) -> bool:
    """A real folder (not a link) whose name starts with ``_`` or ``.``: never read."""
    return entry.name.startswith(RESERVED_FOLDER_PREFIXES) and entry.is_dir(follow_symlinks=False)


def _scandir(folder: Path, plan: DropPlan) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        name = folder.relative_to(plan.exports_dir).as_posix() if folder != plan.exports_dir else str(folder)
        plan.unrecognised.append(Unrecognised(name, f"could not be listed: {exc.strerror or exc}"))
        return []


def _points_to_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def natural_key(name: str) -> tuple:
    """Sort key that orders Lead_2.csv before Lead_10.csv, and Lead.csv before Lead (1).csv, case-insensitively.

    Names compare without their extension first, so a copy ("Lead (1).csv") follows the export it copies.
    """
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        stem, extension = name, ""
    parts = tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(re.split(r"(\d+)", stem)))
    return parts, extension.casefold()


def load_order_key(relative: str) -> tuple:
    """Order of the files of one object: natural order, a folder's own files before its subfolders.

    A full export beside dated subfolders of later increments (``Lead.csv``, ``2026-11-08/Lead.csv``)
    loads first; subfolders follow in natural order of their names.
    """
    *folders, name = relative.split("/")
    return (*((1, natural_key(folder)) for folder in folders), (0, natural_key(name)))


def unsafe_reason(path: Path, root: Path) -> str | None:
    """Why a planned path must not be read: a symbolic link, or a location outside the drop."""
    path, root = Path(path).absolute(), Path(root).absolute()
    try:
        relative = path.relative_to(root)
    except ValueError:
        return "outside the export folder"
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            target = os.readlink(current)
            return f"symbolic link (to {shown_name(target)}): links are not followed"
    if not path.resolve().is_relative_to(root.resolve()):
        return "resolves outside the export folder"
    if not path.is_file():
        return "not a regular file"
    return None
