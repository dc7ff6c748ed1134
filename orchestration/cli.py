"""`smarketing`: generate demo exports, run the pipeline, inspect the governed definitions."""

from __future__ import annotations

import argparse
import datetime as dt
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
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"error: --as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        summary = generate(Path(args.out), people=args.people, seed=args.seed, profile=profile, as_of=as_of,
                           **demo_company_inputs())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    files = summary.get("files", [])
    print(f"Wrote {len(files)} export files for {args.people} people (seed {args.seed}, "
          f"profile {profile}, as of {summary['as_of'][:10]}) to {Path(args.out).resolve()} "
          f"in {time.perf_counter() - started:.1f}s")
    return 0


def _run(exports: Path, warehouse: Path, *, ingest_only: bool = False, verbose: bool = False,
         full_refresh: bool = False) -> int:
    """Run the pipeline with live progress and end with one verdict: the summary block and its exit code."""
    from orchestration.pipeline import PipelineOutcome, funnel_summary, run_pipeline
    from orchestration.progress import RunProgress
    from orchestration.run_record import recorded_instance
    from orchestration.verdict import ExitCode, environment_problem, failure_lines, summary_lines

    started = time.perf_counter()
    progress = RunProgress(verbose=verbose)
    console = progress.console
    try:
        with progress:
            outcome = run_pipeline(exports, warehouse, ingest_only=ingest_only, record_in=recorded_instance(),
                                   progress=progress, dbt_log=verbose, full_refresh=full_refresh)
    except Exception as exc:  # an environment problem is one line; anything else is a bug: show it
        problem = environment_problem(type(exc).__name__, str(exc))
        if problem is None:
            raise
        outcome = PipelineOutcome(False, settings.warehouse_path(warehouse), ingest_only=ingest_only,
                                  environment_problem=problem)

    code = ExitCode(outcome.exit_code)
    if code is ExitCode.ENVIRONMENT:
        print(f"error: {outcome.environment_problem}", file=sys.stderr)
    elif code is ExitCode.NOT_PUBLISHED and outcome.failures:
        print("\nThe run was stopped; nothing downstream of the failure was published:", file=sys.stderr)
        for line in failure_lines(outcome.failures):
            print(line, file=sys.stderr)
    notes = []
    if outcome.published:
        notes += [f"after the publish: {failure}" for failure in outcome.failures]
        if not ingest_only:
            try:
                console.print()
                console.print(funnel_summary(outcome.warehouse))
            except Exception as exc:  # the marts are published; reading them back is only a courtesy
                detail = environment_problem(type(exc).__name__, str(exc)) or (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
                notes.append(f"the funnel summary could not be read from {outcome.warehouse}: {detail}")
    console.print()
    for note in notes:
        console.print(f"note: {note}")
    for line in summary_lines(outcome):
        console.print(line, style="bold" if line.startswith("  result") else None)
    console.print(f"  took       {time.perf_counter() - started:.1f}s")
    return int(code)


def cmd_run(args: argparse.Namespace) -> int:
    return _run(*_paths(args), verbose=args.verbose, full_refresh=args.full_refresh)


def cmd_ingest(args: argparse.Namespace) -> int:
    return _run(*_paths(args), ingest_only=True, verbose=args.verbose)


def cmd_demo(args: argparse.Namespace) -> int:
    args.out = args.exports
    return cmd_generate(args) or _run(*_paths(args), verbose=args.verbose)


def cmd_definitions(args: argparse.Namespace) -> int:
    from orchestration.funnel_definitions import DefinitionsError, dbt_vars, load_definitions

    try:
        definitions = load_definitions(args.file) if args.file else load_definitions()
    except DefinitionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.summary:
        from zoneinfo import ZoneInfo

        from orchestration.definitions_summary import summary

        try:
            as_of = (dt.date.fromisoformat(args.as_of) if args.as_of
                     else dt.datetime.now(ZoneInfo(definitions["reporting"]["timezone"])).date())
        except ValueError:
            print(f"error: --as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
            return 2
        try:
            print(summary(definitions, as_of=as_of, lang=args.lang), end="")
        except DefinitionsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
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


def cmd_forget(args: argparse.Namespace) -> int:
    from orchestration.forget import ForgetError, forget_person
    from orchestration.person_keys import KeySecretError
    from orchestration.run_lock import WarehouseBusy

    started = time.perf_counter()
    try:
        outcome = forget_person(args.email, args.warehouse)
    except (ForgetError, KeySecretError, WarehouseBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"  took       {time.perf_counter() - started:.1f}s")
    return outcome.exit_code


def cmd_rollback(args: argparse.Namespace) -> int:
    """Put the previous publish back in place (under the run lock, so no run publishes meanwhile)."""
    from orchestration import run_lock
    from orchestration.publish import PublishError, rollback

    warehouse = settings.warehouse_path(args.warehouse)
    try:
        with run_lock.hold(warehouse, phase="rollback"):
            rolled_back, current = rollback(warehouse)
    except (run_lock.WarehouseBusy, PublishError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Rolled back publish {rolled_back}; publish {current} is current again at {warehouse}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write every published mart to a folder as Parquet or CSV (reads the published file read-only)."""
    from orchestration.publish import PublishError, current_publish_id, export

    warehouse = settings.warehouse_path(args.warehouse)
    try:
        written = export(warehouse, Path(args.out), args.format)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {len(written)} tables of publish {current_publish_id(warehouse)} as {args.format} "
          f"to {Path(args.out).resolve()}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The funnel report as one self-contained HTML page, read from the published marts."""
    from orchestration.report import ReportError, write_report

    warehouse = settings.warehouse_path(args.warehouse)
    try:
        out, month = write_report(warehouse, Path(args.out), args.month, args.lang)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote the funnel report of {month} ({args.lang}) to {out.resolve()}")
    return 0


def cmd_newsletter(args: argparse.Namespace) -> int:
    """The month's newsletter as an email-ready HTML page and its Markdown twin, read from the published marts."""
    from orchestration.newsletter import NewsletterError, last_month_in_reporting_time, write_newsletter

    warehouse = settings.warehouse_path(args.warehouse)
    try:
        month = args.month or last_month_in_reporting_time()
        page, markdown = write_newsletter(warehouse, Path(args.out), month, args.lang)
    except NewsletterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote the newsletter of {month} ({args.lang}) to {page.resolve()} and {markdown.resolve()}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """MetricFlow (`mf`) on the published marts: `smarketing metrics query --metrics mqls ...`."""
    from orchestration.dbt_project import prepare_dbt_project
    from orchestration.metrics import MetricsError, run_metrics

    prepare_dbt_project(only_if_stale=True)
    mf_args = args.mf_args[1:] if args.mf_args[:1] == ["--"] else args.mf_args
    try:
        return run_metrics(settings.warehouse_path(args.warehouse), mf_args or ["--help"])
    except MetricsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def cmd_prepare(args: argparse.Namespace) -> int:
    from orchestration.dbt_project import dbt_project, manifest_is_stale, prepare_dbt_project

    started = time.perf_counter()
    if args.force or manifest_is_stale(dbt_project()):
        print("Parsing the dbt project (dbt parse; 20-40 s here) ...", flush=True)
    manifest = prepare_dbt_project(only_if_stale=not args.force)
    print(f"dbt manifest ready: {manifest} ({time.perf_counter() - started:.1f}s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from orchestration.definitions_messages import LANGUAGES
    from orchestration.verdict import EXIT_CODES_HELP, EXIT_CODES_HELP_INGEST

    parser = argparse.ArgumentParser(
        prog="smarketing",
        description="Smarketing Warehouse: one marketing-to-revenue funnel from your CRM and marketing exports.",
        epilog=EXIT_CODES_HELP + "\n(run, ingest and demo; for ingest, 'published' reads 'loaded')",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add_warehouse(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", help=f"DuckDB file (default ${settings.WAREHOUSE_ENV} or "
                                           f"{settings.DEFAULT_WAREHOUSE})")

    def add_run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--verbose", action="store_true", help="also show dbt's own log (default: one line per phase)")

    def add_generator(p: argparse.ArgumentParser) -> None:
        p.add_argument("--people", type=int, default=3000, help="people in the demo company (default 3000)")
        p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        p.add_argument("--profile", help="which systems the demo company runs (default and choices: the README's "
                                          "demo profiles; an unknown name is refused with the list)")
        p.add_argument("--as-of", help="the day the exports are taken, YYYY-MM-DD: the history runs to the day "
                                       "before (default: today, UTC; pin it for the same bytes every day)")

    run = sub.add_parser("run", help="ingest an export drop, build every model, run every quality gate",
                         epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--exports", help=f"export drop folder (default ${settings.EXPORTS_ENV} or ./exports)")
    add_warehouse(run)
    add_run_options(run)
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild every model from all loaded rows, incremental ones included (after a code change)")
    run.set_defaults(func=cmd_run)

    ingest = sub.add_parser("ingest", help="only load an export drop into the raw tables",
                            epilog=EXIT_CODES_HELP_INGEST,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    ingest.add_argument("--exports", help=f"export drop folder (default ${settings.EXPORTS_ENV} or ./exports)")
    add_warehouse(ingest)
    add_run_options(ingest)
    ingest.set_defaults(func=cmd_ingest)

    gen = sub.add_parser("generate", help="write the demo company's exports in vendor formats")
    gen.add_argument("--out", required=True, help="folder to write the export drop into")
    add_generator(gen)
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser("demo", help="generate the demo company and run the whole pipeline on it",
                          epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--exports", default=str(DEFAULT_DEMO_EXPORTS), help="where to write the demo drop")
    add_warehouse(demo)
    add_generator(demo)
    add_run_options(demo)
    demo.set_defaults(func=cmd_demo)

    prepare = sub.add_parser("prepare", help="parse the dbt project once (done by make; runs reuse the manifest)")
    prepare.add_argument("--force", action="store_true", help="parse even when no dbt file changed")
    prepare.set_defaults(func=cmd_prepare)

    defs = sub.add_parser("definitions", help="validate and print the governed funnel definitions")
    defs.add_argument("--file", help="a definitions file (default: the governed one)")
    defs.add_argument("--json", action="store_true", help="print as dbt --vars JSON")
    defs.add_argument("--summary", action="store_true",
                      help="print the version in force and each rule in plain words, and what changed from the "
                           "previous version")
    defs.add_argument("--lang", choices=LANGUAGES, default="en", help="language of --summary (default en)")
    defs.add_argument("--as-of", help="with --summary: describe the version in force on this date YYYY-MM-DD "
                                      "(default: today in the reporting timezone)")
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

    forget = sub.add_parser(
        "forget", help="remove a person (by email) from every layer and the published marts, and keep them out",
        description="Removes the person's rows from the raw tables and the quarantine, puts the email's keyed "
                    "hash on the suppression list (later exports load without them), rebuilds and republishes, "
                    "and removes the earlier publishes. Exit 0 when done, 1 when the rebuild failed (the "
                    "published marts still hold the person), 2 for a usage problem.")
    forget.add_argument("email", help="the person's email address (compared case-insensitively)")
    add_warehouse(forget)
    forget.set_defaults(func=cmd_forget)

    rollback = sub.add_parser("rollback", help="make the previous publish current again (the last few are kept)")
    add_warehouse(rollback)
    rollback.set_defaults(func=cmd_rollback)

    export = sub.add_parser("export", help="write every published mart to a folder as Parquet or CSV")
    export.add_argument("--format", required=True, choices=["parquet", "csv"], help="file format")
    export.add_argument("--out", required=True, help="folder to write one file per mart into")
    add_warehouse(export)
    export.set_defaults(func=cmd_export)

    report = sub.add_parser(
        "report", help="write the funnel report: one self-contained HTML page of charts and tables",
        description="Reads the published marts (aggregates only) and writes one HTML file that needs no network "
                    "to open: the funnel, cohort conversion and velocity, MQLs against target, the handoff SLA, "
                    "lead rejections, spend and return, attribution by model, reported against governed dates "
                    "and the definitions in force.")
    report.add_argument("--month", help="report month, YYYY-MM (default: the latest month with funnel activity)")
    report.add_argument("--lang", default="en", choices=["en", "es"], help="language of the page (default en)")
    report.add_argument("--out", required=True, help="the HTML file to write, e.g. report.html")
    add_warehouse(report)
    report.set_defaults(func=cmd_report)

    newsletter = sub.add_parser(
        "newsletter", help="write the month's newsletter: an email-ready HTML page and a Markdown version",
        description="Reads the published marts (aggregates only) and writes newsletter-YYYY-MM.html (inline styles, "
                    "no scripts, nothing fetched) and newsletter-YYYY-MM.md: the month's published content and "
                    "campaigns, their effect on traffic, pipeline and revenue, the top movers and credits to the "
                    "people of both teams.")
    newsletter.add_argument("--month", help="newsletter month, YYYY-MM (default: last month in the reporting "
                                            "time zone)")
    newsletter.add_argument("--lang", default="en", choices=["en", "es"], help="language (default en)")
    newsletter.add_argument("--out", required=True, help="the folder to write the two files into")
    add_warehouse(newsletter)
    newsletter.set_defaults(func=cmd_newsletter)

    metrics = sub.add_parser(
        "metrics", help="query the semantic layer's metrics on the published marts with MetricFlow (mf)",
        description="Runs `mf ARGS...` on the published marts, e.g. `smarketing metrics query --metrics mqls,sqls "
                    "--group-by metric_time__month --order metric_time__month` (options before ARGS are "
                    "smarketing's).")
    add_warehouse(metrics)
    metrics.add_argument("mf_args", nargs=argparse.REMAINDER, help="arguments for mf (e.g. query --metrics mqls)")
    metrics.set_defaults(func=cmd_metrics)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        # Publishing is one rename: the published file is the last complete publish either way.
        print(f"\ninterrupted: smarketing {args.command} was stopped; the published marts are the last complete "
              "publish (marts.publish_log) and the next run recovers on its own", file=sys.stderr)
        from orchestration.verdict import ExitCode

        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
