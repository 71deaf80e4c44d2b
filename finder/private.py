"""Files only the finder's own user may read: the databases it keeps (the coordinator's
records with user names and password hashes, referral lists, the bot's chats) and its
secret key.

Each file is created with mode 600 before SQLite opens it (SQLite gives its -wal and -shm
files the database's mode), so the umask of the server never decides who reads it; a
file an older version left readable by others is narrowed when it is next opened.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

MODE = 0o600

log = logging.getLogger(__name__)


def narrow(path: str | Path) -> None:
    """Take away what group and others may do with an existing file of ours."""
    try:
        current = stat.S_IMODE(os.stat(path).st_mode)
        if current & 0o077:
            os.chmod(path, current & 0o700)
    except FileNotFoundError:
        return
    except OSError as error:  # not ours, or a read-only folder: nothing to narrow there
        log.warning("cannot narrow the mode of %s: %s", Path(path).name,
                    error.strerror or type(error).__name__)


def ensure(path: str | Path) -> Path:
    """The file at path, created empty with mode 600 when missing (an empty file is an
    empty SQLite database), else narrowed to its owner. Raises OSError when the folder
    cannot be written."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE))
    except FileExistsError:
        narrow(path)
        for suffix in ("-wal", "-shm", "-journal"):
            narrow(f"{path}{suffix}")
    return path


def connect(path: str | Path, **options) -> sqlite3.Connection:
    """sqlite3.connect on a file that only its owner may read."""
    return sqlite3.connect(ensure(path), **options)
