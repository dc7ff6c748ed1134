"""Which export files a drop folder holds, and which contract each belongs to.

A drop is ``<exports>/<source>/...`` for each source in ``contracts.SOURCES``; files are matched
to contracts by the vendor's default export names. Nothing is followed through a symbolic link:
a linked file that looks like an export is planned so the loader refuses it visibly, anything
else linked is reported as unrecognised.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.contracts import CONTRACTS, SOURCES, Contract, contract_for_file, contracts_for

IGNORED_FOLDERS = frozenset({"_ground_truth"})


@dataclass(frozen=True)
class Unrecognised:
    path: str
    reason: str

    def describe(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class DropPlan:
    exports_dir: Path
    files: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    unrecognised: list[Unrecognised] = field(default_factory=list)
    absent_sources: list[str] = field(default_factory=list)

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
                _plan_source(plan, name, root)
        elif name in IGNORED_FOLDERS and entry.is_dir(follow_symlinks=False):
            continue
        else:
            plan.unrecognised.append(Unrecognised(
                name, f"outside the source folders ({', '.join(SOURCES)})"
            ))
    plan.absent_sources = [s for s in SOURCES if s not in present]
    for files in plan.files.values():
        files.sort(key=lambda p: natural_key(p.relative_to(root).as_posix()))
    return plan


def _plan_source(plan: DropPlan, source: str, root: Path) -> None:
    stack = [root / source]
    while stack:
        folder = stack.pop()
        for entry in sorted(_scandir(folder, plan), key=lambda e: natural_key(e.name)):
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            contract = contract_for_file(source, entry.name)
            if entry.is_symlink():
                if contract and not _points_to_dir(path):
                    plan.files.setdefault((source, contract.object), []).append(path)
                else:
                    plan.unrecognised.append(Unrecognised(relative, "symbolic link: not followed"))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif not entry.is_file(follow_symlinks=False):
                plan.unrecognised.append(Unrecognised(relative, "not a regular file"))
            elif contract is None:
                examples = ", ".join(c.file_patterns[0] for c in contracts_for(source))
                plan.unrecognised.append(Unrecognised(
                    relative, f"not a known {source} export name (expected one of: {examples})"
                ))
            else:
                plan.files.setdefault((source, contract.object), []).append(path)


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
    """Sort key that orders Lead_2.csv before Lead_10.csv, case-insensitively."""
    return tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(re.split(r"(\d+)", name)))


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
            return f"symbolic link (to {target}): links are not followed"
    if not path.resolve().is_relative_to(root.resolve()):
        return "resolves outside the export folder"
    if not path.is_file():
        return "not a regular file"
    return None
