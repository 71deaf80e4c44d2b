"""The content stage: the catalogue's YAML files, read, checked and normalised.

`load(root)` reads a content folder and returns `Content`, or raises `ContentError`
with every problem, each naming its file and line.
"""

from finder.content.checker import EMAIL, ID, PHONE, SPOKEN_LANGUAGE, TIME, TRANSLATABLE, URL  # noqa: F401
from finder.content.load import Content, load, places_without_coordinates  # noqa: F401
from finder.content.town import DEFAULT_TOWN  # noqa: F401
from finder.content.translations import coverage  # noqa: F401
from finder.content.yamlfile import ContentError, Loader, Problem, load_yaml  # noqa: F401
