"""The `finder` command: check, build, search and serve the catalogue."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from finder import clock, config
from finder.content import ContentError

data_option = click.option(
    "--data-dir", envvar="FINDER_DATA_DIR", type=click.Path(file_okay=False),
    help="Folder with the builds (default: var/ in the project; env FINDER_DATA_DIR).",
)
content_option = click.option(
    "--content", "content_dir", envvar="FINDER_CONTENT_DIR", type=click.Path(file_okay=False),
    help="Content folder (default: the bundled content/; env FINDER_CONTENT_DIR).",
)


@click.group()
def main() -> None:
    """Familienwegweiser: the offer finder of a prevention chain."""
    from finder import stores

    try:  # a FINDER_STORE no command can use stops every command before it writes
        stores.of(config.data_dir())
    except stores.StoreError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@content_option
@click.option("--coverage", "show_coverage", is_flag=True,
              help="Also print what is translated (a language x field table), how much of it "
                   "is reviewed, and every translated text whose numbers differ from the "
                   "German's.")
@click.option("--outdated", "show_outdated", is_flag=True,
              help="Also list translations older than their German text: language, id, "
                   "field and the hash to write as translated_from once translated anew.")
def check(content_dir: str | None, show_coverage: bool, show_outdated: bool) -> None:
    """Validate all content files and report every problem with file and line."""
    from finder import content
    from finder.content.reviews import states

    root = config.content_dir(content_dir)
    try:
        loaded = content.load(root)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found in {root}", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(loaded.offers)} offers from {len(loaded.providers)} providers "
               f"in {len(loaded.districts)} districts")
    unlocated = content.places_without_coordinates(loaded)
    if unlocated:
        click.echo(f"{len(unlocated)} place(s) without coordinates, shown without a map pin "
                   "(add latitude and longitude where you know them):")
        for line in unlocated:
            click.echo(f"  {line}")
    if show_coverage:
        table = content.coverage(loaded)
        fields = list(table[0][1])
        click.echo("\n| language | " + " | ".join(fields) + " |")
        click.echo("| --- |" + " --- |" * len(fields))
        for lang, counts in table:
            cells = [f"{done}/{total} ({100 * done // max(total, 1)} %)"
                     for done, total in counts.values()]
            click.echo(f"| {lang} | " + " | ".join(cells) + " |")
        click.echo("\nOffers per language: reviewed / unreviewed / older than the German / "
                   "not translated")
        for lang, counts in states(loaded):
            click.echo(f"  {lang}: {counts['reviewed']} / {counts['unreviewed']} / "
                       f"{counts['outdated']} / {counts['missing']}")
        click.echo(f"\nNumbers that differ from the German ({len(loaded.notes)}): "
                   "look at each, fix it or say why it is right")
        for note in loaded.notes:
            click.echo(f"  {note}")
        click.echo(f"\nNumbers that differ, explained in the translation files "
                   f"(numbers_differ, {len(loaded.explained)}):")
        for note in loaded.explained:
            click.echo(f"  {note}")
    if show_outdated:
        _print_outdated(loaded)


def _print_outdated(loaded) -> None:
    """Each translated text whose German changed since (the model's rule)."""
    from finder.model import LANGUAGES, Offer, Provider, text_hash

    items = [Provider.from_record(p) for p in loaded.providers] + \
        [Offer.from_record(o) for o in loaded.offers]
    found = [(lang, item.id, key, text_hash(getattr(item, key)))
             for lang in LANGUAGES[1:] for item in items
             for key in item.outdated_translation(lang)]
    for row in found:
        click.echo("\t".join(row))
    click.echo(f"{len(found)} translated text(s) older than the German")


@main.command()
@content_option
@data_option
@click.option("--if-changed", is_flag=True, help="Do nothing when the content has not changed.")
@click.option("--full", is_flag=True,
              help="Write everything anew, even when only provider files changed.")
def build(content_dir: str | None, data_dir: str | None, if_changed: bool, full: bool) -> None:
    """Validate the content and switch the live catalogue to a fresh build.

    When only provider files (providers/*.yaml) changed since the live build, the new
    build starts from it and redoes only their offers; the content is validated whole."""
    from finder.catalogue.build import build as run_build

    try:
        result = run_build(config.content_dir(content_dir), config.data_dir(data_dir),
                           if_changed=if_changed, full=full)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"build failed: {len(error.problems)} problem(s); "
                   "the previous catalogue keeps serving", err=True)
        sys.exit(1)
    except OSError as error:
        # A full disk, a read-only or missing data folder: one line, not a traceback.
        where = error.filename or config.data_dir(data_dir)
        click.echo(f"build failed: cannot write {where}: {error.strerror or error}; "
                   "the previous catalogue keeps serving", err=True)
        sys.exit(1)
    verb = "unchanged" if result.skipped else \
        f"built {'incrementally' if result.incremental else 'in full'} ({result.why}) " \
        f"in {result.seconds:.2f} s"
    click.echo(f"{verb}: {result.offers} offers, {result.providers} providers, "
               f"{result.districts} districts -> {result.path}")


@main.command()
@click.argument("text", nargs=-1)
@click.option("--age", "ages", multiple=True, help="A child's age in years (or 18m for months).")
@click.option("--expecting", is_flag=True, help="We are expecting a baby.")
@click.option("--phase", help="Life phase id.")
@click.option("--district", help="Place id at any level (a Stadtteil, a Gemeinde, an Ortsteil).")
@click.option("--near", help="A point 'latitude,longitude' to measure distances from.")
@click.option("--radius-km", type=int, help="Only offers at most this far away (straight line).")
@click.option("--topic", "topics", multiple=True, help="Topic id (repeatable).")
@click.option("--lang", default="de", show_default=True, help="Language of the reader.")
@click.option("--free", is_flag=True, help="Only offers free of charge.")
@click.option("--lang-spoken", help="Only offers where this language is spoken (code).")
@click.option("--accessible", is_flag=True, help="Only wheelchair-accessible offers.")
@click.option("--weekend", is_flag=True, help="Only offers open on weekends.")
@click.option("--evening", is_flag=True, help="Only offers open after 18:00.")
@click.option("--online", is_flag=True, help="Only offers online or by phone.")
@click.option("--page", default=1, show_default=True)
@click.option("--page-size", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_option
def search(text, ages, expecting, phase, district, near, radius_km, topics, lang, free, lang_spoken,
           accessible, weekend, evening, online, page, page_size, as_json, data_dir) -> None:
    """Search the live catalogue the way the website and the bot do."""
    from finder.catalogue import CatalogueMissing, live
    from finder.search import Query, QueryError

    params = {"q": " ".join(text), "age": list(ages), "expecting": expecting, "phase": phase,
              "district": district, "near": near,
              "radius_km": str(radius_km) if radius_km is not None else None,
              "topic": list(topics), "free": free,
              "lang_spoken": lang_spoken, "accessible": accessible, "weekend": weekend,
              "evening": evening, "online": online, "page": str(page)}
    params = {k: ("1" if v is True else "" if v in (False, None) else v) for k, v in params.items()}
    try:
        catalogue = live(config.data_dir(data_dir))
        query = Query.from_params(params, lang=lang, districts=catalogue.districts,
                                  page_size=page_size)
        results = catalogue.search(query, clock.today())
    except QueryError as error:
        hint = "TEXT" if error.parameter == "q" else "--" + error.parameter.replace("_", "-")
        raise click.BadParameter(error.message, param_hint=hint) from None
    except CatalogueMissing as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(results.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} offers" + (f" (relaxed: {', '.join(results.relaxed)})"
                                            if results.relaxed else ""))
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")
    for hit in results.hits:
        ages = hit.offer.ages_in_words(lang)
        flags = "".join(["  [stale]" if hit.stale else "",
                         "  [de]" if hit.fallback else ""])
        km = "" if hit.distance_km is None else f"{hit.distance_km:.1f} km"
        click.echo(f"{hit.score:6.2f}  {hit.why:<12} {km:>8} {ages:<14} {hit.id:<40} "
                   f"{hit.title}{flags}")


@main.command()
@click.option("--level", default="1", show_default=True,
              help="The level of places: its number (1 the most general), id or name "
                   "(Gemeinde, Ortsteil, Bezirk, Planungsraum …).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, writable=True),
              help="Write the rows to this CSV file instead of printing a table.")
@data_option
def coverage(level: str, csv_file: str | None, data_dir) -> None:
    """Offers and their places (capacity) per place of one level, from the built catalogue."""
    from finder.catalogue import CatalogueMissing, live
    from finder.coordinator import coverage as cover

    try:
        catalogue = live(config.data_dir(data_dir))
    except CatalogueMissing as error:
        raise click.ClickException(str(error)) from None
    try:
        number = catalogue.places.level_number(level)
    except KeyError:
        known = ", ".join(lv.name for lv in catalogue.places.levels)
        raise click.BadParameter(f"no level {level!r}; the levels are: {known}",
                                 param_hint="--level") from None
    rows = cover.per_place(catalogue, number, today=clock.today())
    if csv_file:
        Path(csv_file).write_text(cover.per_place_csv(rows), encoding="utf-8", newline="")
        click.echo(f"{len(rows)} places of level {catalogue.places.levels[number - 1].name} "
                   f"-> {csv_file}")
        return
    # Columns as wide as the longest id and name ("Planungsraum 04100101 (Charlottenburg-
    # Wilmersdorf)"), so that the figures stand in line.
    place_w = max([5, *(len(row.place) for row in rows)])
    name_w = max([4, *(len(row.name) for row in rows)])
    click.echo(f"{'place':<{place_w}} {'name':<{name_w}} {'offers':>6} {'capacity':>8} "
               f"{'children':>8}")
    for row in rows:
        children = "" if row.children is None else str(row.children)
        click.echo(f"{row.place:<{place_w}} {row.name:<{name_w}} {row.offers:>6} "
                   f"{row.capacity:>8} {children:>8}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--dev", is_flag=True, help="Flask's development server with the reloader.")
@click.option("--workers", default=min(4, os.cpu_count() or 1), show_default=True,
              help="Worker processes (gunicorn); each holds its own catalogue handle.")
@click.option("--threads", default=4, show_default=True, help="Threads per worker.")
@data_option
def serve(host: str, port: int, dev: bool, workers: int, threads: int,
          data_dir: str | None) -> None:
    """Serve the website (gunicorn; --dev for Flask's reloader)."""
    from finder.web import create_app

    settings = {"DATA_DIR": str(config.data_dir(data_dir))}
    _check_port(host, port)
    if dev:
        create_app(settings).run(host=host, port=port, debug=True, use_reloader=True)
        return
    from gunicorn.app.base import BaseApplication

    from finder.catalogue import limit_malloc_arenas

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("keepalive", 5)
            # Each worker listens on its own socket and the kernel spreads new connections
            # over them; otherwise one worker can take every keep-alive connection.
            self.cfg.set("reuse_port", True)
            self.cfg.set("accesslog", None)  # no access log: no IPs, no search words
            self.cfg.set("logger_class", "finder.web.weblog.PrivateLogger")
            self.cfg.set("proc_name", "familienwegweiser")
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)  # no socket in the home folder
            # Each worker opens the catalogue and loads its word lists before it takes a
            # request, so that no family waits the two seconds that takes.
            self.cfg.set("post_worker_init", lambda worker: (limit_malloc_arenas(),
                                                             warm(settings["DATA_DIR"])))
            self.cfg.set("when_ready",
                         lambda arbiter: preload_shared(settings["DATA_DIR"]))

        def load(self):
            return create_app(settings)

    click.echo(f"Familienwegweiser on http://{host}:{port}/  (Ctrl+C stops)")
    Server().run()


def _check_port(host: str, port: int) -> None:
    """Exit with one clear line when the address is taken, instead of letting the server
    retry for ever. The probe binds without SO_REUSEPORT, so another finder counts too."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        click.echo(f"finder serve: cannot use the address {host}: {error.strerror}", err=True)
        sys.exit(2)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                click.echo(f"finder serve: port {port} on {host} is already in use; stop the "
                           "other server or choose another port with --port (make run PORT=…)",
                           err=True)
            else:
                click.echo(f"finder serve: cannot listen on {host}:{port}: {error.strerror}",
                           err=True)
            sys.exit(2)


def preload_shared(data_dir: str) -> None:
    """In gunicorn's master, once it listens and before it forks the workers: load what
    every worker needs and no build changes (the word lists), so that the workers share
    those pages instead of each holding a copy. The catalogue is not opened here (its
    files are opened per worker; its large arrays are memory-mapped and shared anyway).
    gunicorn only queues signals while this runs; a stop signal during the loading stops
    the server at once instead of after it."""
    import gc
    import signal

    from finder.search.wordlists import SAVED_NAME, preload

    stops = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
    queued = {s: signal.getsignal(s) for s in stops}

    def stop(signum, frame):
        raise SystemExit(0)

    for s in stops:
        signal.signal(s, stop)
    try:
        # The word lists as the current build saved them, if it did; else folded here.
        preload(Path(data_dir) / "current" / SAVED_NAME)
        # Objects made so far are never collected: the collector then leaves their pages
        # alone, and the workers keep sharing them.
        gc.freeze()
    finally:
        for s, handler in queued.items():
            signal.signal(s, handler)


def warm(data_dir: str) -> None:
    """Open the live catalogue and everything its search loads lazily (finder.catalogue)."""
    from finder.catalogue.live import warm as warm_catalogue

    warm_catalogue(Path(data_dir), clock.today())


@main.command()
@click.option("--console", is_flag=True, help="Chat in this terminal; no Telegram needed.")
@click.option("--webhook-url", help="Run as a webhook at this public URL instead of polling.")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook address.")
@click.option("--port", default=8443, show_default=True, help="Webhook port.")
@click.option("--chats-db", type=click.Path(dir_okay=False), envvar="FINDER_BOT_DB",
              help="SQLite file for chat settings (default: bot-chats.db in the data folder, "
                   "or in FINDER_STORE's folder).")
@click.option("--lang", default="de", show_default=True, help="Your language in --console.")
@data_option
def bot(console: bool, webhook_url: str | None, listen: str, port: int, chats_db: str | None,
        lang: str, data_dir: str | None) -> None:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN)."""
    import asyncio
    import logging

    from telegram.error import InvalidToken, NetworkError

    from bot.app import DEFAULT_API_URL, build, check_token, run, staff_chat_id
    from finder.catalogue import CatalogueMissing, live

    data = config.data_dir(data_dir)
    try:
        live(data)
    except CatalogueMissing as error:
        raise click.ClickException(str(error)) from None
    if console:
        from bot.console import chat

        asyncio.run(chat(data, lang))
        return
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN is not set. Ask @BotFather for a token and run "
            "TELEGRAM_BOT_TOKEN=... finder bot   (or try it without Telegram: finder bot --console)")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    api_url = os.environ.get("TELEGRAM_API_URL", DEFAULT_API_URL)
    try:
        asyncio.run(check_token(token, api_url))
    except InvalidToken:
        raise click.ClickException(
            "Telegram rejected the token in TELEGRAM_BOT_TOKEN. Check it with @BotFather.") from None
    except NetworkError as error:
        raise click.ClickException(f"cannot reach the Bot API at {api_url}: {error}") from None
    try:
        staff = staff_chat_id(os.environ.get("TELEGRAM_STAFF_CHAT_ID", ""))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    from finder import stores

    chats = Path(chats_db) if chats_db else stores.of(data).path("chats")
    app = build(token, data, chats, api_url,
                staff_chat=staff)
    run(app, webhook_url=webhook_url, listen=listen, port=port)



# Exchange with the field's formats (issue 13). `finder import FILE` reads a spreadsheet;
# `finder import hsds PATH` an Open Referral directory: a first word that names no
# subcommand is taken as the file of the default one.
class _DefaultCommandGroup(click.Group):
    def __init__(self, *args, default: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and self.default in self.commands:
            args = [self.default, *args]
        return super().resolve_command(ctx, args)


@main.group("export")
def export_group() -> None:
    """Write the catalogue out: spreadsheets, Open Referral HSDS."""


@main.group("import", cls=_DefaultCommandGroup, default="sheet")
def import_group() -> None:
    """Read offers from a spreadsheet or an Open Referral directory into content/."""


# ---- spreadsheets and districts from coordinates -------------------------------------


@export_group.command("xlsx")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--template", is_flag=True, help="Only the headers and the notes: an empty template.")
@content_option
def export_xlsx(file: str, template: bool, content_dir: str | None) -> None:
    """Write the catalogue as an Excel workbook (sheets Angebote, Anbieter, Hinweise)."""
    from finder.interop import sheets

    rows = {} if template else _sheet_rows(content_dir)
    sheets.write_xlsx(Path(file), rows)
    click.echo(f"wrote {file}: {len(rows.get(sheets.OFFER_SHEET, []))} offers, "
               f"{len(rows.get(sheets.PROVIDER_SHEET, []))} providers")


@export_group.command("csv")
@click.argument("target", type=click.Path())
@click.option("--template", is_flag=True, help="Only the headers: an empty template.")
@content_option
def export_csv(target: str, template: bool, content_dir: str | None) -> None:
    """Write the catalogue as CSV (UTF-8 with BOM, semicolons): a folder gets angebote.csv
    and anbieter.csv, a file name.csv gets the offers and name-anbieter.csv the providers."""
    from finder.interop import sheets

    rows = {} if template else _sheet_rows(content_dir)
    for path in sheets.write_csv(Path(target), rows):
        click.echo(f"wrote {path}")


def _sheet_rows(content_dir: str | None) -> dict:
    from finder.interop import sheets

    try:
        return sheets.catalogue_rows(config.content_dir(content_dir))
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("the content has problems; run finder check") from None
    except sheets.SheetFileError as error:
        raise click.ClickException(str(error)) from None


@import_group.command("sheet")
@click.argument("file", type=click.Path(exists=True))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="A column mapping file (YAML) for a list with its own columns and values.")
@click.option("--skip-bad", is_flag=True,
              help="Write the good rows and a report of the bad ones (default: write nothing).")
@click.option("--report", type=click.Path(dir_okay=False),
              help="Where the report goes (default: FILE.report.txt beside the file).")
@click.option("--replace", is_flag=True,
              help="The sheet lists all offers of its providers: remove the ones it does not list.")
@click.option("--draft-mapping", "draft", type=click.Path(dir_okay=False),
              help="Import nothing; write a first mapping file for this list to fill in.")
@content_option
def import_sheet(file: str, mapping: str | None, skip_bad: bool, report: str | None,
                 replace: bool, draft: str | None, content_dir: str | None) -> None:
    """Read offers from a spreadsheet (xlsx, or CSV from Excel or LibreOffice) into the
    content folder. Every bad row is named with sheet, row and column; a summary line
    ends every import."""
    from finder.interop import sheet_import as sheetimport
    from finder.interop.sheet_mapping import load_mapping

    if draft:
        _draft_mapping(Path(file), Path(draft), config.content_dir(content_dir))
        return
    try:
        column_mapping = load_mapping(Path(mapping)) if mapping else None
        result = sheetimport.import_sheet(Path(file), config.content_dir(content_dir),
                                          column_mapping, skip_bad=skip_bad, replace=replace)
    except (ContentError, sheetimport.ImportError_) as error:
        for note in getattr(error, "notes", []):
            click.echo(str(note), err=True)
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"nothing imported: {len(error.problems)} problem(s)", err=True)
        if isinstance(error, sheetimport.ImportError_):
            click.echo(error.summary.line(), err=True)
        sys.exit(1)
    text = result.report()
    if skip_bad:
        target = Path(report) if report else Path(f"{file}.report.txt")
        try:
            target.write_text(text, encoding="utf-8")
            click.echo(f"report: {target}")
        except OSError as error:
            click.echo(f"cannot write the report to {target}: {error.strerror}; here it is:",
                       err=True)
            click.echo(text, err=True)
    for problem in result.layout + result.skipped + result.notes:
        click.echo(str(problem), err=True)
    click.echo(text.splitlines()[0])
    click.echo(result.summary.line())


def _draft_mapping(file: Path, target: Path, content_dir: Path) -> None:
    from finder.interop.sheet_draft import draft_mapping
    from finder.interop.sheets import SheetFileError

    if target.exists():
        raise click.ClickException(f"{target} exists: the draft would overwrite it; choose "
                                   "another name or remove it")
    try:
        made = draft_mapping(file, content_dir, clock.today())
    except SheetFileError as error:
        raise click.ClickException(str(error)) from None
    target.write_text(made.text, encoding="utf-8")
    click.echo(f"wrote {target}: sheet {made.sheet!r}, {len(made.matched)} columns matched"
               + (f", {len(made.unused)} not used ({', '.join(made.unused)})" if made.unused else ""))
    if made.to_fill:
        click.echo("fill in: " + ", ".join(f"{section} ({n} empty)"
                                           for section, n in made.to_fill.items()))
    click.echo(f"then: finder import {file} --mapping {target}")


# ---- Open Referral HSDS ----------------------------------------------------------------

@export_group.command("hsds")
@click.argument("out_dir", type=click.Path(file_okay=False))
@content_option
def export_hsds(out_dir: str, content_dir: str | None) -> None:
    """Write the catalogue as Open Referral HSDS 3.0: JSON and the tabular data package."""
    from finder import content
    from finder.interop.hsds_export import export

    try:
        loaded = content.load(config.content_dir(content_dir))
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s) in the content; "
                                   "nothing exported") from None
    result = export(loaded, Path(out_dir))
    click.echo(f"exported {result.services} services of {result.organizations} organizations "
               f"to {out_dir} (json/ and tabular/, {len(result.files)} files)")



@import_group.command("hsds")
@click.argument("source", type=click.Path(exists=True))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="YAML file mapping foreign taxonomy terms to our topics, phases, districts.")
@content_option
def import_hsds_command(source: str, mapping: str | None, content_dir: str | None) -> None:
    """Read Open Referral HSDS (JSON, a folder, or a data package) into content/ YAML."""
    from finder.interop.hsds_import import HsdsImportError, import_hsds

    root = config.content_dir(content_dir)
    try:
        report = import_hsds(Path(source), root, Path(mapping) if mapping else None)
    except HsdsImportError as error:
        raise click.ClickException(str(error)) from None
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"import failed: {len(error.problems)} problem(s); {root} is unchanged",
                   err=True)
        sys.exit(1)
    for line in report.lines():
        click.echo(line)
    click.echo(f"wrote {len(report.written)} file(s) in {root}")


# ---- the coordinator (issue 12) -----------------------------------------------------------


@main.group("users")
def users_group() -> None:
    """The coordinator's logins (argon2 password hashes in coordinator.db)."""


@users_group.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@data_option
def users_add(name: str, password_stdin: bool, data_dir: str | None) -> None:
    """Add a coordinator login; the password is asked for without echo."""
    from finder.coordinator import users

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        users.add(config.data_dir(data_dir), name, password)
    except users.UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user {name} added")


@users_group.command("remove")
@click.argument("name")
@data_option
def users_remove(name: str, data_dir: str | None) -> None:
    """Remove a coordinator login and end its sessions."""
    from finder.coordinator import users

    try:
        users.remove(config.data_dir(data_dir), name)
    except users.UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user {name} removed")


@users_group.command("list")
@data_option
def users_list(data_dir: str | None) -> None:
    """List the coordinator logins."""
    from finder.coordinator import users

    for row in users.names(config.data_dir(data_dir)):
        click.echo(f"{row['name']}\t{row['created_at']}")


@main.command("report")
@click.option("--html", "html_file", type=click.Path(dir_okay=False),
              help="Write the one-page report to this HTML file.")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False),
              help="Write it as PDF (A4 landscape; needs WeasyPrint: pip install '.[pdf]').")
@click.option("--thin", default=2, show_default=True, help="Fewer offers than this is thin.")
@data_option
def report_command(html_file: str | None, pdf_file: str | None, thin: int,
                   data_dir: str | None) -> None:
    """The coordinator's one-page report for the steering group, as HTML or PDF."""
    from finder.catalogue import CatalogueMissing
    from finder.web import create_app
    from finder.web.coordinator import render_report_file

    if not html_file and not pdf_file:
        raise click.UsageError("say where to write the report: --html FILE and/or --pdf FILE")
    app = create_app({"DATA_DIR": str(config.data_dir(data_dir))})
    try:
        page = render_report_file(app, thin)
    except CatalogueMissing as error:
        raise click.ClickException(str(error)) from None
    if html_file:
        Path(html_file).write_text(page, encoding="utf-8")
        click.echo(f"report written to {html_file}")
    if pdf_file:
        from finder.coordinator.report import PdfUnavailable, to_pdf

        try:
            pages, data = to_pdf(page)
        except PdfUnavailable as error:
            raise click.ClickException(str(error)) from None
        Path(pdf_file).write_bytes(data)
        click.echo(f"report written to {pdf_file} ({pages} page{'s' if pages != 1 else ''})")


@main.group("content")
def content_group() -> None:
    """Bring the coordinator's work back into the reviewed content."""


@content_group.command("verifications")
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@content_option
@data_option
def content_verifications(dry_run: bool, content_dir: str | None, data_dir: str | None) -> None:
    """Write the "still current" confirmations into the provider files as assured_date."""
    from finder.coordinator.freshness import WriteBackError, write_back

    root = config.content_dir(content_dir)
    try:
        changes = write_back(root, config.data_dir(data_dir), dry_run=dry_run)
    except WriteBackError as error:
        raise click.ClickException(str(error)) from None
    for change in changes:
        click.echo(f"{change.file.relative_to(root.parent)}: {change.offer} assured_date "
                   f"{change.old or '(none)'} -> {change.new}")
    files = sorted({c.file for c in changes})
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(changes)} offer(s) in {len(files)} file(s) {verb}"
               + ("; run finder check, then commit" if changes and not dry_run else ""))


@main.group("translations")
def translations_group() -> None:
    """Keep the translation files' reviews (content/translations/<lang>.yaml)."""


@translations_group.command("reviewed")
@click.argument("lang")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every provider and offer of the file.")
@click.option("--by", required=True,
              help='Who reviewed, honestly: "Ayşe Demir, native speaker" or "second AI review, '
                   'not yet a native speaker".')
@click.option("--dry-run", is_flag=True, help="Only list what would be recorded.")
@content_option
def translations_reviewed(lang: str, ids: tuple[str, ...], every: bool, by: str, dry_run: bool,
                          content_dir: str | None) -> None:
    """Record that the translations of these offers and providers into LANG were checked
    against the German today: who, when, and the fingerprints of both texts, so that the
    offer page notices when either changes later."""
    from finder.content.reviews import ReviewError, write_reviews

    if bool(ids) == every:
        raise click.UsageError("name the offers and providers, or say --all")
    root = config.content_dir(content_dir)
    try:
        stamps = write_reviews(root, lang, None if every else list(ids), by, clock.today(),
                               dry_run=dry_run)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("the content has problems; fix them (finder check), then "
                                   "record the review") from None
    except ReviewError as error:
        raise click.ClickException(str(error)) from None
    verb = "would record" if dry_run else "recorded"
    click.echo(f"{verb} the review of {len(stamps)} {lang} translation(s) in "
               f"translations/{lang}.yaml")


@content_group.command("write-back")
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@content_option
@data_option
def content_write_back(dry_run: bool, content_dir: str | None, data_dir: str | None) -> None:
    """Write the coordinator's decisions into the content: accepted changes of providers
    (only their lines), confirmations as assured_date, and in the translation files the
    mark of the German each changed text was translated from. The whole content is
    checked first; on a problem nothing is written."""
    from finder.coordinator.changes import WriteBackError, write_back

    root = config.content_dir(content_dir)
    try:
        result = write_back(root, config.data_dir(data_dir), dry_run=dry_run)
    except WriteBackError as error:
        click.echo(str(error), err=True)
        click.echo("nothing written: the content would not pass finder check", err=True)
        sys.exit(1)
    for file, offer, keys, number in result.written:
        click.echo(f"{file}: {offer}: {', '.join(keys)} (proposal {number})")
    for number, why in result.skipped:
        click.echo(f"proposal {number} not written: {why}", err=True)
    for lang, offer, key in result.marked:
        click.echo(f"translations/{lang}.yaml: {offer}: {key} is now older than the German")
    for change in result.confirmed:
        click.echo(f"providers/{change.file.name}: {change.offer}: assured_date "
                   f"{change.old or '(none)'} -> {change.new}")
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(result.files)} file(s) {verb}"
               + ("; see git diff, then finder build and commit" if result.files and not dry_run
                  else ""))


@main.group("providers")
def providers_group() -> None:
    """The providers' private links, through which they check their own offers."""


@providers_group.command("links")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_option
def providers_links(as_json: bool, data_dir: str | None) -> None:
    """Each provider's working link (a new one where there is none): the address is
    town.yaml's public_url. JSON: [{"provider": id, "url": ...}]."""
    from finder.coordinator import links

    base, providers = _town_and_providers(data_dir)
    data = config.data_dir(data_dir)
    found = [{"provider": pid, "url": links.current(data, pid, clock.today()).url(base)}
             for pid in providers]
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for row in found:
            click.echo(f"{row['provider']}\t{row['url']}")


@providers_group.command("renew")
@click.argument("provider")
@data_option
def providers_renew(provider: str, data_dir: str | None) -> None:
    """A new link for PROVIDER; the old one stops working."""
    from finder.coordinator import links

    base, providers = _town_and_providers(data_dir)
    if provider not in providers:
        raise click.ClickException(f"there is no provider {provider!r}")
    click.echo(links.issue(config.data_dir(data_dir), provider, clock.today()).url(base))


@providers_group.command("revoke")
@click.argument("provider")
@data_option
def providers_revoke(provider: str, data_dir: str | None) -> None:
    """Stop PROVIDER's link at once (a new one is made by renew, links or remind)."""
    from finder.coordinator import links

    count = links.revoke(config.data_dir(data_dir), provider, clock.today())
    click.echo(f"{count} link(s) of {provider} revoked")


@main.command("remind")
@click.option("--dry-run", is_flag=True, help="Print the messages; send and record nothing.")
@data_option
def remind(dry_run: bool, data_dir: str | None) -> None:
    """E-mail each provider whose offers are due for checking (11 months since the last
    check, or ending within 30 days) its private link. SMTP from the environment:
    FINDER_SMTP_HOST, _PORT, _USER, _PASSWORD, _TLS (starttls, ssl or none), _FROM."""
    import smtplib

    from finder.catalogue import live
    from finder.coordinator import links, reminders

    base, _ = _town_and_providers(data_dir)
    data = config.data_dir(data_dir)
    catalogue = live(data)
    town, today = catalogue.town, clock.today()
    try:
        smtp = None if dry_run else reminders.settings()
    except reminders.SmtpSettingsError as error:
        raise click.ClickException(str(error)) from None
    sender = (smtp.sender if smtp else os.environ.get("FINDER_SMTP_FROM")) or \
        town.get("corrections_email") or (town.get("imprint") or {}).get("email")
    if not sender:
        raise click.ClickException("set FINDER_SMTP_FROM or corrections_email in town.yaml")
    found = reminders.due(catalogue, data, today)
    server, sent = None, 0
    try:
        for item in (d for d in found if d.address):
            if dry_run:
                link = links.latest(data).get(item.provider)
                soon = (today + dt.timedelta(days=links.RENEW_BEFORE_DAYS)).isoformat()
                link = link if link and link.valid_on(today) and link.expires >= soon else None
            else:
                link = links.current(data, item.provider, today,
                                     renew_before=links.RENEW_BEFORE_DAYS)
            mail = reminders.message(item, link, base, town, sender)
            if dry_run:
                click.echo(f"To: {mail['To']}\nSubject: {mail['Subject']}\n\n{mail.get_content()}")
                click.echo("-" * 72)
                continue
            if server is None:
                server = reminders.connect(smtp)
            server.send_message(mail)
            reminders.remember(data, item.provider, today)
            sent += 1
    except (smtplib.SMTPException, OSError) as error:
        raise click.ClickException(f"sending failed after {sent} reminder(s): "
                                   f"{type(error).__name__}: {error}") from None
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
    for item in (d for d in found if not d.address):
        click.echo(f"{item.provider}: no e-mail address; please call "
                   f"({', '.join(catalogue.providers[item.provider].phones) or 'no phone'})", err=True)
    with_address = sum(1 for d in found if d.address)
    click.echo(f"{with_address} reminder(s) {'to send' if dry_run else 'sent'}"
               + (f", {len(found) - with_address} provider(s) without an e-mail address"
                  if len(found) > with_address else ""))


def _town_and_providers(data_dir: str | None) -> tuple[str, list[str]]:
    """The live catalogue's public_url (town.yaml) and provider ids."""
    from finder.catalogue import CatalogueMissing, live

    try:
        catalogue = live(config.data_dir(data_dir))
    except CatalogueMissing as error:
        raise click.ClickException(str(error)) from None
    base = catalogue.town.get("public_url")
    if not base:
        raise click.ClickException("town.yaml needs public_url: the address providers open "
                                   "their links at")
    return base, sorted(catalogue.providers)


if __name__ == "__main__":
    main()
