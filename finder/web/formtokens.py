"""Protection against cross-site requests for the public forms, without a cookie.

The coordinator's forms keep their CSRF token in the coordinator's session; the
public pages have no session and set no cookie, so a family's report and a provider's
form carry a token signed for what they are about (the offer, the provider's link) and
valid for FORM_HOURS, and a POST that the browser says comes from another site
(Sec-Fetch-Site, Origin) is refused as well. The installation's key signs it, with its
own prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlsplit

from flask import current_app, request

from finder import keys

FORM_HOURS = 24
PREFIX = b"public-form\0"


def _key() -> bytes:
    return keys.secret_key(current_app.config["DATA_DIR"]).encode()


def _mac(purpose: str, subject: str, issued: int) -> str:
    mac = hmac.new(_key(), PREFIX + f"{purpose}\0{subject}\0{issued}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


def issue(purpose: str, subject: str, now: float | None = None) -> str:
    """A token for a form about subject (an offer id, a link)."""
    issued = int(time.time() if now is None else now)
    return f"{issued}.{_mac(purpose, subject, issued)}"


def valid(token: str | None, purpose: str, subject: str, now: float | None = None) -> bool:
    """Whether the token was made here for this form, within FORM_HOURS."""
    issued_text, _, mac = (token or "").partition(".")
    if not issued_text.isdigit() or not mac:
        return False
    issued = int(issued_text)
    now = time.time() if now is None else now
    if not issued - 60 <= now <= issued + FORM_HOURS * 3600:
        return False
    return hmac.compare_digest(mac, _mac(purpose, subject, issued))


def same_site() -> bool:
    """False when the browser tells that the form was sent from another site.

    Sec-Fetch-Site decides where the browser sends it: under the site's
    "Referrer-Policy: no-referrer" Chromium sends "Origin: null" even with the site's own
    forms. Without it, a real Origin must be this host; a missing or "null" one leaves
    the decision to the signed form token."""
    fetched = request.headers.get("Sec-Fetch-Site")
    if fetched:
        return fetched in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == request.host
    return True


def checked(purpose: str, subject: str) -> bool:
    """A POST of a public form that may be taken: its token and where it came from."""
    return same_site() and valid(request.form.get("form_token"), purpose, subject)
