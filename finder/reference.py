"""Reference text made from the code, so that the README cannot drift from it: the
command line's help and the ranking rules. `make docs` writes them into the README
between their markers; a test fails when they differ."""

from __future__ import annotations

import re
from pathlib import Path

import click

MARKERS = {
    "cli": ("<!-- cli-reference: start (made by `make docs` from finder/cli.py) -->",
            "<!-- cli-reference: end -->"),
    "ranking": ("<!-- ranking-rules: start (made by `make docs` from finder/search/ranking.py) -->",
                "<!-- ranking-rules: end -->"),
}


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


def cli_reference() -> str:
    """Every command of `finder` with its --help, as a Markdown block."""
    from finder.cli import main

    parts = []
    for path, command in _commands(main, "finder"):
        with click.Context(command, info_name=path, terminal_width=88,
                           max_content_width=88) as context:
            text = command.get_help(context)
        parts.append(f"#### `{path}`\n\n```\n{text.rstrip()}\n```")
    return "\n\n".join(parts)


def ranking_rules() -> str:
    """The ranking rules in their order, as a numbered list."""
    from finder.search.ranking import RULES

    return "\n".join(f"{n}. **{name}**: {text}" for n, (name, text) in enumerate(RULES, start=1))


def sections() -> dict[str, str]:
    return {"cli": cli_reference(), "ranking": ranking_rules()}


def update(readme: Path, check: bool = False) -> list[str]:
    """Write the generated sections into the README (or, with check, only say which differ)."""
    text = original = readme.read_text(encoding="utf-8")
    stale = []
    for key, body in sections().items():
        start, end = MARKERS[key]
        pattern = re.compile(re.escape(start) + r"\n(?:.*?\n)?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"{readme} has no {start} … {end}")
        new = f"{start}\n{body}\n{end}"
        if pattern.search(text).group(0) != new:
            stale.append(key)
        text = pattern.sub(lambda _, new=new: new, text)
    if not check and text != original:
        readme.write_text(text, encoding="utf-8")
    return stale
