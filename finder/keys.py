"""The one secret of a finder installation: it signs the coordinator's session and the
codes of referral lists (each use with its own prefix). Never in git."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from finder import private

log = logging.getLogger(__name__)


def secret_key(data_dir: str) -> str:
    """FINDER_SECRET_KEY, else the key in <data_dir>/secret-key, made on first use. A data
    folder that cannot be written gets a key for this process only (coordinator logins
    then do not survive a restart and are not shared between workers; referral lists
    cannot be kept there anyway)."""
    key = os.environ.get("FINDER_SECRET_KEY", "").strip()
    if key:
        return key
    file = Path(data_dir) / "secret-key"
    try:
        if not file.exists():
            # Written aside and linked into place: workers starting together all read the
            # one key that won, never a half-written file.
            draft = file.with_name(f".secret-key-{os.getpid()}-{secrets.token_hex(4)}")
            handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w") as out:
                out.write(secrets.token_hex(32))
            try:
                os.link(draft, file)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        private.narrow(file)
        found = file.read_text().strip()
        if len(found) >= 32:
            return found
    except OSError as error:
        log.warning("secret key not kept in the data folder: %s",
                    error.strerror or type(error).__name__)
    return secrets.token_hex(32)
