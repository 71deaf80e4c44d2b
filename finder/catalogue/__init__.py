"""The catalogue stage: a build (SQLite + Whoosh) made from the content, and the one
live, read-only handle every reader searches through."""

from finder.catalogue.live import Catalogue, CatalogueMissing, limit_malloc_arenas, live  # noqa: F401
