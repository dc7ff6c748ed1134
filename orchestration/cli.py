"""`smarketing`: generate demo exports, run the pipeline, inspect the governed definitions."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from orchestration import settings

DEFAULT_DEMO_EXPORTS = Path("demo_exports")


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    """The export drop and warehouse of a command: its flags, else the environment, else the defaults."""
    return settings.exports_dir(args.exports), settings.warehouse_path(args.warehouse)


def demo_company_inputs() -> dict[str, Path]:
    """The product's files the demo company's oracle reads: the governed definitions and the dbt seeds."""
    return {"definitions_file": settings.DEFINITIONS_FILE, "seeds_dir": settings.DBT_PROJECT_DIR / "seeds"}


def cmd_generate(args: argparse.Namespace) -> int:
    # The demo company is imported only here (~0.3 s, every other command skips it): the generator checks the
    # profile and the size itself, so its profile names live only in demo_company.profiles.
    from demo_company import DEFAULT_PROFILE, generate

    profile = args.profile or DEFAULT_PROFILE
    started = time.perf_counter()
    try:
        summary = generate(Path(args.out), people=args.people, seed=args.seed, profile=profile,
                           **demo_company_inputs())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    files = summary.get("files", [])
    print(f"Wrote {len(files)} export files for {args.people} people (seed {args.seed}, "
          f"profile {profile}) to {Path(args.out).resolve()} in {time.perf_counter() - started:.1f}s")
    return 0


def _run(exports: Path, warehouse: Path, *, ingest_only: bool = False, full_refresh: bool = False) -> int:
    from orchestration.pipeline import funnel_summary, run_pipeline

    started = time.perf_counter()
    outcome = run_pipeline(exports, warehouse, ingest_only=ingest_only, full_refresh=full_refresh)
    for line in outcome.ingest_lines:
        print(line)
    for note in outcome.notes:
        print(f"note: {note}")
    if not outcome.success:
        print("\nThe run was stopped; nothing downstream of the failure was published:", file=sys.stderr)
        for failure in outcome.failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    if not ingest_only:
        print()
        print(funnel_summary(outcome.warehouse))
    print(f"\nWarehouse: {outcome.warehouse}  ({time.perf_counter() - started:.1f}s)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return _run(*_paths(args), full_refresh=args.full_refresh)


def cmd_ingest(args: argparse.Namespace) -> int:
    return _run(*_paths(args), ingest_only=True)


def cmd_demo(args: argparse.Namespace) -> int:
    args.out = args.exports
    return cmd_generate(args) or _run(*_paths(args))


def cmd_definitions(args: argparse.Namespace) -> int:
    from orchestration.funnel_definitions import DefinitionsError, dbt_vars, load_definitions

    try:
        definitions = load_definitions(args.file) if args.file else load_definitions()
    except DefinitionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(dbt_vars(definitions) if args.json else json.dumps(definitions, indent=2))
    return 0


def cmd_what_if(args: argparse.Namespace) -> int:
    import datetime as dt

    from orchestration.dbt_project import prepare_dbt_project
    from orchestration.funnel_definitions import DefinitionsError
    from orchestration.what_if import WhatIfError, run_what_if

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"error: --as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    prepare_dbt_project(only_if_stale=True)  # the audit schema of the marts is read from the manifest
    try:
        result = run_what_if(args.proposed, settings.warehouse_path(args.warehouse), as_of=as_of,
                             log=lambda message: print(message, file=sys.stderr))
    except DefinitionsError as exc:
        print(f"error: the proposed definitions are invalid: {exc}", file=sys.stderr)
        return 2
    except WhatIfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.report())
    print(f"\n({time.perf_counter() - started:.1f}s; published marts unchanged)")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from orchestration.dbt_project import prepare_dbt_project

    print(f"dbt manifest ready: {prepare_dbt_project(only_if_stale=not args.force)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smarketing",
        description="Smarketing Warehouse: one marketing-to-revenue funnel from your CRM and marketing exports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add_warehouse(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", help=f"DuckDB file (default ${settings.WAREHOUSE_ENV} or "
                                           f"{settings.DEFAULT_WAREHOUSE})")

    def add_generator(p: argparse.ArgumentParser) -> None:
        p.add_argument("--people", type=int, default=3000, help="people in the demo company (default 3000)")
        p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        p.add_argument("--profile", help="which systems the demo company runs (default and choices: the README's "
                                          "demo profiles; an unknown name is refused with the list)")

    run = sub.add_parser("run", help="ingest an export drop, build every model, run every quality gate")
    run.add_argument("--exports", help=f"export drop folder (default ${settings.EXPORTS_ENV} or ./exports)")
    add_warehouse(run)
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild every model from all loaded rows, incremental ones included (after a code change)")
    run.set_defaults(func=cmd_run)

    ingest = sub.add_parser("ingest", help="only load an export drop into the raw tables")
    ingest.add_argument("--exports", help=f"export drop folder (default ${settings.EXPORTS_ENV} or ./exports)")
    add_warehouse(ingest)
    ingest.set_defaults(func=cmd_ingest)

    gen = sub.add_parser("generate", help="write the demo company's exports in vendor formats")
    gen.add_argument("--out", required=True, help="folder to write the export drop into")
    add_generator(gen)
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser("demo", help="generate the demo company and run the whole pipeline on it")
    demo.add_argument("--exports", default=str(DEFAULT_DEMO_EXPORTS), help="where to write the demo drop")
    add_warehouse(demo)
    add_generator(demo)
    demo.set_defaults(func=cmd_demo)

    prepare = sub.add_parser("prepare", help="parse the dbt project once (done by make; runs reuse the manifest)")
    prepare.add_argument("--force", action="store_true", help="parse even when no dbt file changed")
    prepare.set_defaults(func=cmd_prepare)

    defs = sub.add_parser("definitions", help="validate and print the governed funnel definitions")
    defs.add_argument("--file", help="a definitions file (default: the governed one)")
    defs.add_argument("--json", action="store_true", help="print as dbt --vars JSON")
    defs.set_defaults(func=cmd_definitions)

    what_if = sub.add_parser(
        "what-if",
        help="compare the funnel under a proposed definitions file with the published one (publishes nothing)",
    )
    what_if.add_argument("proposed", help="the proposed definitions file (same format as the governed one)")
    what_if.add_argument("--as-of", help="evaluate the version in force on this date (default: today, or the "
                                         "file's latest effective_from when later)")
    add_warehouse(what_if)
    what_if.set_defaults(func=cmd_what_if)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
