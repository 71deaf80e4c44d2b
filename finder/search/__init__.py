"""The search stage: a Query in, Results out, for every front end."""

from finder.search.engine import Engine  # noqa: F401
from finder.search.query import (  # noqa: F401
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_TEXT,
    PAGE_SIZE,
    RELAXATIONS,
    SEARCH_PARAMETERS,
    WHY_ORDER,
    Hit,
    Query,
    QueryError,
    Results,
)
