"""Changing single fields of a mapping in a content file, line by line, the way a person
would: only the lines of the changed fields are replaced, removed or added; comments,
order, wrapping and every other line stay as they are, so `git diff` shows exactly the
change.

The coordinator's accepted changes end here (an offer's fields in its provider file,
the mark of the German a translation was made from in a translation file). Each edit
is read back: the file must parse to the same document with only those fields changed,
or nothing is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from finder import content as content_module
from finder.content.files import _entry, _plain, _skip

Render = Callable[[str, Any, int], list[str]]


class EditError(Exception):
    """A change that cannot be written line by line; says where and why."""


_KEY = re.compile(r"""^(\s*(?:-\s+)?)(?:"([A-Za-z_][\w-]*)"|'([A-Za-z_][\w-]*)'|([A-Za-z_][\w-]*))"""
                  r"\s*:(\s|$)")
"""A line that starts a field: its indentation (with a list item's dash) and its key,
plain or quoted."""


def _key_at(line: str) -> tuple[str, str] | None:
    found = _KEY.match(line)
    if not found:
        return None
    return found.group(1), found.group(2) or found.group(3) or found.group(4)


def locate(document: Any, path: Sequence[str | int]) -> Any:
    """The value at path (keys and list indices) in a parsed document."""
    value = document
    for step in path:
        value = value[step]
    return value


def edit_mapping(text: str, path: Sequence[str | int], values: dict[str, Any],
                 order: Sequence[str], where: str, render: Render | None = None) -> str:
    """The text with the fields of the mapping at path set to values (None or empty:
    the field is removed). New fields go after the nearest field before them in order.
    Raises EditError naming `where` when the mapping is not written one field per
    line, or when the result would read back as anything else than intended."""
    document = _parse(text, where)
    mapping = locate(document, path)
    if not hasattr(mapping, "lines"):
        raise EditError(f"{where}: not a mapping")
    lines = text.splitlines(keepends=True)
    end = _end_line(document, path, len(lines))
    starts = sorted(mapping.lines.values())
    plan: list[tuple[int, int, list[str]]] = []   # (first index, end index, new lines)
    for key, value in values.items():
        new_value = None if _skip(value) else value
        old_present = key in mapping.lines
        if not old_present and new_value is None:
            continue
        if old_present:
            first, stop = _span(lines, mapping.lines[key], starts, end, where, key)
            prefix = _key_at(lines[first])[0]
            if new_value is None:
                if prefix.strip().startswith("-"):
                    raise EditError(f"{where}:{first + 1}: {key} starts its list item; "
                                    "change it by hand")
                plan.append((first, stop, []))
                continue
            rendered = _render(key, new_value, len(prefix), render)
            rendered[0] = prefix + rendered[0].lstrip(" ")
            if stop - first == 1 and len(rendered) == 1:
                rendered[0] += _comment(lines[first], key)
            plan.append((first, stop, [line + "\n" for line in rendered]))
        else:
            at, indent = _insert_point(lines, mapping, key, order, starts, end, where)
            plan.append((at, at, [line + "\n" for line in _render(key, new_value, indent, render)]))
    new_lines = list(lines)
    for first, stop, replacement in sorted(plan, key=lambda p: (p[0], p[1]), reverse=True):
        new_lines[first:stop] = replacement
    new_text = "".join(new_lines)
    _check(document, path, values, new_text, where)
    return new_text


def _parse(text: str, where: str) -> Any:
    try:
        return content_module.load_yaml(where, text)
    except content_module.ContentError as error:
        raise EditError(str(error)) from None


def _end_line(document: Any, path: Sequence[str | int], count: int) -> int:
    """The first line (1-based) after the mapping at path: where the next item of its
    list or the next key of its parent begins, else the end of the file."""
    for depth in range(len(path), 0, -1):
        parent = locate(document, path[:depth - 1])
        step = path[depth - 1]
        if isinstance(step, int):
            following = parent.lines[step + 1:] if hasattr(parent, "lines") else []
        else:
            mine = parent.lines[step]
            following = sorted(line for line in parent.lines.values() if line > mine)
        if following:
            return following[0]
    return count + 1


def _span(lines: list[str], line: int, starts: list[int], end: int, where: str,
          key: str) -> tuple[int, int]:
    """The 0-based lines [first, stop) of a field: from its key to the next key, without
    the blank lines and the comments about what follows."""
    first = line - 1
    found = _key_at(lines[first])
    if found is None or found[1] != key:
        raise EditError(f"{where}:{line}: {key} is not on a line of its own")
    following = [s for s in starts if s > line]
    stop = (following[0] if following else end) - 1
    indent = len(found[0])
    while stop > first + 1:
        candidate = lines[stop - 1]
        stripped = candidate.strip()
        depth = len(candidate) - len(candidate.lstrip(" "))
        if not stripped or (stripped.startswith("#") and depth <= indent):
            stop -= 1
        else:
            break
    return first, stop


def _insert_point(lines: list[str], mapping, key: str, order: Sequence[str], starts: list[int],
                  end: int, where: str) -> tuple[int, int]:
    """Where a new field goes (a 0-based line index) and its indentation: after the
    nearest field before it in order, else after the mapping's last field."""
    before = [k for k in order[:order.index(key)] if k in mapping.lines] if key in order else []
    anchor = max(before, key=lambda k: order.index(k)) if before else \
        max(mapping.lines, key=lambda k: mapping.lines[k])
    _, stop = _span(lines, mapping.lines[anchor], starts, end, where, anchor)
    indent = len(_key_at(lines[mapping.lines[anchor] - 1])[0])
    return stop, indent


def _render(key: str, value: Any, indent: int, render: Render | None) -> list[str]:
    found = render(key, value, indent) if render else None
    return found if found is not None else _entry(key, value, indent)


def _comment(line: str, key: str) -> str:
    """The comment at the end of a one-line field (`  # …`), kept when its value changes."""
    body = line.rstrip("\r\n")
    for match in re.finditer(r"\s+#", body):
        head = body[:match.start()]
        try:
            # A '#' inside quotes is text, not a comment: the head alone must parse.
            parsed = yaml.load(head.strip().removeprefix("- ") or "x",  # noqa: S506  # nosec B506
                               Loader=content_module.Loader)
        except yaml.YAMLError:
            continue
        if isinstance(parsed, dict) and key in parsed:
            return body[match.start():]
    return ""


def _check(document: Any, path: Sequence[str | int], values: dict[str, Any], new_text: str,
           where: str) -> None:
    """The new text must read as the old document with only these fields changed."""
    expected = _plain(document)
    target = locate(expected, path)
    for key, value in values.items():
        if _skip(value):
            target.pop(key, None)
        else:
            target[key] = _plain(value)
    try:
        found = _plain(yaml.load(new_text, Loader=content_module.Loader))  # noqa: S506  # nosec B506
    except yaml.YAMLError as error:
        raise EditError(f"{where}: the change would break the file: {error}") from None
    if found != expected:
        raise EditError(f"{where}: the change would also alter other fields; change it by hand")
