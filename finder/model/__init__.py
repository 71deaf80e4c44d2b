"""The domain model: the fixed vocabulary, offers and their rules."""

from finder.model.vocabulary import (  # noqa: F401
    EXPECTING_MONTHS,
    LANGUAGES,
    MAX_CHILD_AGE_YEARS,
    MAX_MONTHS,
    MIN_MONTHS,
    PHASE_IDS,
    PHASES,
    RTL,
    TOPIC_IDS,
    phases_for_range,
)
