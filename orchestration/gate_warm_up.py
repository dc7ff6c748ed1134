"""Import Great Expectations in the background while dbt builds, when this process runs the gates.

The quality gates run last and GX takes seconds to import. The dbt step starts the warm-up once its
dbt process is running: from then on this process mostly waits for dbt's output, so the import
costs no wall time, whereas started with the run it would hold the interpreter while the plan and
the ingest steps run. Only a run whose steps all execute in this process (``smarketing run``, inside
``gates_run_in_this_process()``) warms up; a run started by the schedule, the sensor or the UI, each
step in its own process, imports nothing in the dbt step.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gates_run_here = threading.Event()


@contextmanager
def gates_run_in_this_process() -> Iterator[None]:
    """Around an in-process run: its dbt step may warm up the gates (once)."""
    _gates_run_here.set()
    try:
        yield
    finally:
        _gates_run_here.clear()


def warm_up_quality_gates() -> None:
    if not _gates_run_here.is_set():
        return
    _gates_run_here.clear()

    def _import() -> None:
        try:
            import great_expectations.expectations  # noqa: F401
        except Exception:  # the gate itself reports an unusable GX install
            pass

    threading.Thread(target=_import, name="gx-warm-up", daemon=True).start()
