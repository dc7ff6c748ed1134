"""The demo company's profiles: which systems each kind of company runs. The one place their names live."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    systems: tuple[str, ...]         # export folders written (targets: the MQL plan; content: the content calendar)
    marketing: str | None            # marketing automation: hubspot | marketo | None
    sales: str                       # where sales works: salesforce | hubspot


PROFILES = {
    "salesforce+hubspot": Profile("salesforce+hubspot", ("salesforce", "hubspot", "spend", "targets",
                                                                "content"), "hubspot",
                                  "salesforce"),
    "salesforce+marketo": Profile("salesforce+marketo", ("salesforce", "marketo", "spend", "targets",
                                                                "content"), "marketo",
                                  "salesforce"),
    "salesforce": Profile("salesforce", ("salesforce",), None, "salesforce"),
    # A HubSpot-only company that sells in EUR and USD: its ad spend and finance's rates file in spend/.
    "hubspot": Profile("hubspot", ("hubspot", "spend"), "hubspot", "hubspot"),
}
DEFAULT_PROFILE = "salesforce+hubspot"
