"""The fixed vocabulary of the prevention chain: life phases and topics.

The ids are part of DESIGN.md and never change; labels and search words live in
content/vocabulary.yaml.
"""

from __future__ import annotations

PHASES: dict[str, tuple[int, int]] = {
    # id: (first month, last month) of the child's age; pregnancy is below zero.
    "pregnancy": (-9, -1),
    "early_childhood": (0, 35),
    "kita": (36, 71),
    "primary_school": (72, 119),
    "secondary_school": (120, 191),
    "transition_to_work": (192, 323),
}
PHASE_IDS: tuple[str, ...] = tuple(PHASES)

TOPIC_IDS: tuple[str, ...] = (
    "pregnancy_birth",
    "early_help",
    "parenting_advice",
    "health",
    "childcare",
    "education",
    "leisure_sport",
    "meeting_places",
    "money_benefits",
    "migration_language",
    "disability_inclusion",
    "crisis_protection",
    "school_to_work",
)

EXPECTING_MONTHS = (-9, -1)
"""The age range that stands for "we are expecting a child"."""


def phases_for_range(min_months: int | None, max_months: int | None) -> list[str]:
    """The life phases an age range in months overlaps.

    An offer without bounds is for parents of any child: every phase after birth.
    An open lower bound starts after birth; pregnancy must be named or reached by a
    negative minimum.
    """
    if min_months is None and max_months is None:
        return [p for p in PHASE_IDS if p != "pregnancy"]
    low = 0 if min_months is None else min_months
    high = PHASES["transition_to_work"][1] if max_months is None else max_months
    return [p for p, (first, last) in PHASES.items() if low <= last and first <= high]


LANGUAGES: tuple[str, ...] = ("de", "en", "tr", "ar", "uk", "ru", "fa")
"""The languages of the finder's pages, the bot and the translated texts; German first."""

RTL: frozenset[str] = frozenset({"ar", "fa"})
"""The languages written from right to left."""

MIN_MONTHS, MAX_MONTHS = -9, 30 * 12 - 1
"""The ages an offer can name, in months: from the start of pregnancy to the last month
before the 30th birthday (offers in the transition to work reach into the late twenties)."""

MAX_CHILD_AGE_YEARS = 26
"""The oldest age a family can choose in a search (the transition to work ends at 26)."""
