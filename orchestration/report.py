"""``smarketing report``: the funnel report, one self-contained HTML page read from the published marts.

Every figure comes from an aggregate query over the published file (schema ``marts``), so a report
costs seconds at a million people; the page embeds its charts as inline SVG drawn by matplotlib and
needs no network when it is opened. Each chart has its numbers as a table below it.

Sections: the funnel by stage; cohort conversion and velocity by channel, region and segment; MQLs
against target; the handoff SLA by owner and region; lead rejections by reason and source; spend,
CAC, cost per MQL / SQL, ROI and ROAS by channel and campaign; the channel ranking under each
attribution model; reported against governed stage dates; the definitions version in force, in words.

The report month (``--month YYYY-MM``) defaults to the latest month with funnel activity, so a
report is never of an empty month.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.publish import PUBLISHED_SCHEMA
from orchestration.report_text import LANGUAGES, text

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
# Rows a table shows at most (the largest first); the chart shows the same rows.
TOP_ROWS = 15
# The cohort dimensions the conversion section breaks down.
COHORT_DIMENSIONS = ("channel", "region", "segment")


class ReportError(RuntimeError):
    """The report cannot be made as asked; the message says why."""


@dataclass
class Table:
    """A chart's numbers: column labels, rows, and which columns are numbers (right-aligned)."""

    columns: list[str]
    rows: list[tuple]
    numeric: set[int] = field(default_factory=set)
    # Columns holding a fraction shown as a percentage (the exact value stays in data-value).
    percent: set[int] = field(default_factory=set)


@dataclass
class Section:
    key: str
    title: str
    note: str
    tables: list[tuple[str, Table]]
    chart_svg: str | None = None


def _mart(name: str) -> str:
    return f'{PUBLISHED_SCHEMA}."{name}"'


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def default_month(con: duckdb.DuckDBPyConnection) -> str:
    found = _rows(con, f"select max(cohort_month) from {_mart('rpt_funnel_conversion')} where dimension_name = 'all'")
    if not found or found[0][0] is None:
        raise ReportError("the published marts hold no funnel activity yet: run `smarketing run` first")
    return found[0][0].strftime("%Y-%m")


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    if not MONTH.match(month):
        raise ReportError(f"--month must be YYYY-MM (e.g. 2026-10), got {month!r}")
    start = dt.date(int(month[:4]), int(month[5:]), 1)
    end = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


# --------------------------------------------------------------------------------------------------
# Charts (matplotlib, inline SVG)
# --------------------------------------------------------------------------------------------------

_COLOURS = ("#1f5f8b", "#e07b39", "#3f9c6d", "#b94a48", "#7d5ba6", "#c9a227", "#4a9fb5", "#8c6d31",
            "#d45087", "#5a5a5a")


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _figure(width: float = 7.5, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.hashsalt": "smarketing"})
    return plt.subplots(figsize=(width, height))


def bar_chart(labels: list[str], series: dict[str, list[float]], *, horizontal: bool = False,
              line: tuple[str, list[float | None]] | None = None, percent: bool = False) -> str:
    """Grouped bars of ``series`` over ``labels`` (and an optional line, e.g. a target)."""
    figure, axes = _figure(height=max(2.6, 0.32 * len(labels) + 1.2) if horizontal else 3.2)
    count = max(len(series), 1)
    width = 0.8 / count
    positions = list(range(len(labels)))
    for n, (name, values) in enumerate(series.items()):
        offsets = [p - 0.4 + width * (n + 0.5) for p in positions]
        heights = [v or 0 for v in values]
        if horizontal:
            axes.barh(offsets, heights, height=width, label=name, color=_COLOURS[n % len(_COLOURS)])
        else:
            axes.bar(offsets, heights, width=width, label=name, color=_COLOURS[n % len(_COLOURS)])
    if line is not None:
        name, values = line
        axes.plot(positions, [float("nan") if v is None else v for v in values], color="#222222", marker="o",
                  linestyle="--", label=name)
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
    else:
        crowded = sum(len(x) for x in labels) > 60
        axes.set_xticks(positions, labels, rotation=35 if crowded else 0, ha="right" if crowded else "center")
    if percent:
        from matplotlib.ticker import PercentFormatter

        (axes.xaxis if horizontal else axes.yaxis).set_major_formatter(PercentFormatter(1.0))
    if len(series) > 1 or line is not None:
        axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes.grid(axis="x" if horizontal else "y", alpha=0.3)
    return _svg(figure)


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------

def _stages(con) -> list[str]:
    return [r[0] for r in _rows(con, f"select stage_name from {_mart('rpt_definition_reconciliation')} "
                                     "group by stage_name, stage_order order by stage_order")]


def funnel_section(con, lang: str, start: dt.date, end: dt.date) -> Section:
    stages = _stages(con)
    if not stages:
        raise ReportError("the published marts hold no funnel stages: run `smarketing run` first")
    counts = ", ".join(
        f"count({_quote('became_' + s + '_at')}), "
        f"count(*) filter (where {_quote('became_' + s + '_at')} >= $start and {_quote('became_' + s + '_at')} < $end)"
        for s in stages)
    found = con.execute(f"select {counts} from {_mart('fct_funnel')}", {"start": start, "end": end}).fetchall()[0]
    rows = []
    for n, stage in enumerate(stages):
        ever, in_month = found[2 * n], found[2 * n + 1]
        previous = found[2 * (n - 1)] if n else None
        rows.append((stage, in_month, ever, round(ever / previous, 4) if previous else None))
    t = Table([text(lang, "stage"), text(lang, "entered_in_month"), text(lang, "reached_ever"),
               text(lang, "conversion_from_previous")], rows, {1, 2, 3}, {3})
    chart = bar_chart(stages, {text(lang, "entered_in_month"): [r[1] for r in rows]}, horizontal=True)
    return Section("funnel", text(lang, "funnel_title"), text(lang, "funnel_note"), [("", t)], chart)


def cohort_section(con, lang: str, start: dt.date) -> Section:
    tables = []
    chart_labels, chart_rates = [], {}
    for dimension in COHORT_DIMENSIONS:
        rows = _rows(con, f"""
            select coalesce(dimension_value, ?) as value, from_stage || ' → ' || to_stage as pair, entered_from,
                converted, conversion_rate, median_days_to_convert
            from {_mart('rpt_funnel_conversion')}
            where cohort_month = ? and dimension_name = ?
            order by stage_pair_order, entered_from desc, value""", [text(lang, "none"), start, dimension])
        pairs = list(dict.fromkeys(r[1] for r in rows))
        values = list(dict.fromkeys(r[0] for r in rows))[:TOP_ROWS]
        by = {(r[0], r[1]): r for r in rows}
        # One row per value: for each stage pair, the cohort, the conversion rate and the median days.
        pivot = [(value, *(x for pair in pairs for x in (
            (by[(value, pair)][2], by[(value, pair)][4], by[(value, pair)][5]) if (value, pair) in by
            else (None, None, None)))) for value in values]
        columns = [text(lang, dimension)] + [
            f"{pair}: {text(lang, what)}" for pair in pairs for what in ("cohort", "conversion_rate", "median_days")]
        tables.append((text(lang, f"by_{dimension}"), Table(
            columns, pivot, set(range(1, len(columns))), {2 + 3 * n for n in range(len(pairs))})))
        if dimension == "channel":
            chart_labels = values
            chart_rates = {pair: [by[(v, pair)][4] if (v, pair) in by else None for v in values] for pair in pairs}
    chart = bar_chart(chart_labels, chart_rates, percent=True) if chart_labels else None
    return Section("cohorts", text(lang, "cohorts_title"), text(lang, "cohorts_note"), tables, chart)


def targets_section(con, lang: str, start: dt.date) -> Section:
    first = dt.date(start.year - 1, start.month, 1)
    rows = _rows(con, f"""
        select strftime(mql_month, '%Y-%m'), actual_mqls, target_mqls, target_attainment, is_month_complete
        from {_mart('rpt_mql_targets')}
        where target_grain = 'month' and mql_month > ? and mql_month <= ?
        order by mql_month""", [first, start])
    t = Table([text(lang, "month"), text(lang, "mqls"), text(lang, "target"), text(lang, "attainment"),
               text(lang, "month_complete")], rows, {1, 2, 3}, {3})
    chart = bar_chart([r[0] for r in rows], {text(lang, "mqls"): [r[1] for r in rows]},
                      line=(text(lang, "target"), [r[2] for r in rows])) if rows else None
    return Section("targets", text(lang, "targets_title"), text(lang, "targets_note"), [("", t)], chart)


def sla_section(con, lang: str, start: dt.date, end: dt.date) -> Section:
    tables = []
    chart = None
    for grain, column in (("owner", "coalesce(owner, ?)"), ("region", "coalesce(region, ?)")):
        rows = _rows(con, f"""
            select {column} as slice, count(*) as handed_off,
                count(*) filter (where is_sla_breached) as breached,
                count(*) filter (where is_untouched and not is_sla_breached) as pending,
                round(count(*) filter (where not is_untouched and not is_sla_breached)
                    / nullif(count(*) filter (where not (is_untouched and not is_sla_breached)), 0), 4) as compliance,
                round(median(hours_to_first_touch_calendar), 2) as median_hours
            from {_mart('rpt_lead_sla')}
            where handed_off_at >= ? and handed_off_at < ?
            group by slice order by handed_off desc, slice limit {TOP_ROWS}""",
                     [text(lang, "none"), start, end])
        tables.append((text(lang, f"by_{grain}"), Table(
            [text(lang, grain), text(lang, "handed_off"), text(lang, "breached"), text(lang, "pending"),
             text(lang, "sla_compliance"), text(lang, "median_hours")], rows, {1, 2, 3, 4, 5}, {4})))
        if grain == "owner" and rows:
            chart = bar_chart([r[0] for r in rows], {text(lang, "sla_compliance"): [r[4] for r in rows]},
                              horizontal=True, percent=True)
    return Section("sla", text(lang, "sla_title"), text(lang, "sla_note"), tables, chart)


def rejections_section(con, lang: str) -> Section:
    by_reason = _rows(con, f"""
        select rejection_type, coalesce(rejection_reason, ?) as reason, sum(rejection_count) as rejections,
            sum(lead_count) as leads
        from {_mart('rpt_lead_rejections')} group by all order by rejections desc, 1, 2 limit {TOP_ROWS}""",
                      [text(lang, "none")])
    by_source = _rows(con, f"""
        select coalesce(original_source, ?) as source, rejection_type, sum(rejection_count) as rejections
        from {_mart('rpt_lead_rejections')} group by all order by rejections desc, 1, 2 limit {TOP_ROWS}""",
                      [text(lang, "none")])
    tables = [
        (text(lang, "by_reason"), Table([text(lang, "rejection_type"), text(lang, "reason"), text(lang, "rejections"),
                                          text(lang, "leads")], by_reason, {2, 3})),
        (text(lang, "by_source"), Table([text(lang, "original_source"), text(lang, "rejection_type"),
                                          text(lang, "rejections")], by_source, {2})),
    ]
    chart = bar_chart([f"{r[1]} ({r[0]})" for r in by_reason], {text(lang, "rejections"): [r[2] for r in by_reason]},
                      horizontal=True) if by_reason else None
    return Section("rejections", text(lang, "rejections_title"), text(lang, "rejections_note"), tables, chart)


def spend_section(con, lang: str, start: dt.date) -> Section:
    measures = """sum(spend) as spend, sum(mqls) as mqls, sum(sqls) as sqls, sum(won_deals) as won_deals,
        sum(won_revenue) as won_revenue"""
    derived = """round(spend / nullif(mqls, 0), 2), round(spend / nullif(sqls, 0), 2),
        round(spend / nullif(won_deals, 0), 2), round((won_revenue - spend) / nullif(spend, 0), 4),
        round(won_revenue / nullif(spend, 0), 4)"""
    tables = []
    chart = None
    currency = _rows(con, f"select max(reporting_currency) from {_mart('rpt_closed_loop')}")[0][0] or ""
    for grain, column in (("channel", "channel"), ("campaign", "coalesce(campaign_name, ?)")):
        params = [] if grain == "channel" else [text(lang, "none")]
        rows = _rows(con, f"""
            select slice, spend, mqls, sqls, won_deals, won_revenue, {derived}
            from (select {column} as slice, {measures} from {_mart('rpt_closed_loop')}
                  where report_month = ? group by slice)
            order by spend desc nulls last, won_revenue desc, slice limit {TOP_ROWS}""", params + [start])
        columns = [text(lang, grain), f"{text(lang, 'spend')} ({currency})", text(lang, "mqls"), text(lang, "sqls"),
                   text(lang, "won_deals"), f"{text(lang, 'won_revenue')} ({currency})", text(lang, "cost_per_mql"),
                   text(lang, "cost_per_sql"), text(lang, "cac"), text(lang, "roi"), text(lang, "roas")]
        tables.append((text(lang, f"by_{grain}"), Table(columns, rows, set(range(1, 11)), {9})))
        if grain == "channel" and rows:
            chart = bar_chart([r[0] for r in rows], {text(lang, "spend"): [r[1] for r in rows],
                                                     text(lang, "won_revenue"): [r[5] for r in rows]})
    return Section("spend", text(lang, "spend_title"), text(lang, "spend_note"), tables, chart)


def attribution_section(con, lang: str, start: dt.date, end: dt.date) -> Section:
    first = dt.date(start.year - 1, start.month, 1)
    rows = _rows(con, f"""
        select attribution_model, channel, sum(attributed_revenue) as revenue,
            rank() over (partition by attribution_model order by sum(attributed_revenue) desc) as position
        from {_mart('rpt_closed_loop_attribution')}
        where report_month > ? and report_month < ?
        group by attribution_model, model_order, channel
        order by model_order, position, channel""", [first, end])
    models = list(dict.fromkeys(r[0] for r in rows))
    channels = sorted({r[1] for r in rows}, key=lambda c: (min(r[3] for r in rows if r[1] == c), c))[:TOP_ROWS]
    by = {(r[0], r[1]): r for r in rows}
    revenue = Table([text(lang, "channel"), *models],
                    [(c, *(by[(m, c)][2] if (m, c) in by else None for m in models)) for c in channels],
                    set(range(1, len(models) + 1)))
    ranks = Table([text(lang, "channel"), *models],
                  [(c, *(by[(m, c)][3] if (m, c) in by else None for m in models)) for c in channels],
                  set(range(1, len(models) + 1)))
    tables = [(text(lang, "attributed_revenue"), revenue), (text(lang, "rank"), ranks)]
    chart = bar_chart(channels, {m: [float(by[(m, c)][2]) if (m, c) in by else 0 for c in channels] for m in models},
                      horizontal=True) if rows else None
    return Section("attribution", text(lang, "attribution_title"), text(lang, "attribution_note"), tables, chart)


def reconciliation_section(con, lang: str) -> Section:
    rows = _rows(con, f"""
        select stage_name, reconciliation_reason, people, share_of_stage
        from {_mart('rpt_definition_reconciliation')} order by stage_order, reason_order""")
    stages = list(dict.fromkeys(r[0] for r in rows))
    reasons = list(dict.fromkeys(r[1] for r in rows))
    by = {(r[0], r[1]): r[3] for r in rows}
    chart = bar_chart(stages, {reason: [by.get((s, reason)) for s in stages] for reason in reasons},
                      percent=True) if rows else None
    t = Table([text(lang, "stage"), text(lang, "reason"), text(lang, "people"), text(lang, "share_of_stage")],
              rows, {2, 3}, {3})
    return Section("reconciliation", text(lang, "reconciliation_title"), text(lang, "reconciliation_note"),
                   [("", t)], chart)


def definitions_section(lang: str, summary: str) -> Section:
    return Section("definitions", text(lang, "definitions_title"), summary, [])


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1f5f8b;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}main{max-width:1100px;margin:0 auto;padding:16px 32px 48px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 6px}h3{font-size:14px;margin:14px 0 6px}p.note{color:#52606d;margin:0 0 10px}
.chart svg{max-width:100%;height:auto}.numbers{overflow-x:auto}table{border-collapse:collapse;font-size:12.5px;margin:6px 0;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:left}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums}th{background:#f0f3f6}details summary{cursor:pointer;color:#1f5f8b;margin:6px 0}
pre.definitions{white-space:pre-wrap;font-family:inherit;margin:0}nav a{color:#fff;margin-right:12px;font-size:13px}
"""


def _cell(value, percent: bool = False) -> str:
    """A value as the page shows it (a percentage for a fraction column)."""
    if value is None:
        return "—"
    if percent and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:.1f}%"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.2f}" if value % 1 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "quantize"):
        return f"{value:,.2f}"
    return str(value)


def _raw(value) -> str:
    """The exact value behind a cell, kept in its data-value attribute."""
    return "" if value is None else str(value)


def _table_html(table: Table) -> str:
    def css(i: int) -> str:
        return ' class="n"' if i in table.numeric else ""

    head = "".join(f"<th{css(i)}>{html.escape(c)}</th>" for i, c in enumerate(table.columns))
    body = "".join(
        "<tr>" + "".join(
            f'<td{css(i)} data-value="{html.escape(_raw(v))}">{html.escape(_cell(v, i in table.percent))}</td>'
            for i, v in enumerate(row)) + "</tr>"
        for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section_html(section: Section, lang: str) -> str:
    parts = [f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>']
    if section.key == "definitions":
        parts.append(f'<pre class="definitions">{html.escape(section.note)}</pre>')
    else:
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    if section.chart_svg:
        parts.append(f'<div class="chart" data-section="{section.key}">{section.chart_svg}</div>')
    for caption, table in section.tables:
        if caption:
            parts.append(f"<h3>{html.escape(caption)}</h3>")
        if table.rows:
            parts.append(f'<div class="numbers" data-section="{section.key}">{_table_html(table)}</div>')
        else:
            parts.append(f'<p class="note">{html.escape(text(lang, "no_rows"))}</p>')
    parts.append("</section>")
    return "".join(parts)


def render(sections: list[Section], lang: str, month: str, publish_id: str | None) -> str:
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    subtitle = text(lang, "subtitle").format(month=month, publish=publish_id or "—")
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(text(lang, 'title'))} {month}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{html.escape(text(lang, 'title'))} · {month}</h1><p>{html.escape(subtitle)}</p>"
        f"<nav>{nav}</nav></header><main>"
        + "".join(_section_html(s, lang) for s in sections)
        + "</main></body></html>"
    )


def definitions_in_words(lang: str) -> str:
    """The definitions version in force today (reporting time zone) and its rules, in plain words
    (orchestration/definitions_summary.py), as ``smarketing definitions --summary`` prints them."""
    from zoneinfo import ZoneInfo

    from orchestration.definitions_summary import summary
    from orchestration.funnel_definitions import DefinitionsError, load_definitions

    try:
        definitions = load_definitions()
        today = dt.datetime.now(ZoneInfo(definitions["reporting"]["timezone"])).date()
        return summary(definitions, as_of=today, lang=lang)
    except DefinitionsError as exc:
        raise ReportError(f"the definitions file cannot be read: {exc}") from None


def build_report(published: Path, month: str | None = None, lang: str = "en",
                 definitions_summary: str | None = None) -> tuple[str, str]:
    """(HTML, month) of the report over the published file ``published``; the definitions section says
    ``definitions_summary`` (default: the version in force, in words)."""
    if lang not in LANGUAGES:
        raise ReportError(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if not Path(published).is_file():
        raise ReportError(f"no published warehouse at {published}: run `smarketing run` first")
    with duckdb.connect(str(published), read_only=True) as con:
        month = month or default_month(con)
        start, end = _month_bounds(month)
        publish_id = _rows(con, f"select publish_id from {_mart('publish_log')} order by published_at desc limit 1")
        publish_id = publish_id[0][0] if publish_id else None
        sections = [
            funnel_section(con, lang, start, end),
            cohort_section(con, lang, start),
            targets_section(con, lang, start),
            sla_section(con, lang, start, end),
            rejections_section(con, lang),
            spend_section(con, lang, start),
            attribution_section(con, lang, start, end),
            reconciliation_section(con, lang),
        ]
    sections.append(definitions_section(lang, definitions_summary or definitions_in_words(lang)))
    return render(sections, lang, month, publish_id), month


def write_report(published: Path, out: Path, month: str | None = None, lang: str = "en",
                 definitions_summary: str | None = None) -> tuple[Path, str]:
    page, month = build_report(published, month, lang, definitions_summary)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out, month
