"""The demo company's content calendar: every content program and webinar of the catalog published by
the as-of date, with its form name (the asset name touches carry), campaign, type, page, publication
date, author and helpers from both teams (employed on the publication day; sales helpers cover the
asset's markets). It is the company's own file (``content/content_calendar.csv``), not a vendor export.

Who wrote and who helped is drawn from a random stream of its own, seeded by the run's seed, so the
calendar is the same for a seed and the other records' streams are not touched.
"""

from __future__ import annotations

import random
from datetime import date

from . import catalog, clock
from .catalog import WEBSITE, Program, TeamMember
from .records import ContentAsset

CALENDAR_PROGRAM_TYPES = ("Content", "Webinar")
# A webinar is presented by sales leadership or an account executive this often, else by marketing.
SALES_PRESENTED_WEBINAR_SHARE = 0.5


def _employed(member: TeamMember, day: date) -> bool:
    return member.joined <= day and (member.left is None or day < member.left)


def _name(member: TeamMember) -> str:
    return f"{member.first_name} {member.last_name}"


def _asset_type(program: Program) -> str:
    if program.type == "Webinar":
        return "Webinar"
    kind = program.name.split(" - ", 1)[0]
    return "Guide" if kind == "Content" else kind


def _marketing(day: date) -> list[TeamMember]:
    return [m for m in (*catalog.TEAM, *catalog.CONTENT_TEAM) if m.department == "Marketing" and _employed(m, day)]


def _sales(program: Program, day: date) -> list[TeamMember]:
    return [m for m in catalog.TEAM if m.department == "Sales" and _employed(m, day)
            and (not m.markets or not program.markets or set(m.markets) & set(program.markets))]


def content_calendar(seed: int) -> list[ContentAsset]:
    rng = random.Random(f"content-calendar:{seed}")
    calendar = []
    for program in catalog.PROGRAMS:
        if program.type not in CALENDAR_PROGRAM_TYPES or program.start > clock.AS_OF.date():
            continue
        day = program.start
        marketing, sales = _marketing(day), _sales(program, day)
        presenters = [m for m in sales if m.role in ("Sales Leadership", "Account Executive")]
        if program.type == "Webinar" and presenters and rng.random() < SALES_PRESENTED_WEBINAR_SHARE:
            author, team = rng.choice(presenters), "Sales"
        else:
            author, team = rng.choice(marketing), "Marketing"
        marketing_helpers = rng.sample([m for m in marketing if m != author], rng.randint(1, 2))
        sales_helpers = rng.sample([m for m in sales if m != author], rng.randint(1, 2))
        calendar.append(ContentAsset(
            asset_name=program.form_name, campaign_name=program.name, asset_type=_asset_type(program),
            url=WEBSITE + program.page, published_date=day, author=_name(author), author_team=team,
            marketing_helpers=tuple(map(_name, marketing_helpers)), sales_helpers=tuple(map(_name, sales_helpers)),
        ))
    return calendar
