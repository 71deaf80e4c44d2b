"""The domain model: the fixed vocabulary, offers, providers and places, and every rule
about them (current, stale, ages, next dates, access, how an offer is attended)."""

from finder.model.offer import (  # noqa: F401
    ATTENDANCE,
    COMES_TO_FAMILY,
    REMOTE,
    STALE_DAYS,
    TRANSLATABLE,
    TRANSLATION_STATES,
    Location,
    Offer,
    Provider,
    is_current,
    is_stale,
    text_hash,
    translation_fingerprint,
)
from finder.model.places import Level, Place, Places, km_between  # noqa: F401
from finder.model.schedule import LANDS, Closure, Holidays, Schedule  # noqa: F401
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
