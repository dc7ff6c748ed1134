"""The demo company: a deterministic export drop of a believable B2B funnel, with its ground truth.

    from demo_company import generate
    summary = generate(Path("demo_exports"), people=3000, seed=42, profile="salesforce+hubspot",
                       definitions_file=DEFINITIONS_FILE, seeds_dir=DBT_PROJECT_DIR / "seeds")

writes the vendor exports of the profile's systems (``salesforce/`` with the incremental extract in
``salesforce/<export day>/``, ``hubspot/``, ``marketo/``, ``spend/``), the company's MQL plan
(``targets/``, multi-system profiles) and
``_ground_truth/ground_truth.json``: every person's governed stage entry times and
every opportunity's close and reporting-currency amount, computed by ``demo_company.oracle`` from the
simulated records with the governed funnel definitions.

The demo depends on the product only through public interfaces: the export contracts
(``ingest.contracts``) and the files the caller passes in, the governed definitions file and the dbt
seeds folder (the CLI passes the product's own, from ``orchestration.settings``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from . import clock
from .bulk import BULK_THRESHOLD, generate_bulk
from .oracle import compute_ground_truth, ground_truth_document, load_definitions
from .profiles import DEFAULT_PROFILE, PROFILES
from .simulate import simulate
from .writers import write_drop

__all__ = ["BULK_THRESHOLD", "DEFAULT_PROFILE", "ENGINES", "PROFILES", "generate"]
ENGINES = ("auto", "detailed", "bulk")

MANAGED_FOLDERS = ("salesforce", "hubspot", "marketo", "spend", "targets", "content", "_ground_truth")
EXPORT_DAY_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")   # salesforce/<export day>/: the incremental extract


def _clear_previous_drop(out_dir: Path) -> None:
    """Remove files a previous run wrote, so a drop never mixes profiles or days; nothing else is touched."""
    salesforce = out_dir / "salesforce"
    dated = sorted(p for p in salesforce.iterdir() if p.is_dir() and EXPORT_DAY_FOLDER.fullmatch(p.name)) \
        if salesforce.is_dir() else []
    # Sub-folders first, so a folder left empty is removed before its parent is looked at.
    for path in [*dated, *(out_dir / folder for folder in MANAGED_FOLDERS)]:
        if not path.is_dir():
            continue
        for file in path.iterdir():
            if file.is_file() and file.suffix in (".csv", ".json"):
                file.unlink()
        if not any(path.iterdir()):
            path.rmdir()


def generate(out_dir: Path, people: int = 3000, seed: int = 42, profile: str = DEFAULT_PROFILE, *,
             definitions_file: Path, seeds_dir: Path, engine: str = "auto", as_of: date | None = None) -> dict:
    """Write the demo company's export drop for `profile` and its ground truth; return a summary.

    The exports are taken at the start of `as_of` (default: today, UTC), so the history runs to the day
    before and the current month is under way; the same seed and `as_of` give the same bytes.

    `definitions_file` (the governed funnel definitions) and `seeds_dir` (the dbt seeds with the channel
    vocabulary) are the product's files the oracle computes the ground truth with. `engine`: "detailed"
    (every person simulated in Python, full ground truth), "bulk" (set-based, ``demo_company.bulk``, ground
    truth limited to counts) or "auto": bulk above ``BULK_THRESHOLD`` people."""
    if people < 10:
        raise ValueError("people must be at least 10")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    out_dir = Path(out_dir)
    with clock.as_of(as_of or datetime.now(UTC).date()):
        if engine == "bulk" or (engine == "auto" and people > BULK_THRESHOLD):
            if profile not in PROFILES:
                raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
            _clear_previous_drop(out_dir)
            return generate_bulk(out_dir, people, seed, profile)
        return _generate_detailed(out_dir, people, seed, profile, definitions_file, seeds_dir)


def _generate_detailed(out_dir: Path, people: int, seed: int, profile: str, definitions_file: Path,
                       seeds_dir: Path) -> dict:
    simulation = simulate(people, seed, profile)
    definitions = load_definitions(clock.AS_OF.date(), definitions_file, seeds_dir)
    truth = compute_ground_truth(simulation.drop, definitions)
    document = ground_truth_document(truth, seed=seed, people=people, profile=profile, as_of=clock.AS_OF)

    _clear_previous_drop(out_dir)
    writer = write_drop(out_dir, simulation.drop)
    writer.ground_truth(document)
    return {
        "out_dir": str(out_dir),
        "profile": profile,
        "seed": seed,
        "people": people,
        "persons": len(document["persons"]),
        "definitions_version": definitions.version,
        "as_of": document["as_of"],
        "files": dict(sorted(writer.files.items())),
        "stage_counts": document["stage_counts"],
        "won_revenue_reporting": document["won_revenue_reporting"],
    }
