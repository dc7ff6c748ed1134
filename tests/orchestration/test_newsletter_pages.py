"""The newsletter on a tiny published file written by hand: calendar names and URLs are untrusted input,
so a hostile name is shown as text in both files and only a web address becomes a link."""

from __future__ import annotations

import duckdb

from orchestration.newsletter import build_newsletter, previous_month

HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(2)) | *bold*"


def published(path):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("""create table marts.rpt_content_impact as select * from (values
            ('a', date '2026-03-01', ?, 'Ebook', 'javascript:alert(3)', date '2026-03-02', true, 5, 4, 1, 1, 1,
             cast(100 as decimal(18, 2)), cast(40 as decimal(18, 2)), 'w_shaped', 'Eve <script>', 'marketing',
             'Ann; Bo', 'Cy'),
            ('b', date '2026-03-01', 'Guide B', 'Guide', 'https://example.com/b', date '2025-01-02', false, 2, 2, 0,
             0, 0, cast(0 as decimal(18, 2)), cast(0 as decimal(18, 2)), 'w_shaped', 'Cy', 'sales', null, null),
            ('b', date '2026-02-01', 'Guide B', 'Guide', 'https://example.com/b', date '2025-01-02', false, 7, 6, 0,
             0, 0, cast(0 as decimal(18, 2)), cast(0 as decimal(18, 2)), 'w_shaped', 'Cy', 'sales', null, null)
            ) t(content_asset_key, impact_month, asset_name, asset_type, url, published_date, is_published_in_month,
                touches, people_reached, new_leads, new_mqls, opportunities_influenced, pipeline_influenced,
                won_revenue_attributed, attribution_model, author, author_team, marketing_helpers, sales_helpers)""",
                    [HOSTILE])
        con.execute("""create table marts.rpt_closed_loop as select date '2026-03-01' as report_month,
            'Paid Search' as channel, 'Spring' as campaign_name, cast(10 as decimal(18, 2)) as spend, 1 as leads,
            0 as mqls, 0 as opportunities, cast(0 as decimal(18, 2)) as won_revenue""")
        con.execute("create table marts.publish_log as select 'p1' as publish_id, now() as published_at")
    return path


def test_hostile_calendar_text_stays_text_and_only_web_addresses_are_links(tmp_path):
    page, markdown = build_newsletter(published(tmp_path / "p.duckdb"), "2026-03")
    assert "<img" not in page and "<script" not in page and "javascript:alert(3)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page and 'href="https://example.com/b"' in page
    assert "javascript:alert(3)" not in markdown
    assert "\\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(2)) \\| \\*bold\\*" in markdown
    assert "[Guide B](https://example.com/b)" in markdown
    # the credits split the helpers of both teams; the headline compares with February
    assert "| Marketing | Ann | 1 |" in markdown and "| Sales | Cy | 2 |" in markdown
    assert "| People reached | 6 | 6 | 0 |" in markdown and "| Touches | 7 | 7 | 0 |" in markdown


def test_the_previous_month_wraps_the_year():
    assert previous_month("2026-01") == "2025-12" and previous_month("2026-03") == "2026-02"
