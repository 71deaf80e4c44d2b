"""`finder remind` against a real SMTP server on 127.0.0.1 (aiosmtpd): with login, with
STARTTLS and a certificate the client must check, a dry run that sends and records
nothing, and every link in the e-mails opening its provider's page."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from finder.catalogue import live
from finder.coordinator import links, reminders
from finder.web import create_app
from tests.conftest import TODAY, free_port, run_finder

USER, PASSWORD = "finder", "smtp-geheim-123"
# The plain test server takes a login without TLS (aiosmtpd warns); STARTTLS is tested below.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Inbox:
    """aiosmtpd's handler: every message delivered, as parsed e-mail."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default)))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    good = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=good)


@pytest.fixture
def data(bundled_data, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(bundled_data, target, symlinks=True,
                    ignore=shutil.ignore_patterns("coordinator.db*", "secret-key", "lists.db"))
    return target


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticate, auth_required=True,
                            auth_require_tls=False)
    controller.start()
    yield controller, inbox
    controller.stop()


def smtp_env(controller, **more) -> dict:
    return {"FINDER_SMTP_HOST": "127.0.0.1", "FINDER_SMTP_PORT": str(controller.port),
            "FINDER_SMTP_TLS": "none", "FINDER_SMTP_USER": USER, "FINDER_SMTP_PASSWORD": PASSWORD,
            "FINDER_SMTP_FROM": "praeventionskette@wiesbrueck.example.org", **more}


def test_due_providers_get_one_email_each_with_a_working_link(data, smtp_server):
    controller, inbox = smtp_server
    due = reminders.due(live(data), data, TODAY)
    addressed = [d for d in due if d.address]
    assert len(addressed) >= 5
    result = run_finder("remind", "--data-dir", str(data), env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    assert f"{len(addressed)} reminder(s) sent" in result.stdout
    assert sorted(r[0] for r, _ in inbox.messages) == sorted(d.address for d in addressed)
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    for (recipient,), mail in inbox.messages:
        item = next(d for d in addressed if d.address == recipient)
        body = mail.get_content()
        assert mail["Subject"] == "Bitte prüfen Sie Ihre Angebote im Familienwegweiser Wiesbrück"
        assert mail["From"] == "praeventionskette@wiesbrueck.example.org"
        assert all(offer.name in body for offer in item.offers)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", body), "dates are said in German"
        url = re.search(r"https://familienwegweiser\.wiesbrueck\.example\.org(/anbieter/\S+)",
                        body).group(1)
        page = client.get(url)
        assert page.status_code == 200 and item.name in page.get_data(as_text=True)
    # Reminded once: the next run a day later sends nothing to them.
    again = run_finder("remind", "--data-dir", str(data), env=smtp_env(controller))
    assert again.returncode == 0 and "0 reminder(s) sent" in again.stdout
    assert len(inbox.messages) == len(addressed)


def test_the_dry_run_prints_the_messages_and_sends_and_records_nothing(data, smtp_server):
    controller, inbox = smtp_server
    result = run_finder("remind", "--dry-run", "--data-dir", str(data), env=smtp_env(controller))
    assert result.returncode == 0, result.stderr
    assert "Subject: Bitte prüfen Sie Ihre Angebote" in result.stdout
    assert "(der Link wird beim Senden erstellt)" in result.stdout
    assert "reminder(s) to send" in result.stdout
    assert inbox.messages == []
    assert reminders.recently_reminded(data, TODAY) == set() and links.latest(data) == {}


def test_a_wrong_password_or_no_server_is_one_clear_line(data, smtp_server):
    controller, inbox = smtp_server
    wrong = run_finder("remind", "--data-dir", str(data),
                       env=smtp_env(controller, FINDER_SMTP_PASSWORD="falsch"))
    assert wrong.returncode == 1 and "sending failed after 0 reminder(s)" in wrong.stderr
    assert "Traceback" not in wrong.stderr and inbox.messages == []
    assert reminders.recently_reminded(data, TODAY) == set()
    unset = run_finder("remind", "--data-dir", str(data), env={"FINDER_SMTP_HOST": ""})
    assert unset.returncode == 1 and "set FINDER_SMTP_HOST" in unset.stderr


def test_starttls_with_a_certificate_the_client_checks(data, tmp_path):
    """STARTTLS required by the server; the finder trusts only what the system trusts
    (here: SSL_CERT_FILE naming the test's own certificate for 127.0.0.1)."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticate,
                            auth_required=True)
    controller.start()
    try:
        env = smtp_env(controller, FINDER_SMTP_TLS="starttls")
        untrusted = run_finder("remind", "--data-dir", str(data), env=env)
        assert untrusted.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
        assert inbox.messages == []
        trusted = run_finder("remind", "--data-dir", str(data), env=env | {"SSL_CERT_FILE": str(cert)})
        assert trusted.returncode == 0, trusted.stderr
        assert len(inbox.messages) >= 5
    finally:
        controller.stop()
