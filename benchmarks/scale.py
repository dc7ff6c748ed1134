"""How the whole pipeline scales with the company's size, against a hand-written DuckDB floor.

    .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--fixed-size 100]
        [--profile salesforce+hubspot] [--seed 42] [--work-dir .bench/scale] [--timeout 3600]

For each size (and the fixed-cost size, 100 people by default) it generates a drop with the demo
company's bulk engine (``demo_company.generate(..., engine="bulk")``), or reuses the one cached under
``--work-dir/drops/<profile>-s<seed>-<people>/``, then:

* runs the pipeline as a user does, ``smarketing run --exports DROP --warehouse NEW_FILE`` under
  ``/usr/bin/time -f %M`` (peak RSS of the run's largest process), killed after ``--timeout`` seconds
  and reported as timed out;
* reads the time of each phase from the run's Dagster step events: the CLI runs with ``DAGSTER_HOME``
  set to a fresh folder, so the run lands in an instance this script opens afterwards (the same path
  ``make ui`` uses). ingest = the ``ingest_*`` steps, dbt = the dbt build step (models and dbt tests),
  gates = the separate asset-check steps, publish = ``published_marts``; other = the rest of the wall
  time (interpreter start, imports, planning);
* the ten slowest dbt nodes from that dbt invocation's ``run_results.json``;
* raw rows loaded (the run's ``ingest.load_ledger``) per second of the whole run;
* ``benchmarks/lower_bound.sql`` on the same files (pure DuckDB, in a process started in the drop
  folder), and variable cost (run minus the fixed-size run) over that lower bound;
* the slope of log(variable time) against log(people), by least squares over the sizes that finished
  (1 = linear).

Each size runs ``--runs`` times (the fixed size ``--fixed-runs`` times, 3 by default, since its time is
subtracted from every other) and the fastest run counts, as does the fastest of as many lower-bound
runs. Prints a markdown table, the slowest nodes per size and the machine (date, cores, load, memory);
``--json FILE`` also writes every figure. Warehouses are deleted after each run unless
``--keep-warehouses``. An unmeasured run of the fixed-size drop comes first (``--no-warm-up`` skips
it): the first run after a change pays for cold file caches and dbt's parse. The lower bound reads the
Salesforce + HubSpot layout, the default profile.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOWER_BOUND_SQL = REPO / "benchmarks" / "lower_bound.sql"
DBT_TARGET = REPO / "dbt_project" / "target"
TIME = "/usr/bin/time"

# Runs DuckDB's Python client on lower_bound.sql in the current folder (the drop).
LOWER_BOUND_RUNNER = """
import sys, duckdb
con = duckdb.connect()
result = None
for statement in open(sys.argv[1], encoding="utf-8").read().split(";\\n"):
    if statement.strip():
        result = con.execute(statement)
print(result.fetchall())
"""
GENERATOR = """
import sys
from pathlib import Path
from demo_company import generate
from demo_company.clock import CANONICAL_AS_OF
from orchestration.cli import demo_company_inputs
generate(Path(sys.argv[1]), people=int(sys.argv[2]), seed=int(sys.argv[3]), profile=sys.argv[4], engine="bulk",
         as_of=CANONICAL_AS_OF.date(), **demo_company_inputs())
"""


@dataclass
class Measured:
    seconds: float | None = None
    peak_rss_kb: int | None = None
    timed_out: bool = False
    failed: bool = False
    output: str = ""
    ended_at: float | None = None       # epoch seconds when the process ended or was killed


@dataclass
class SizeResult:
    people: int
    drop: str
    generation: Measured = field(default_factory=Measured)
    run: Measured = field(default_factory=Measured)
    lower_bound: Measured = field(default_factory=Measured)
    phases: dict[str, float] = field(default_factory=dict)
    slowest_nodes: list[tuple[str, float]] = field(default_factory=list)
    raw_rows: int | None = None
    variable_seconds: float | None = None


def measure(command: list[str], *, timeout: float, cwd: Path | None = None, env: dict | None = None,
            ok: tuple[int, ...] = (0,)) -> Measured:
    """Run `command` under /usr/bin/time in its own process group; kill the group on timeout. An exit
    code outside ``ok`` counts as failed."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as rss:
        started = time.perf_counter()
        process = subprocess.Popen([TIME, "-f", "%M", "-o", rss.name, *command], cwd=cwd, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return Measured(seconds=time.perf_counter() - started, timed_out=True, output=output[-2000:],
                            ended_at=time.time())
        seconds = time.perf_counter() - started
        lines = [line for line in Path(rss.name).read_text().splitlines() if line.strip().isdigit()]
    return Measured(seconds=seconds, peak_rss_kb=int(lines[-1]) if lines else None,
                    failed=process.returncode not in ok, output=output[-2000:], ended_at=time.time())


def drop_for(work_dir: Path, people: int, seed: int, profile: str, timeout: float) -> tuple[Path, Measured]:
    """The cached drop for (profile, seed, people), generating it when missing."""
    drop = work_dir / "drops" / f"{profile.replace('+', '_')}-s{seed}-{people}"
    if (drop / "_ground_truth" / "ground_truth.json").exists():
        return drop, Measured(output="cached")
    shutil.rmtree(drop, ignore_errors=True)
    measured = measure([sys.executable, "-c", GENERATOR, str(drop), str(people), str(seed), profile],
                       timeout=timeout, cwd=REPO)
    if measured.failed or measured.timed_out:
        raise SystemExit(f"generating {people} people failed:\n{measured.output}")
    return drop, measured


def run_pipeline(result: SizeResult, work_dir: Path, timeout: float, keep: bool) -> None:
    key = Path(result.drop).name
    home = work_dir / "dagster_home" / key
    # A new warehouse every run, in its own folder with what a run keeps beside it (working file,
    # publishes, run lock).
    warehouse = work_dir / "warehouses" / key / "smarketing.duckdb"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    env = {**os.environ, "DAGSTER_HOME": str(home), "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result.run = measure([str(VENV_BIN / "smarketing"), "run", "--exports", result.drop, "--warehouse",
                          str(warehouse)], timeout=timeout, cwd=REPO, env=env,
                         ok=(0, 3))  # 3: published, with a refused file or quarantined cells (README, Exit codes)
    run_id = read_phases(result, home)
    if run_id and warehouse.exists():
        result.raw_rows = raw_rows_loaded(warehouse, run_id)
    if run_id:
        result.slowest_nodes = slowest_dbt_nodes(run_id)
    if not keep:
        shutil.rmtree(warehouse.parent, ignore_errors=True)


def read_phases(result: SizeResult, home: Path) -> str | None:
    """Seconds per phase from the step events of the run stored in `home`; the run's id."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return None
        run_id = runs[0].run_id
        starts: dict[str, float] = {}
        steps: dict[str, float] = {}
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None or entry.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                starts[entry.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in starts:
                steps[entry.step_key] = entry.timestamp - starts[entry.step_key]
    # A step still running when the run was stopped counts until then.
    for step, started in starts.items():
        if step not in steps and result.run.ended_at is not None:
            steps[step] = max(0.0, result.run.ended_at - started)
    phases = {"ingest": 0.0, "dbt": 0.0, "gates": 0.0, "publish": 0.0}
    for step, seconds in steps.items():
        phases[phase_of(step)] += seconds
    if result.run.seconds is not None:
        phases["other"] = max(0.0, result.run.seconds - sum(phases.values()))
    result.phases = phases
    return run_id


def phase_of(step_key: str) -> str:
    if step_key.startswith("ingest_"):
        return "ingest"
    if "dbt" in step_key:
        return "dbt"
    if step_key.startswith("published"):
        return "publish"
    return "gates"


def slowest_dbt_nodes(run_id: str, count: int = 10) -> list[tuple[str, float]]:
    """The slowest nodes of the dbt invocation of `run_id` (dagster-dbt names its target folder
    `<asset>-<first 7 characters of the run id>-<suffix>`)."""
    folders = sorted(DBT_TARGET.glob(f"*-{run_id[:7]}-*/run_results.json"), key=lambda p: p.stat().st_mtime)
    if not folders:
        return []
    results = json.loads(folders[-1].read_text(encoding="utf-8"))["results"]
    timed = sorted(((r["unique_id"], float(r.get("execution_time") or 0.0)) for r in results),
                   key=lambda item: -item[1])
    return timed[:count]


def raw_rows_loaded(warehouse: Path, run_id: str) -> int | None:
    import duckdb

    from orchestration.settings import working_path

    try:  # the ledger lives in the working file beside the published one
        with duckdb.connect(str(working_path(warehouse)), read_only=True) as con:
            return con.execute("select coalesce(sum(rows_loaded), 0) from ingest.load_ledger where load_id = ?",
                               [run_id]).fetchall()[0][0]
    except duckdb.Error:
        return None


def slope(results: list[SizeResult]) -> float | None:
    points = [(math.log(r.people), math.log(r.variable_seconds)) for r in results
              if r.variable_seconds and r.variable_seconds > 0 and not r.run.timed_out and not r.run.failed]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else None


def seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def outcome(measured: Measured) -> str:
    if measured.timed_out:
        return f"timed out ({measured.seconds:.0f} s)"
    if measured.failed:
        return f"failed ({measured.seconds:.1f} s)"
    return seconds(measured.seconds)


def report(results: list[SizeResult], args: argparse.Namespace, fitted: float | None) -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()}: {os.cpu_count()} cores, "
        f"{memory_gb:.0f} GiB, load average {load}; profile {args.profile}, seed {args.seed}.",
        "",
        "| people | raw rows | generate s | run s | ingest s | dbt s | gates s | publish s | other s | peak RSS GB "
        "| rows/s | lower bound s | variable s | variable / lower bound |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rss = "" if r.run.peak_rss_kb is None or r.run.timed_out else f"{r.run.peak_rss_kb / 2**20:.2f}"
        done = not (r.run.timed_out or r.run.failed)
        rate = f"{r.raw_rows / r.run.seconds:,.0f}" if done and r.raw_rows and r.run.seconds else ""
        ratio = (f"{r.variable_seconds / r.lower_bound.seconds:.1f}"
                 if done and r.variable_seconds is not None and r.lower_bound.seconds else "")
        generated = "cached" if r.generation.output == "cached" else seconds(r.generation.seconds)
        lines.append(
            f"| {r.people:,} | {'' if r.raw_rows is None else f'{r.raw_rows:,}'} | {generated} | {outcome(r.run)} | "
            + " | ".join(seconds(r.phases.get(p)) for p in ("ingest", "dbt", "gates", "publish", "other"))
            + f" | {rss} | {rate} | {outcome(r.lower_bound)} | {seconds(r.variable_seconds) if done else ''}"
            + f" | {ratio} |"
        )
    lines += ["", "Slope of log(variable time) against log(people): "
              + ("n/a (fewer than two finished sizes)" if fitted is None else f"{fitted:.2f}")]
    for r in results:
        if r.slowest_nodes:
            lines += ["", f"Ten slowest dbt nodes at {r.people:,} people:", ""]
            lines += [f"- `{node}` {spent:.2f} s" for node, spent in r.slowest_nodes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="people per drop, comma-separated")
    parser.add_argument("--fixed-size", type=int, default=100, help="the drop that measures the fixed cost")
    parser.add_argument("--profile", default="salesforce+hubspot")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", default=str(REPO / ".bench" / "scale"),
                        help="drops (cached by profile, seed and size), Dagster homes and warehouses")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a run is stopped")
    parser.add_argument("--keep-warehouses", action="store_true")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="skip the unmeasured first run of the fixed-size drop (it warms file and parse caches)")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the fastest counts")
    parser.add_argument("--fixed-runs", type=int, default=3,
                        help="runs of the fixed-size drop (the fastest counts: it is subtracted from every size)")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args(argv)
    if not Path(TIME).exists():
        parser.error(f"{TIME} (GNU time) is needed to measure peak RSS")
    sizes = sorted({args.fixed_size, *(int(s) for s in args.sizes.split(",") if s.strip())})
    work_dir = Path(args.work_dir).resolve()

    if not args.no_warm_up:
        drop, _ = drop_for(work_dir, args.fixed_size, args.seed, args.profile, args.timeout)
        print("warm-up run ...", file=sys.stderr, flush=True)
        run_pipeline(SizeResult(people=args.fixed_size, drop=str(drop)), work_dir, args.timeout, keep=False)

    results = []
    for people in sizes:
        drop, generation = drop_for(work_dir, people, args.seed, args.profile, args.timeout)
        runs = max(args.runs, args.fixed_runs if people == args.fixed_size else 1)
        result = None
        for attempt in range(1, runs + 1):
            measured = SizeResult(people=people, drop=str(drop), generation=generation)
            print(f"{people:,} people: running the pipeline ({attempt}/{runs}) ...", file=sys.stderr, flush=True)
            run_pipeline(measured, work_dir, args.timeout, args.keep_warehouses)
            print(f"{people:,} people: run {outcome(measured.run)}", file=sys.stderr, flush=True)
            if result is None or (not measured.run.timed_out and measured.run.seconds < result.run.seconds):
                result = measured
            if measured.run.timed_out or measured.run.failed:
                break
        for _ in range(runs):
            floor = measure([sys.executable, "-c", LOWER_BOUND_RUNNER, str(LOWER_BOUND_SQL)],
                            timeout=args.timeout, cwd=drop)
            faster = not floor.timed_out and floor.seconds < (result.lower_bound.seconds or float("inf"))
            if result.lower_bound.seconds is None or faster:
                result.lower_bound = floor
        results.append(result)

    fixed = next(r for r in results if r.people == args.fixed_size)
    for r in results:
        if r is not fixed and r.run.seconds is not None and fixed.run.seconds is not None:
            r.variable_seconds = r.run.seconds - fixed.run.seconds
    variable = [r for r in results if r is not fixed]
    fitted = slope(variable)
    print(report(results, args, fitted))
    if args.json:
        Path(args.json).write_text(json.dumps({"slope": fitted, "results": [asdict(r) for r in results]}, indent=1),
                                   encoding="utf-8")
    return 0 if all(not (r.run.failed or r.run.timed_out) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
