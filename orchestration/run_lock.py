"""One run at a time per warehouse: an exclusive ``flock`` on a lock file beside it.

Every run that writes a warehouse's working file (``smarketing run``/``ingest``, a run started from
the Dagster UI, the schedule or the sensor, ``smarketing what-if``, ``smarketing rollback``) holds
this lock for its whole duration. A second one started meanwhile refuses at once with
``WarehouseBusy``, whose message is one line naming the running one and what to do.

The lock file says who holds it (pid, command, start time) and which phase the run is in
(``ingest``, ``dbt``, ``gates``, ``publish``; ``set_phase`` moves it on), so the refusal can name
it and an operator (or a test) can see where a run is. The kernel drops a ``flock`` when its
process dies, so a killed run never leaves the warehouse locked: the next run takes the lock and
recovers (orchestration/publish.py ``recover``).

The lock is re-entrant within a process: ``smarketing run`` takes it before it builds the Dagster
definitions, and the run's warehouse resource takes it again for runs the UI starts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shlex
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orchestration import settings

# The phases of a pipeline run, in order; `what-if` and `rollback` hold the lock as phases of their own.
PHASES = ("ingest", "dbt", "gates", "publish")


class WarehouseBusy(RuntimeError):
    """Another process holds the run lock of this warehouse; ``str()`` is one line saying which."""


@dataclass
class _Held:
    fd: int
    depth: int
    record: dict
    previous: dict | None  # what the file said when taken: a killed holder's record, else None


_held: dict[Path, _Held] = {}
_guard = threading.RLock()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def this_command() -> str:
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"


def read_holder(published: Path) -> dict | None:
    """What the lock file of ``published`` says (who holds it, which phase), or None when empty."""
    try:
        text = settings.run_lock_path(Path(published)).read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None


def _busy_message(published: Path, record: dict | None) -> str:
    if not record:
        return (f"warehouse {published} is busy: another run is starting; "
                "wait for it to finish, then run again")
    return (f"warehouse {published} is busy: `{record.get('command')}` (pid {record.get('pid')}, started "
            f"{record.get('started_at')}) is in phase {record.get('phase')}; wait for it to finish, "
            "then run again")


def _write(fd: int, record: dict) -> None:
    data = (json.dumps(record, sort_keys=True) + "\n").encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


@contextmanager
def hold(published: Path | str, command: str | None = None, phase: str = PHASES[0]) -> Iterator[dict]:
    """Hold the run lock of the warehouse ``published`` (re-entrant in this process).

    Raises WarehouseBusy at once when another process holds it."""
    published = Path(published)
    with _guard:
        held = _held.get(published)
        if held is not None:
            held.depth += 1
        else:
            path = settings.run_lock_path(published)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise WarehouseBusy(_busy_message(published, read_holder(published))) from None
            try:
                previous = json.loads(os.pread(fd, 1 << 16, 0) or b"null")
            except ValueError:
                previous = None
            now = _now()
            record = {"pid": os.getpid(), "command": command or this_command(), "started_at": now,
                      "phase": phase, "phase_started_at": now, "children": []}
            _write(fd, record)
            held = _held[published] = _Held(fd=fd, depth=1, record=record, previous=previous)
    try:
        yield held.record
    finally:
        with _guard:
            held.depth -= 1
            if held.depth == 0:
                del _held[published]
                os.ftruncate(held.fd, 0)  # a released lock names nobody
                os.close(held.fd)  # closing the descriptor releases the flock


def set_phase(published: Path | str, phase: str) -> None:
    """Record that the run holding the lock of ``published`` in this process is now in ``phase``."""
    with _guard:
        held = _held.get(Path(published))
        if held is None:
            return
        held.record.update(phase=phase, phase_started_at=_now())
        _write(held.fd, held.record)


def add_child(published: Path | str, pid: int) -> None:
    """Record a child process (dbt) of the run, so the next run can stop it if this one is killed."""
    with _guard:
        held = _held.get(Path(published))
        if held is None:
            return
        held.record["children"].append(pid)
        _write(held.fd, held.record)


def previous_holder(published: Path | str) -> dict | None:
    """While this process holds the lock: the record a killed holder left (None after a clean release)."""
    with _guard:
        held = _held.get(Path(published))
        return held.previous if held is not None else None


def is_held_here(published: Path | str) -> bool:
    with _guard:
        return Path(published) in _held
