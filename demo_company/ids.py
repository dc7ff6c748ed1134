"""Record ids that look like each vendor's own."""

from __future__ import annotations

import random
import uuid

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

# Salesforce key prefixes (first three characters of every record id of an object).
SALESFORCE_PREFIXES = {
    "Lead": "00Q",
    "Contact": "003",
    "Account": "001",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "OpportunityContactRole": "00K",
    "Campaign": "701",
    "CampaignMember": "00v",
    "Task": "00T",
    "Event": "00U",
    "User": "005",
    "UserRole": "00E",
    "Group": "00G",
    "LeadHistory": "017",
    "DatedConversionRate": "04w",
}

SALESFORCE_POD = "5g"


def salesforce_checksum(id15: str) -> str:
    """The 3-character suffix that makes a 15-character id case-insensitively unique."""
    suffix = ""
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = sum(1 << i for i, char in enumerate(chunk) if "A" <= char <= "Z")
        suffix += _CHECKSUM_ALPHABET[bits]
    return suffix


def to_base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = BASE62[remainder] + digits
    return digits.rjust(width, "0")


class SalesforceIds:
    """18-character ids per object, increasing in the order they are issued, like a real org."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._next: dict[str, int] = {}

    def new(self, object_name: str) -> str:
        prefix = SALESFORCE_PREFIXES[object_name]
        counter = self._next.get(object_name)
        if counter is None:
            counter = self._rng.randrange(62**5, 62**6)
        counter += self._rng.randint(1, 40)
        self._next[object_name] = counter
        id15 = prefix + SALESFORCE_POD + "0" + to_base62(counter, 9)
        return id15 + salesforce_checksum(id15)


class NumericIds:
    """Increasing numeric ids with small random gaps (HubSpot record ids, Marketo ids)."""

    def __init__(self, rng: random.Random, start: int, max_gap: int = 3):
        self._rng = rng
        self._current = start
        self._max_gap = max_gap

    def new(self) -> str:
        self._current += self._rng.randint(1, self._max_gap)
        return str(self._current)


def random_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
