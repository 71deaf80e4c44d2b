"""The README's reference parts are made from the code (`make docs`) and stay so."""

from __future__ import annotations

import click

from finder.reference import update
from tests.conftest import ROOT


def test_the_readme_reference_is_what_the_code_says():
    stale = update(ROOT / "README.md", check=True)
    assert stale == [], f"run `make docs`: the README's {', '.join(stale)} part differs from the code"


def test_every_command_and_option_is_in_the_readme():
    from finder.cli import main
    from finder.reference import _commands

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, command in _commands(main, "finder"):
        assert f"#### `{path}`" in text, path
        for option in command.params:
            if isinstance(option, click.Option):
                for name in option.opts:
                    assert name in text, (path, name)
