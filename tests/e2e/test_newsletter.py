"""The newsletter as a person reads it: rendered in headless Chromium (Debian's package, `make browser`), no
console errors, its chart drawn, a screenshot taken, nothing a mail client would refuse (scripts, style
sheets, fetched resources); and the numbers on the page equal the published marts, recomputed here in
Python from the marts' rows (not by the newsletter's SQL)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from html.parser import HTMLParser

from orchestration.newsletter import CONTENT_MEASURES, SECTIONS, NewsletterError, build_newsletter, last_month

from conftest import smarketing


class Tables(HTMLParser):
    """Every table of the page by its data-section, as rows of data-value strings."""

    def __init__(self):
        super().__init__()
        self.tables: dict[tuple[str, str], list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("data-section"):
            self._rows = self.tables.setdefault((a["data-section"], ""), [])
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._row.append(a.get("data-value", ""))

    def handle_endtag(self, tag):
        if tag == "tr" and self._row and self._rows is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._rows = None


def page_tables(page: str) -> dict[tuple[str, str], list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def mart_rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def published(published_small_demo) -> Path:
    return published_small_demo[1]


@pytest.fixture(scope="module")
def month(published) -> str:
    """The month with the most content touches in the published marts."""
    touches = Counter()
    for impact_month, count in mart_rows(published, "select impact_month, touches from marts.rpt_content_impact"):
        touches[impact_month] += count
    return max(touches, key=lambda m: (touches[m], m)).strftime("%Y-%m")


def num(text: str) -> Decimal:
    return Decimal(text or 0)


def test_the_newsletter_numbers_equal_the_published_marts(published, month):
    page, _ = build_newsletter(published, month)
    tables = page_tables(page)
    start = dt.date(int(month[:4]), int(month[5:]), 1)
    before = (start - dt.timedelta(days=1)).replace(day=1)
    columns = ", ".join(CONTENT_MEASURES)
    impact = mart_rows(published, f"select impact_month, asset_name, is_published_in_month, author, author_team, "
                                  f"marketing_helpers, sales_helpers, {columns} from marts.rpt_content_impact")

    # The month in numbers: each measure summed over the month's rows and the previous month's.
    totals = defaultdict(lambda: [Decimal(0)] * len(CONTENT_MEASURES))
    for row in impact:
        for n, value in enumerate(row[7:]):
            totals[row[0]][n] += value or 0
    headline = tables[("headline", "")]
    assert len(headline) == len(CONTENT_MEASURES)
    for n, row in enumerate(headline):
        assert (num(row[1]), num(row[2]), num(row[3])) == (
            totals[start][n], totals[before][n], totals[start][n] - totals[before][n])
    assert totals[start][1] > 0

    # Published this month: the assets whose publication month it is.
    published_now = sorted(r[1] for r in impact if r[0] == start and r[2])
    assert sorted(row[0] for row in tables.get(("published", ""), [])) == published_now

    # What content did: every measure of each active asset (at most fifteen, the most people reached first).
    active = {r[1]: r[7:] for r in impact if r[0] == start and any(v for v in r[7:])}
    shown = tables[("content", "")]
    assert len(shown) == min(15, len(active))
    for row in shown:
        assert tuple(num(v) for v in row[1:]) == tuple(Decimal(v or 0) for v in active[row[0]])
    reach = [num(row[2]) for row in shown]
    assert reach == sorted(reach, reverse=True)

    # Top movers: the largest changes in people reached against the month before.
    change = defaultdict(lambda: [0, 0])
    for r in impact:
        if r[0] in (start, before):
            change[r[1]][r[0] == start] += r[8]
    moved = sorted(((a, p, c, c - p) for a, (p, c) in change.items() if c != p), key=lambda m: (-abs(m[3]), m[0]))[:5]
    assert [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in tables.get(("movers", ""), [])] == moved

    # Campaigns of the month: sums of rpt_closed_loop's rows of the month, per campaign.
    campaigns = defaultdict(lambda: [Decimal(0)] * 5)
    for name, *values in mart_rows(published, f"select campaign_name, spend, leads, mqls, opportunities, won_revenue "
                                              f"from marts.rpt_closed_loop where report_month = date '{start}'"):
        if name is not None:
            campaigns[name] = [a + (v or 0) for a, v in zip(campaigns[name], values)]
    for row in tables[("campaigns", "")]:
        assert [num(v) for v in row[1:]] == campaigns[row[0]]
    assert len(tables[("campaigns", "")]) == min(15, sum(1 for v in campaigns.values() if any(v[:2] + v[3:])))

    # Thank you: the authors and helpers of the assets published or active in the month, by team.
    credits = defaultdict(set)
    for r in impact:
        if r[0] == start and (r[2] or any(v for v in r[7:])):
            credits[(r[4], r[3])].add(r[1])
            for team, helpers in (("marketing", r[5]), ("sales", r[6])):
                for person in (helpers or "").split(";"):
                    if person.strip():
                        credits[(team, person.strip())].add(r[1])
    team_names = {"Marketing": "marketing", "Sales": "sales"}
    shown = {(team_names.get(row[0], row[0]), row[1]): (int(row[2]), row[3]) for row in tables[("credits", "")]}
    assert shown == {k: (len(v), "; ".join(sorted(v))) for k, v in credits.items()}
    assert {team for team, _ in shown} == {"marketing", "sales"}


def test_the_newsletter_renders_in_chromium_as_an_email_would_show_it(published, month, tmp_path):
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is not installed: `make browser` installs it"
    page, markdown = build_newsletter(published, month)
    # Email-ready: no script, no style sheet, nothing fetched (links are only followed when clicked).
    lowered = page.lower()
    assert "<script" not in lowered and "<style" not in lowered and "<link" not in lowered
    assert " src=" not in lowered and "@import" not in lowered
    assert re.findall(r"url\((?!#)", lowered) == []  # only the chart's own clip paths (url(#id))
    probe = """<script>
      const charts = [...document.querySelectorAll('.chart')].map(c => {
        const shapes = [...c.querySelectorAll('svg path, svg rect, svg use')].map(e => e.getBBox())
          .filter(b => b.width * b.height > 1 || b.width > 1 || b.height > 1);
        return {section: c.dataset.section, shapes: shapes.length, width: c.getBoundingClientRect().width};
      });
      const sections = [...document.querySelectorAll('td[id]')].map(s => s.id);
      document.body.insertAdjacentHTML('beforeend',
        '<pre id="probe">' + JSON.stringify({charts, sections}) + '</pre>');
    </script>"""
    target = tmp_path / "newsletter.html"
    target.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    done = subprocess.run([*flags, "--dump-dom", target.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    probed = json.loads(done.stdout.rsplit('<pre id="probe">', 1)[1].split("</pre>", 1)[0])
    assert probed["sections"] == list(SECTIONS)
    assert [c["section"] for c in probed["charts"]] == ["content"]
    assert all(c["shapes"] >= 3 and c["width"] > 300 for c in probed["charts"]), probed

    plain = tmp_path / "plain.html"
    plain.write_text(page, encoding="utf-8")
    screenshot = tmp_path / "newsletter.png"
    shot = subprocess.run([*flags, f"--screenshot={screenshot}", "--window-size=800,2400", plain.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0, shot.stderr[-2000:]
    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").resize((80, 240)).getcolors(maxcolors=80 * 240)
    assert image.size == (800, 2400) and len(colours) > 20


def test_the_markdown_twin_has_the_same_sections_and_numbers(published, month):
    page, markdown = build_newsletter(published, month)
    tables = page_tables(page)
    assert markdown.startswith(f"# The Smarketing newsletter · {month}\n")
    for title in ("The month in numbers", "Published this month", "What content did", "Top movers",
                  "Campaigns of the month", "Thank you"):
        assert f"\n## {title}\n" in markdown
    lines = markdown.splitlines()
    people = next(line for line in lines if line.startswith("| People reached |"))
    assert people.split(" | ")[1].replace(",", "") == str(int(num(tables[("headline", "")][1][1])))


def test_the_spanish_newsletter_speaks_spanish_with_the_same_numbers(published, month):
    english, _ = build_newsletter(published, month)
    spanish, spanish_md = build_newsletter(published, month, lang="es")
    assert '<html lang="es">' in spanish and "La newsletter de Smarketing" in spanish
    assert "El mes en cifras" in spanish and "The month in numbers" not in spanish
    assert "## Gracias" in spanish_md
    english_tables, spanish_tables = page_tables(english), page_tables(spanish)
    for key in ("headline", "content", "campaigns"):
        assert [row[1:] for row in english_tables[(key, "")]] == [row[1:] for row in spanish_tables[(key, "")]]


def test_a_month_is_checked_and_a_month_without_activity_is_refused(published, tmp_path):
    with pytest.raises(NewsletterError, match=r"^--month must be YYYY-MM \(e.g. 2026-10\), got '2026-13'$"):
        build_newsletter(published, "2026-13")
    with pytest.raises(NewsletterError, match=r"^the published marts hold no content or campaign activity in 1999-01$"):
        build_newsletter(published, "1999-01")
    with pytest.raises(NewsletterError, match="^no published warehouse at .*missing.duckdb: run `smarketing run` first$"):
        build_newsletter(tmp_path / "missing.duckdb", "2026-10")
    assert last_month(dt.date(2027, 1, 15)) == "2026-12" and last_month(dt.date(2026, 3, 1)) == "2026-02"


def test_the_cli_writes_both_files_and_refuses_a_bad_month(published, month, tmp_path):
    done = smarketing("newsletter", "--month", month, "--lang", "es", "--out", str(tmp_path / "out"),
                      "--warehouse", str(published), dagster_home=tmp_path)
    assert done.returncode == 0, done.stderr
    html_file, md_file = tmp_path / "out" / f"newsletter-{month}.html", tmp_path / "out" / f"newsletter-{month}.md"
    assert done.stdout == (f"Wrote the newsletter of {month} (es) to {html_file.resolve()} and "
                           f"{md_file.resolve()}\n")
    assert "La newsletter de Smarketing" in html_file.read_text(encoding="utf-8")
    assert md_file.read_text(encoding="utf-8").startswith(f"# La newsletter de Smarketing · {month}")
    bad = smarketing("newsletter", "--month", "10/2026", "--out", str(tmp_path / "out"), "--warehouse", str(published),
                     dagster_home=tmp_path)
    assert (bad.returncode, bad.stderr) == (2, "error: --month must be YYYY-MM (e.g. 2026-10), got '10/2026'\n")
