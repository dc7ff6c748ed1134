"""The funnel report as a person sees it: rendered in headless Chromium (Debian's package, `make browser`),
no console errors, every chart drawn, a screenshot taken; and the numbers on the page equal the published
marts, recomputed here in Python from the marts' rows (not by the report's SQL)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
from collections import Counter, defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.report import funnel_report
from orchestration.report import ReportError, build_report, write_report
from orchestration.resources import WarehouseResource

SECTIONS = ("funnel", "cohorts", "targets", "sla", "rejections", "spend", "attribution", "reconciliation")


@pytest.fixture(scope="module")
def published(published_small_demo) -> Path:
    """The small demo's published file (tests/e2e/conftest.py): its run wrote the report after publishing."""
    _, warehouse = published_small_demo
    assert (warehouse.parent / "reports" / "funnel-report.html").is_file()
    return warehouse


class Tables(HTMLParser):
    """Every table of the page: section id, caption (h3 before it) and its rows of data-value strings."""

    def __init__(self):
        super().__init__()
        self.section = self.caption = None
        self.tables: list[tuple[str, str, list[list[str]]]] = []
        self._in_h3 = False
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section, self.caption = a.get("id"), ""
        elif tag == "h3":
            self._in_h3, self.caption = True, ""
        elif tag == "table":
            self.tables.append((self.section, self.caption, []))
        elif tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._row.append(a.get("data-value", ""))

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_h3 = False
        elif tag == "tr" and self._row:
            self.tables[-1][2].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_h3:
            self.caption += data


def page_tables(page: str) -> dict[tuple[str, str], list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return {(section, caption): rows for section, caption, rows in parser.tables}


def mart_rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def num(text: str) -> Decimal | None:
    return None if text == "" else Decimal(text)


def test_the_report_numbers_equal_the_published_marts(published):
    page, month = build_report(published)
    tables = page_tables(page)
    start = dt.date(int(month[:4]), int(month[5:]), 1)
    end = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)

    # The default month is the latest cohort month with funnel activity.
    cohorts = mart_rows(published, "select cohort_month from marts.rpt_funnel_conversion where dimension_name = 'all'")
    assert start == max(c for (c,) in cohorts)

    # The funnel: people entering each stage in the month and ever, from fct_funnel's rows.
    stages = [s for s, _ in sorted(set(mart_rows(
        published, "select stage_name, stage_order from marts.rpt_definition_reconciliation")), key=lambda r: r[1])]
    columns = ", ".join(f'"became_{s}_at"' for s in stages)
    people = mart_rows(published, f"select {columns} from marts.fct_funnel")
    funnel = tables[("funnel", "")]
    assert [row[0] for row in funnel] == stages
    for n, row in enumerate(funnel):
        times = [p[n] for p in people if p[n] is not None]
        assert int(row[1]) == sum(1 for t in times if start <= t.date() < end)
        assert int(row[2]) == len(times)
    assert sum(int(r[2]) for r in funnel[:1]) > 100

    # MQLs against target: the month grain of rpt_mql_targets for the twelve months to the report month.
    targets = {m.strftime("%Y-%m"): (actual, target) for m, actual, target in mart_rows(
        published, "select mql_month, actual_mqls, target_mqls from marts.rpt_mql_targets where target_grain = 'month'")
        if start.replace(year=start.year - 1) < m <= start}
    assert {r[0]: (int(r[1]), None if r[2] == "" else int(r[2])) for r in tables[("targets", "")]} == targets

    # The handoff SLA by owner: counts and the median from rpt_lead_sla's rows of the month.
    by_owner = defaultdict(list)
    for owner, breached, untouched, hours, at in mart_rows(
            published, "select owner, is_sla_breached, is_untouched, hours_to_first_touch_calendar, handed_off_at "
                       "from marts.rpt_lead_sla"):
        if start <= at.date() < end:
            by_owner[owner or "(none)"].append((breached, untouched, hours))
    shown = {r[0]: r for r in tables[("sla", "By owner")]}
    assert shown.keys() == by_owner.keys()
    for owner, handoffs in by_owner.items():
        hours = [h for _, _, h in handoffs if h is not None]
        row = shown[owner]
        assert int(row[1]) == len(handoffs)
        assert int(row[2]) == sum(1 for b, _, _ in handoffs if b)
        assert int(row[3]) == sum(1 for b, u, _ in handoffs if u and not b)
        if hours:
            assert float(row[5]) == pytest.approx(round(statistics.median(hours), 2), abs=0.005)

    # Spend and return by channel: sums of rpt_closed_loop's rows of the month.
    spend = defaultdict(lambda: Counter())
    for channel, cost, mqls, won in mart_rows(
            published, f"select channel, spend, mqls, won_revenue from marts.rpt_closed_loop "
                       f"where report_month = date '{start}'"):
        spend[channel]["spend"] += cost or 0
        spend[channel]["mqls"] += mqls or 0
        spend[channel]["won"] += won or 0
    shown = {r[0]: r for r in tables[("spend", "By channel")]}
    assert shown.keys() == spend.keys()
    for channel, sums in spend.items():
        assert num(shown[channel][1]) == sums["spend"]
        assert int(shown[channel][2]) == sums["mqls"]
        assert num(shown[channel][5]) == sums["won"]

    # The attribution ranking: each model's revenue per channel over the twelve months.
    revenue = defaultdict(Decimal)
    for model, channel, amount in mart_rows(
            published, f"select attribution_model, channel, attributed_revenue from marts.rpt_closed_loop_attribution "
                       f"where report_month > date '{start.replace(year=start.year - 1)}' and report_month < date '{end}'"):
        revenue[(model, channel)] += amount
    models = [m for m, _ in mart_rows(published, "select attribution_model, min(model_order) as o "
                                                  "from marts.rpt_closed_loop_attribution group by 1 order by o")]
    shown = tables[("attribution", "Attributed revenue")]
    ranks = {row[0]: row[1:] for row in tables[("attribution", "Rank")]}
    assert {row[0] for row in shown} == {c for _, c in revenue}
    for row in shown:
        channel = row[0]
        for n, (model, cell) in enumerate(zip(models, row[1:])):
            assert num(cell) == revenue.get((model, channel))
            if (model, channel) not in revenue:
                assert ranks[channel][n] == ""
                continue
            # rank: 1 + the channels with more revenue under the model
            better = sum(1 for (m, _), v in revenue.items() if m == model and v > revenue[(model, channel)])
            assert int(ranks[channel][n]) == better + 1
    assert sum(revenue.values()) > 0


def test_the_report_renders_in_chromium_without_errors_and_every_chart_is_drawn(published, tmp_path):
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is not installed: `make browser` installs it"
    page, month = build_report(published)
    # Measure what the browser drew: the area of every chart's bars, lines and markers.
    probe = """<script>
      const charts = [...document.querySelectorAll('.chart')].map(c => {
        const shapes = [...c.querySelectorAll('svg path, svg rect, svg use')].map(e => e.getBBox())
          .filter(b => b.width * b.height > 1 || b.width > 1 || b.height > 1);
        return {section: c.dataset.section, shapes: shapes.length, width: c.getBoundingClientRect().width};
      });
      document.body.insertAdjacentHTML('beforeend', '<pre id="probe">' + JSON.stringify(charts) + '</pre>');
    </script>"""
    target = tmp_path / "report.html"
    target.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    done = subprocess.run([*flags, "--dump-dom", target.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    probed = json.loads(done.stdout.rsplit('<pre id="probe">', 1)[1].split("</pre>", 1)[0])
    assert {c["section"] for c in probed} == set(SECTIONS)
    assert all(c["shapes"] >= 3 and c["width"] > 300 for c in probed), probed

    screenshot = tmp_path / "report.png"
    shot = subprocess.run([*flags, f"--screenshot={screenshot}", "--window-size=1200,2400",
                           (tmp_path / "plain.html").as_uri() if (tmp_path / "plain.html").write_text(
                               page, encoding="utf-8") else ""], capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0, shot.stderr[-2000:]
    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").resize((120, 240)).getcolors(maxcolors=120 * 240)
    assert image.size == (1200, 2400) and len(colours) > 20


def test_the_definitions_in_force_are_on_the_page_in_words(published):
    import html as html_module
    import re

    from orchestration.definitions_summary import summary
    from orchestration.funnel_definitions import load_definitions

    for lang in ("en", "es"):
        page, _ = build_report(published, lang=lang)
        definitions = load_definitions()
        shown = html_module.unescape(re.search(r'<section id="definitions">.*?<pre class="definitions">(.*?)</pre>',
                                               page, re.S).group(1))
        # the summary as of today: the same text whichever day in the reporting time zone it is read
        from zoneinfo import ZoneInfo

        today = dt.datetime.now(ZoneInfo(definitions["reporting"]["timezone"])).date()
        assert shown == summary(definitions, as_of=today, lang=lang)
        assert len(shown.splitlines()) > 5


def test_the_spanish_report_speaks_spanish_with_the_same_numbers(published):
    english, month = build_report(published)
    spanish, same_month = build_report(published, lang="es")
    assert same_month == month
    assert '<html lang="es">' in spanish and "Informe del embudo Smarketing" in spanish
    assert "El embudo por etapa" in spanish and "The funnel by stage" not in spanish
    assert [rows for _, rows in sorted(page_tables(english).items(), key=lambda t: t[0][0])][0] == \
        [rows for _, rows in sorted(page_tables(spanish).items(), key=lambda t: t[0][0])][0]
    assert page_tables(english)[("funnel", "")] == page_tables(spanish)[("funnel", "")]


def test_a_month_is_checked_and_an_older_month_reads_that_month(published, tmp_path):
    with pytest.raises(ReportError, match=r"--month must be YYYY-MM \(e.g. 2026-10\), got '2026-13'"):
        build_report(published, month="2026-13")
    with pytest.raises(ReportError, match="no published warehouse at"):
        build_report(tmp_path / "missing.duckdb")
    out, month = write_report(published, tmp_path / "r" / "march.html", month="2026-03")
    assert month == "2026-03" and "· 2026-03</h1>" in out.read_text(encoding="utf-8")


def test_a_report_that_cannot_be_written_is_a_warning_not_a_failure(tmp_path):
    result = dg.materialize([funnel_report], resources={
        "warehouse": WarehouseResource(path=str(tmp_path / "nothing" / "smarketing.duckdb"))})
    assert result.success
    (materialization,) = result.asset_materializations_for_node("reports__funnel_report")
    assert materialization.metadata["written"].value is False
    assert "no published warehouse at" in materialization.metadata["warning"].value
