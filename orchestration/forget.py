"""``smarketing forget EMAIL``: remove a person from the warehouse and keep them out.

1. The email's keyed hash (its person key, orchestration/person_keys.py) goes on the suppression list
   (``ingest.suppressed_persons``; never the email itself), and the person's rows already loaded are
   removed from the raw tables and the quarantine (ingest/personal_data.py). A later export holding
   them again loads without them, and its ledger row counts them as suppressed.
2. Every model is rebuilt from the raw tables (a full refresh: staging, intermediate, the audited
   marts), checked by every dbt test and quality gate, and published.
3. The earlier publishes kept for rollback were built before the forget and may hold the person: they
   are removed, so only the new publish remains.

All of it holds the warehouse's run lock: no run reads or writes the working file meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest import loader, personal_data
from orchestration import person_keys, publish, run_lock, settings


class ForgetError(RuntimeError):
    """The person cannot be forgotten as asked; the message says why."""


@dataclass
class ForgetOutcome:
    person_key: str
    rows_removed: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False
    published: bool = False
    publish_id: str | None = None
    publishes_removed: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.published or not self.rebuilt else 1


def normalise_email(email: str) -> str:
    """lower(trim(email)), as the identity rules normalise it (SQL's trim removes spaces only); refuses
    what is not an email."""
    normalised = email.strip(" ").lower()
    if "@" not in normalised or any(c.isspace() for c in normalised):
        raise ForgetError("give the person's email address, e.g. `smarketing forget ann@example.com`")
    return normalised


def forget_person(email: str, warehouse: Path | str | None = None, *, log=print) -> ForgetOutcome:
    """Forget the person with ``email`` in the warehouse ``warehouse`` (default: the configured one)."""
    normalised = normalise_email(email)
    published = settings.warehouse_path(warehouse)
    with run_lock.hold(published, phase="forget"):
        secret = person_keys.load_or_create_secret(published)
        outcome = ForgetOutcome(person_key=person_keys.person_key_of_email(secret, normalised))
        working = settings.working_path(published)
        had_data = working.is_file()
        working.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(working), config={"memory_limit": settings.duckdb_memory_limit()}) as con:
            person_keys.write_pads(con, secret)
            loader.ensure_warehouse(con)
            outcome.rows_removed = personal_data.forget(con, outcome.person_key, normalised)
        removed = sum(outcome.rows_removed.values())
        log(f"forget     person {outcome.person_key[:12]}... on the suppression list; {removed:,} loaded rows removed")
        for table, rows in outcome.rows_removed.items():
            if rows:
                log(f"  {table}: {rows:,} rows")
        if not had_data or not published.is_file():
            log("rebuild    nothing published yet: the next run builds without them")
            return outcome

        from orchestration.pipeline import run_pipeline

        outcome.rebuilt = True
        result = run_pipeline(None, published, rebuild_only=True, full_refresh=True, dbt_log=False)
        outcome.published, outcome.publish_id = result.published, result.publish_id
        outcome.failures = list(result.failures)
        if not outcome.published:
            log("rebuild    FAILED: nothing was published, so the published marts still hold the person; fix the "
                "failure below and run `smarketing run` (the person stays suppressed):")
            for failure in outcome.failures:
                log(f"  - {failure}")
            return outcome
        current = publish.current_publish_id(published)
        for earlier in publish.kept_publishes(published):
            if earlier.stem != current:
                publish.remove_publish(earlier)
                outcome.publishes_removed.append(earlier)
        log(f"publish    rebuilt and published {outcome.publish_id}; {len(outcome.publishes_removed)} earlier "
            "publish(es) removed (they were built with the person)")
    return outcome
