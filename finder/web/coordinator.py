"""The coordinator's pages under /coordinator: coverage, unmet demand, freshness and the
report, behind a login.

Only these URLs have a session: its cookie is limited to /coordinator (secure, HttpOnly,
SameSite=Strict) and the session interface below never writes a cookie elsewhere, so
the public pages stay cookie-free. The cookie carries a random session id that is
checked against the coordinator's records (a logout ends it for good) and replaced at
every login; every form carries a CSRF token (Flask-WTF). The public pages never link here.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from babel import Locale
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from finder import clock, keys, wording
from finder.catalogue import CatalogueMissing, live
from finder.coordinator import coverage, demand, freshness, links, offer_form, proposals, users
from finder.coordinator import report as reports
from finder.model import LANGUAGES, PHASE_IDS, STALE_DAYS, TOPIC_IDS
from finder.web.format import today

PREFIX = "/coordinator"
bp = Blueprint("coordinator", __name__, url_prefix=PREFIX)
log = logging.getLogger(__name__)
OPEN_ENDPOINTS = {"coordinator.login"}


class CoordinatorSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, but only on coordinator URLs: elsewhere nothing is
    read and no cookie is ever set or deleted."""

    def open_session(self, app, request):
        if not _ours(request.path):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not _ours(request.path):
            return
        super().save_session(app, session, response)


def _ours(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def setup(app) -> None:
    """Register the coordinator's pages and their session and cookie settings."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = keys.secret_key(app.config["DATA_DIR"])
    app.config.update(
        SESSION_COOKIE_NAME="coordinator_session",
        SESSION_COOKIE_PATH=PREFIX,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=app.config.get("COORDINATOR_SECURE_COOKIE", True),
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,
        PERMANENT_SESSION_LIFETIME=users.SESSION_MAX,
    )
    app.session_interface = CoordinatorSessions()
    app.register_blueprint(bp)


def data_dir() -> str:
    return current_app.config["DATA_DIR"]


def catalogue():
    try:
        return live(data_dir())
    except CatalogueMissing:
        abort(503)


@bp.before_request
def guard():
    """German pages; CSRF on every form; a live session on every page but the login."""
    g.lang = "de"
    if request.method == "POST":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            return render_template("coordinator/denied.html",
                                   message=_("Das Formular ist abgelaufen. Bitte laden Sie "
                                             "die Seite neu und versuchen Sie es noch einmal.")), 400
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    try:
        user = users.session_user(data_dir(), session.get("sid"))
    except (OSError, sqlite3.Error):
        user = None
    if user is None:
        session.pop("sid", None)
        return redirect(url_for("coordinator.login", next=request.path), code=303)
    g.user = user
    return None


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.context_processor
def context():
    return {"lang": "de", "dir": "ltr", "csrf_token": generate_csrf,
            "user": getattr(g, "user", None), "kind_label": kind_label}


def kind_label(kind: str) -> str:
    """How an unmet search went (finder.coordinator.demand.KINDS), for the coordinator."""
    return {"none": _("Nichts Passendes"), "partial": _("Nur verwandte Angebote"),
            "relaxed": _("Erst nach Lockern der Filter")}.get(kind, kind)


def _safe_next(value: str | None) -> str:
    if value and _ours(value) and not value.startswith("//") and "\\" not in value:
        return value
    return url_for("coordinator.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    message = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "")
        password = request.form.get("password", "")
        try:
            result = users.login(data_dir(), name, password)
        except (OSError, sqlite3.Error):
            return render_template("coordinator/denied.html",
                                   message=_("Die Anmeldung ist gerade nicht möglich.")), 503
        if result.ok:
            # A new session, new id, new CSRF token: nothing from before the login is kept.
            session.clear()
            session.permanent = True
            session["sid"] = users.start_session(data_dir(), name.strip().lower())
            return redirect(_safe_next(request.form.get("next")), code=303)
        status = 429 if result.locked else 401
        message = (_("Zu viele Fehlversuche. Die Anmeldung ist für 15 Minuten gesperrt.")
                   if result.locked else _("Name oder Passwort ist falsch."))
    return render_template("coordinator/login.html", message=message,
                           next=request.values.get("next", "")), status


@bp.route("/logout", methods=["POST"])
def logout():
    users.end_session(data_dir(), session.get("sid"))
    session.clear()
    return redirect(url_for("coordinator.login"), code=303)


@bp.route("/")
def home():
    cat = catalogue()
    return render_template("coordinator/home.html",
                           report=reports.compose(cat, data_dir(), _threshold(), today=today()))


def _threshold() -> int:
    value = request.args.get("thin", "")
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 50:
        return int(value)
    return coverage.DEFAULT_THIN


def _coverage(cat):
    topic = request.args.get("topic") or None
    phase = request.args.get("phase") or None
    if (topic and topic not in TOPIC_IDS) or (phase and phase not in PHASE_IDS):
        abort(400)
    try:
        level = cat.places.level_number(request.args.get("level") or "1")
    except KeyError:
        abort(400)
    return coverage.compute(cat, _threshold(), topic=topic, phase=phase, today=today(),
                            level=level)


def heatmap(matrix, threshold: int):
    words = {"offers": _("Angebote"), "per_1000": _("je 1.000 Kinder"), "gap": _("Lücke"),
             "thin": _("dünn")}
    return coverage.heatmap_svg(matrix, threshold, _matrix_title(matrix.name), words)


def _matrix_title(name: str) -> str:
    return {"phase_district": _("Lebensphase × Stadtteil"),
            "phase_topic": _("Lebensphase × Thema"),
            "district_topic": _("Stadtteil × Thema")}[name]


@bp.app_template_global()
def coordinator_heatmap(matrix, threshold):
    return heatmap(matrix, threshold)


@bp.app_template_global()
def matrix_title(name: str) -> str:
    return _matrix_title(name)


@bp.route("/coverage")
def coverage_page():
    cat = catalogue()
    cover = _coverage(cat)
    name = request.args.get("matrix", "phase_district")
    if name not in coverage.MATRICES:
        abort(400)
    return render_template("coordinator/coverage.html", catalogue=cat, cover=cover,
                           matrix=cover.matrices[name], matrices=coverage.MATRICES,
                           phases=PHASE_IDS, topics=TOPIC_IDS, args=request.args)


@bp.route("/coverage.csv")
def coverage_csv():
    cover = _coverage(catalogue())
    name = request.args.get("matrix", "phase_district")
    if name not in coverage.MATRICES:
        abort(400)
    return Response(coverage.to_csv(cover.matrices[name]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="abdeckung-{name}.csv"'})


@bp.route("/demand")
def demand_page():
    cat = catalogue()
    found = demand.summary(data_dir())
    # How it went unmet, then by the need recognised (searches without one last).
    groups: dict[tuple[str, str], list] = {}
    for need in found.needs:
        groups.setdefault((need.fit, need.needs_read[0] if need.needs_read else ""),
                          []).append(need)
    kinds = {k: i for i, k in enumerate(demand.KINDS)}
    keys = sorted(groups, key=lambda k: (kinds.get(k[0], 99), k[1] == "",
                                         -sum(n.count for n in groups[k]), k[1]))
    languages = sorted(found.by_language, key=lambda lang: (LANGUAGES.index(lang)
                                                            if lang in LANGUAGES else 99, lang))
    return render_template("coordinator/demand.html", catalogue=cat, demand=found,
                           groups=[(k, groups[k]) for k in keys], threshold=demand.THRESHOLD,
                           kinds=demand.KINDS, languages=languages)


@bp.route("/demand.csv")
def demand_csv():
    data = demand.to_csv(demand.summary(data_dir()), german_names(catalogue()))
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ungedeckter-bedarf.csv"'})


def german_names(cat):
    """name(kind, id): the German name of a phase, topic, district or language."""
    languages = Locale("de").languages

    def name(kind: str, key: str) -> str:
        if kind == "district":
            return cat.districts.get(key, {}).get("name", key)
        if kind == "language":
            return languages.get(key, key)
        return cat.vocabulary[kind].get(key, {}).get("labels", {}).get("de", key)
    return name


@bp.route("/demand/mark", methods=["POST"])
def demand_mark():
    import json

    value = request.form.get("mark") or None
    text = request.form.get("text", "")
    try:
        filters = json.loads(request.form.get("filters", ""))
    except ValueError:
        filters = None
    if value not in (None, *demand.MARKS) or not isinstance(filters, dict):
        # Why, without the search's words: they are the families' and stay in the records.
        log.warning("demand mark refused: %s", "unknown mark" if isinstance(filters, dict)
                    else "filters are not a JSON object")
        abort(400)
    if not any(n.text == text and n.filters == filters for n in demand.summary(data_dir()).needs):
        log.warning("demand mark refused: no such need above the threshold")
        abort(404)
    demand.mark(data_dir(), text, filters, value, g.user)
    return redirect(url_for("coordinator.demand_page"), code=303)


@bp.route("/freshness")
def freshness_page():
    cat = catalogue()
    return render_template("coordinator/freshness.html", catalogue=cat,
                           fresh=freshness.compute(cat, data_dir(), today()),
                           stale_days=STALE_DAYS,
                           expiring_days=freshness.EXPIRING_DAYS)


@bp.route("/freshness/confirm", methods=["POST"])
def confirm():
    cat = catalogue()
    kind = request.form.get("kind", "")
    item = request.form.get("item", "")
    if kind == "offer" and cat.offer(item) is None or kind == "provider" and \
            item not in cat.providers or kind not in freshness.KINDS:
        abort(400)
    freshness.verify(data_dir(), kind, item, g.user, today())
    return redirect(url_for("coordinator.freshness_page") + f"#{kind}-{item}", code=303)


@bp.route("/report")
def report_page():
    cat = catalogue()
    return render_template("coordinator/report.html", catalogue=cat,
                           report=reports.compose(cat, data_dir(), _threshold(), today=today()),
                           standalone=False)


@bp.route("/report/finish", methods=["POST"])
def report_finish():
    cat = catalogue()
    reports.finish(data_dir(), reports.compose(cat, data_dir(), _threshold(), today=today()), g.user)
    return redirect(url_for("coordinator.report_page"), code=303)


def render_report_file(app, threshold: int = coverage.DEFAULT_THIN) -> str:
    """The report as one self-contained HTML file (its stylesheet inside)."""
    css = "\n".join((Path(app.static_folder) / name).read_text(encoding="utf-8")
                    for name in ("style.css", "coordinator.css"))
    with app.test_request_context(PREFIX + "/report"):
        g.lang = "de"
        cat = live(app.config["DATA_DIR"])
        return render_template("coordinator/report.html", catalogue=cat,
                               report=reports.compose(cat, app.config["DATA_DIR"], threshold,
                                                      today=clock.today()),
                               standalone=True, inline_css=css, lang="de", dir="ltr",
                               csrf_token=lambda: "", user=None)


# --- the review queue: providers' proposals and families' reports ------------------------

def _offer_names(cat, ids) -> dict[str, str]:
    return {i: o.name for i, o in cat.offers_by_ids(list(ids)).items()}


@bp.route("/review")
def review():
    cat = catalogue()
    open_proposals = proposals.proposals(data_dir(), "open")
    open_reports = proposals.reports(data_dir(), "open")
    waiting = proposals.unwritten(data_dir())
    offers = cat.offers_by_ids(list({p.offer for p in open_proposals + waiting}
                                    | {r.offer for r in open_reports}))
    town_name = cat.town.get("name", "")
    now = {p.id: offer_form.current(offers[p.offer], town_name) for p in open_proposals
           if p.offer in offers}
    reports_by_offer: dict[str, list] = {}
    for item in open_reports:
        reports_by_offer.setdefault(item.offer, []).append(item)
    return render_template("coordinator/review.html", catalogue=cat, proposals=open_proposals,
                           reports=reports_by_offer, waiting=waiting, offers=offers, now=now,
                           fields=offer_form.BY_NAME, reasons=wording.REPORT_REASONS,
                           message=request.args.get("done"))


@bp.route("/review/proposal/<int:number>", methods=["POST"])
def decide_proposal(number: int):
    action = request.form.get("action")
    note = (request.form.get("note") or "")[:proposals.MAX_MESSAGE]
    try:
        if action == "accept":
            proposals.accept(data_dir(), number, request.form.getlist("field"), g.user, note)
        elif action == "reject":
            proposals.reject(data_dir(), number, g.user, note)
        else:
            abort(400)
    except proposals.DecisionError as error:
        return render_template("coordinator/denied.html", message=str(error)), 409
    return redirect(url_for("coordinator.review", done=action) + "#queue", code=303)


@bp.route("/review/report/<int:number>", methods=["POST"])
def decide_report(number: int):
    status = {"done": "done", "dismiss": "dismissed"}.get(request.form.get("action", ""))
    if status is None:
        abort(400)
    try:
        proposals.close_report(data_dir(), number, status, g.user,
                               (request.form.get("note") or "")[:proposals.MAX_MESSAGE])
    except proposals.DecisionError as error:
        return render_template("coordinator/denied.html", message=str(error)), 409
    return redirect(url_for("coordinator.review", done=status) + "#queue", code=303)


# --- providers' links ----------------------------------------------------------------------

def public_base(cat) -> str:
    """Where providers open their links: town.yaml's public_url, else this site."""
    return cat.town.get("public_url") or request.host_url.rstrip("/")


@bp.route("/providers")
def providers_page():
    cat = catalogue()
    found = links.latest(data_dir())
    rows = sorted(cat.providers.values(), key=lambda p: p.name)
    return render_template("coordinator/providers.html", catalogue=cat, providers=rows,
                           links=found, base=public_base(cat), day=today(),
                           renewed=request.args.get("renewed"))


@bp.route("/providers/<provider_id>/<any(renew, revoke):action>", methods=["POST"])
def provider_link(provider_id: str, action: str):
    cat = catalogue()
    if provider_id not in cat.providers:
        abort(404)
    if action == "renew":
        links.issue(data_dir(), provider_id, today())
    else:
        links.revoke(data_dir(), provider_id, today())
    return redirect(url_for("coordinator.providers_page", renewed=provider_id)
                    + f"#provider-{provider_id}", code=303)
