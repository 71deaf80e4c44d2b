"""Where the finder keeps its content and its builds.

Both can be set by environment variable or command-line option; the defaults
sit inside the project checkout (var/ is ignored by git).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir(option: str | os.PathLike | None = None) -> Path:
    """The folder with the builds: option, else FINDER_DATA_DIR, else ./var of the project."""
    value = option or os.environ.get("FINDER_DATA_DIR")
    return Path(value).resolve() if value else PROJECT_ROOT / "var"


def content_dir(option: str | os.PathLike | None = None) -> Path:
    """The content folder: option, else FINDER_CONTENT_DIR, else the bundled catalogue."""
    value = option or os.environ.get("FINDER_CONTENT_DIR")
    return Path(value).resolve() if value else PROJECT_ROOT / "content"
