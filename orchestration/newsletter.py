"""``smarketing newsletter``: the month's content and campaigns, and what they did, as an email-ready HTML
page and its Markdown twin, read from the published marts.

Sections: the month in numbers against the month before (marts.rpt_content_impact summed); the assets
published in the month; what each active asset did (touches, people reached, leads, MQLs, opportunities
and pipeline influenced, won revenue credited under definitions ``reporting.content_attribution_model``);
the top movers (the largest change in people reached against the month before); the month's campaigns
(marts.rpt_closed_loop); and credits to the people of both teams behind the month's assets.

Email-ready: styles are inline attributes, there is no script and nothing is fetched when the page is
opened; the one chart is inline SVG (matplotlib, as the report draws it) with its numbers in the table
below it, so a mail client that drops SVG loses nothing. Every figure is an aggregate query over the
published file, so a newsletter costs the same at any size.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.newsletter_text import text
from orchestration.report import (
    TOP_ROWS,
    ReportError,
    Table,
    _cell,
    _mart,
    _month_bounds,
    _raw,
    _rows,
    bar_chart,
)
from orchestration.report_text import LANGUAGES

# The measures of rpt_content_impact the newsletter sums, in the order it shows them.
CONTENT_MEASURES = ("touches", "people_reached", "new_leads", "new_mqls", "opportunities_influenced",
                    "pipeline_influenced", "won_revenue_attributed")
# Matplotlib's SVG carries a style sheet for line joins; mail clients strip style elements, so it goes.
_SVG_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
# Movers shown at most (the largest change in people reached first).
TOP_MOVERS = 5
SECTIONS = ("headline", "published", "content", "movers", "campaigns", "credits")


class NewsletterError(ReportError):
    """The newsletter cannot be made as asked; the message says why."""


@dataclass
class Block:
    key: str
    title: str
    note: str
    table: Table
    chart_svg: str | None = None
    # Column whose cell links to the URL in the row's last value (not shown).
    link_column: int | None = None


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def last_month(today: dt.date) -> str:
    """The month before ``today``'s, YYYY-MM: the newsletter a schedule writes at the start of a month."""
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def last_month_in_reporting_time() -> str:
    """The month before today's in the reporting time zone (definitions ``reporting.timezone``)."""
    from zoneinfo import ZoneInfo

    from orchestration.funnel_definitions import DefinitionsError, load_definitions

    try:
        time_zone = ZoneInfo(load_definitions()["reporting"]["timezone"])
    except DefinitionsError as exc:
        raise NewsletterError(f"the definitions file cannot be read: {exc}") from None
    return last_month(dt.datetime.now(time_zone).date())


def _email_svg(svg: str) -> str:
    """The chart as a mail client can take it: no style element, scaled to the column's width."""
    return _SVG_STYLE.sub("", svg).replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def _sum(column: str) -> str:
    return f"sum({column})"


def _headline(con, lang: str, start: dt.date, before: dt.date) -> Block:
    sums = ", ".join(_sum(m) for m in CONTENT_MEASURES)
    found = _rows(con, f"""
        select impact_month, {sums} from {_mart('rpt_content_impact')}
        where impact_month in (?, ?) group by impact_month""", [start, before])
    by_month = {r[0]: r[1:] for r in found}
    now, then = by_month.get(start, (0,) * len(CONTENT_MEASURES)), by_month.get(before, (0,) * len(CONTENT_MEASURES))
    now, then = [0 if v is None else v for v in now], [0 if v is None else v for v in then]
    rows = [(text(lang, m), now[n], then[n], now[n] - then[n]) for n, m in enumerate(CONTENT_MEASURES)]
    table = Table([text(lang, "measure"), text(lang, "this_month"), text(lang, "previous_month"),
                   text(lang, "change")], rows, {1, 2, 3})
    return Block("headline", text(lang, "headline_title"), text(lang, "headline_note"), table)


def _published(con, lang: str, start: dt.date) -> Block:
    rows = _rows(con, f"""
        select asset_name, asset_type, published_date, author, url from {_mart('rpt_content_impact')}
        where impact_month = ? and is_published_in_month
        order by published_date, asset_name""", [start])
    table = Table([text(lang, "asset"), text(lang, "type"), text(lang, "published"), text(lang, "author")], rows)
    return Block("published", text(lang, "published_title"), text(lang, "published_note"), table, link_column=0)


def _content(con, lang: str, start: dt.date) -> Block:
    active = " or ".join(f"{m} <> 0" for m in CONTENT_MEASURES)
    rows = _rows(con, f"""
        select asset_name, {', '.join(CONTENT_MEASURES)}, url from {_mart('rpt_content_impact')}
        where impact_month = ? and ({active})
        order by people_reached desc, won_revenue_attributed desc, asset_name limit {TOP_ROWS}""", [start])
    table = Table([text(lang, "asset"), *(text(lang, m) for m in CONTENT_MEASURES)], rows,
                  set(range(1, len(CONTENT_MEASURES) + 1)))
    chart = _email_svg(bar_chart([r[0] for r in rows], {text(lang, "people_reached"): [r[2] for r in rows]},
                                 horizontal=True)) if rows else None
    return Block("content", text(lang, "content_title"), text(lang, "content_note"), table, chart, link_column=0)


def _movers(con, lang: str, start: dt.date, before: dt.date) -> Block:
    rows = _rows(con, f"""
        select asset_name,
            coalesce(sum(people_reached) filter (where impact_month = $before), 0) as previous,
            coalesce(sum(people_reached) filter (where impact_month = $start), 0) as current,
            current - previous as change
        from {_mart('rpt_content_impact')}
        where impact_month in ($start, $before)
        group by asset_name
        having change <> 0
        order by abs(change) desc, asset_name limit {TOP_MOVERS}""", {"start": start, "before": before})
    table = Table([text(lang, "asset"), text(lang, "previous_month"), text(lang, "this_month"), text(lang, "change")],
                  rows, {1, 2, 3})
    return Block("movers", text(lang, "movers_title"), text(lang, "movers_note"), table)


def _campaigns(con, lang: str, start: dt.date) -> Block:
    rows = _rows(con, f"""
        select campaign_name, sum(spend) as spend, sum(leads) as leads, sum(mqls) as mqls,
            sum(opportunities) as opportunities, sum(won_revenue) as won_revenue
        from {_mart('rpt_closed_loop')}
        where report_month = ? and campaign_name is not null
        group by campaign_name
        having sum(spend) <> 0 or sum(leads) <> 0 or sum(opportunities) <> 0 or sum(won_revenue) <> 0
        order by leads desc, won_revenue desc, campaign_name limit {TOP_ROWS}""", [start])
    table = Table([text(lang, "campaign"), text(lang, "spend"), text(lang, "leads"), text(lang, "mqls"),
                   text(lang, "opportunities"), text(lang, "won_revenue")], rows, {1, 2, 3, 4, 5})
    return Block("campaigns", text(lang, "campaigns_title"), text(lang, "campaigns_note"), table)


def _credits(con, lang: str, start: dt.date) -> Block:
    active = " or ".join(f"{m} <> 0" for m in CONTENT_MEASURES)
    found = _rows(con, f"""
        with featured as (
            select * from {_mart('rpt_content_impact')}
            where impact_month = ? and (is_published_in_month or {active})
        ),
        people as (
            select author_team as team, author as person, asset_name from featured
            union all
            select 'marketing', trim(unnest(string_split(marketing_helpers, ';'))), asset_name
            from featured where marketing_helpers is not null
            union all
            select 'sales', trim(unnest(string_split(sales_helpers, ';'))), asset_name
            from featured where sales_helpers is not null
        )
        select team, person, count(distinct asset_name) as assets,
            array_to_string(list_sort(list(distinct asset_name)), '; ') as asset_names
        from people where person <> ''
        group by team, person
        order by team, assets desc, person""", [start])
    labels = {"marketing": text(lang, "team_marketing"), "sales": text(lang, "team_sales")}
    rows = [(labels.get(team, team), person, assets, names) for team, person, assets, names in found]
    table = Table([text(lang, "team"), text(lang, "person"), text(lang, "assets"), text(lang, "asset")], rows, {2})
    return Block("credits", text(lang, "credits_title"), text(lang, "credits_note"), table)


# --------------------------------------------------------------------------------------------------
# HTML (inline styles only) and Markdown
# --------------------------------------------------------------------------------------------------

_FONT = "font-family:Helvetica,Arial,sans-serif;"
_TH = f"{_FONT}font-size:12px;background:#f0f3f6;padding:4px 6px;border-bottom:1px solid #d9dee3;"
_TD = f"{_FONT}font-size:12px;padding:4px 6px;border-bottom:1px solid #e4e7eb;"


def _safe_url(url) -> str | None:
    """A link only to a web page: the calendar's URLs are untrusted input."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _shown_columns(block: Block) -> int:
    return len(block.table.columns)


def _block_html(block: Block, lang: str) -> str:
    t = block.table
    parts = [f'<tr><td id="{block.key}" style="padding:18px 24px 6px;{_FONT}">'
             f'<h2 style="{_FONT}font-size:17px;color:#1f5f8b;margin:0 0 4px">{html.escape(block.title)}</h2>'
             f'<p style="{_FONT}font-size:13px;color:#52606d;margin:0 0 8px">{html.escape(block.note)}</p>']
    if block.chart_svg:
        parts.append(f'<div class="chart" data-section="{block.key}">{block.chart_svg}</div>')
    if not t.rows:
        parts.append(f'<p style="{_FONT}font-size:13px;margin:0">{html.escape(text(lang, "no_rows"))}</p></td></tr>')
        return "".join(parts)

    def align(i: int) -> str:
        return "text-align:right;" if i in t.numeric else "text-align:left;"

    head = "".join(f'<th style="{_TH}{align(i)}">{html.escape(c)}</th>' for i, c in enumerate(t.columns))
    body = []
    for row in t.rows:
        cells = []
        for i, value in enumerate(row[:_shown_columns(block)]):
            shown = html.escape(_cell(value, i in t.percent))
            url = _safe_url(row[-1]) if i == block.link_column else None
            if url:
                shown = f'<a href="{html.escape(url)}" style="color:#1f5f8b">{shown}</a>'
            cells.append(f'<td style="{_TD}{align(i)}" data-value="{html.escape(_raw(value))}">{shown}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts.append(f'<table role="presentation" cellpadding="0" cellspacing="0" width="100%" data-section="{block.key}" '
                 f'style="border-collapse:collapse"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
                 "</table></td></tr>")
    return "".join(parts)


def render_html(blocks: list[Block], lang: str, month: str, footer: str) -> str:
    title = f"{text(lang, 'title')} · {month}"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f'</head><body style="margin:0;padding:0;background:#f6f7f9">'
        f'<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="background:#f6f7f9">'
        f'<tr><td align="center" style="padding:16px 8px">'
        f'<table role="presentation" cellpadding="0" cellspacing="0" width="680" '
        f'style="max-width:680px;width:100%;background:#ffffff;border-collapse:collapse">'
        f'<tr><td style="background:#1f5f8b;color:#ffffff;padding:20px 24px;{_FONT}">'
        f'<h1 style="{_FONT}font-size:22px;margin:0 0 4px">{html.escape(title)}</h1>'
        f'<p style="{_FONT}font-size:13px;margin:0">{html.escape(text(lang, "subtitle").format(month=month))}</p>'
        f"</td></tr>"
        + "".join(_block_html(b, lang) for b in blocks)
        + f'<tr><td style="padding:18px 24px;{_FONT}font-size:11px;color:#52606d">{html.escape(footer)}</td></tr>'
        "</table></td></tr></table></body></html>"
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(value) -> str:
    """A value for a Markdown table cell: one line, with the characters that would make a link, raw HTML,
    emphasis or a new cell escaped (names in the calendar are untrusted input)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def render_markdown(blocks: list[Block], lang: str, month: str, footer: str) -> str:
    lines = [f"# {text(lang, 'title')} · {month}", "", text(lang, "subtitle").format(month=month), ""]
    for block in blocks:
        t = block.table
        lines += [f"## {block.title}", "", block.note, ""]
        if not t.rows:
            lines += [text(lang, "no_rows"), ""]
            continue
        lines.append("| " + " | ".join(_md(c) for c in t.columns) + " |")
        lines.append("|" + "|".join("---:" if i in t.numeric else "---" for i in range(len(t.columns))) + "|")
        for row in t.rows:
            cells = []
            for i, value in enumerate(row[:_shown_columns(block)]):
                shown = _md(_cell(value, i in t.percent))
                url = _safe_url(row[-1]) if i == block.link_column else None
                cells.append(f"[{shown}]({url.replace(')', '%29').replace(' ', '%20')})" if url else shown)
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["---", "", footer, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# The newsletter
# --------------------------------------------------------------------------------------------------

def build_newsletter(published: Path, month: str, lang: str = "en") -> tuple[str, str]:
    """(HTML, Markdown) of the newsletter of ``month`` (YYYY-MM) over the published file ``published``."""
    if lang not in LANGUAGES:
        raise NewsletterError(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    try:
        start, _ = _month_bounds(month)
    except ReportError as exc:
        raise NewsletterError(str(exc)) from None
    before, _ = _month_bounds(previous_month(month))
    if not Path(published).is_file():
        raise NewsletterError(f"no published warehouse at {published}: run `smarketing run` first")
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            (content_rows, model), = _rows(con, f"""
                select count(*), max(attribution_model) from {_mart('rpt_content_impact')}""")
            (month_rows,), = _rows(con, f"""
                select (select count(*) from {_mart('rpt_content_impact')} where impact_month = $start)
                    + (select count(*) from {_mart('rpt_closed_loop')} where report_month = $start)""",
                                   {"start": start})
        except duckdb.CatalogException:
            raise NewsletterError(f"the published warehouse at {published} has no content impact mart: "
                                  "run `smarketing run` again to publish it") from None
        if not month_rows:
            raise NewsletterError(f"the published marts hold no content or campaign activity in {month}")
        blocks = [
            _headline(con, lang, start, before),
            _published(con, lang, start),
            _content(con, lang, start),
            _movers(con, lang, start, before),
            _campaigns(con, lang, start),
            _credits(con, lang, start),
        ]
        publish = _rows(con, f"select publish_id from {_mart('publish_log')} order by published_at desc limit 1")
    footer = text(lang, "footer").format(publish=publish[0][0] if publish else "—", model=model or "—")
    return render_html(blocks, lang, month, footer), render_markdown(blocks, lang, month, footer)


def write_newsletter(published: Path, out_dir: Path, month: str, lang: str = "en") -> tuple[Path, Path]:
    """Write ``newsletter-<month>.html`` and ``newsletter-<month>.md`` into ``out_dir``."""
    page, markdown = build_newsletter(published, month, lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, md_path = out_dir / f"newsletter-{month}.html", out_dir / f"newsletter-{month}.md"
    html_path.write_text(page, encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return html_path, md_path
