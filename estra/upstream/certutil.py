"""A certificate template as `certutil -v -dstemplate NAME` prints it (issue #23, 3).

The format is the one [MS-CRTD] "3 Structure Example" shows: a `[Name]`
section per template (certutil adds `[Version]`), then `attr = "value" note`
lines. A value may go on over indented lines (inside its quotes, or after a
trailing comma of a multi-value attribute); each quoted value of a multi-value
attribute may be followed by a description ("1.3.6.1.5.5.7.3.2" Client
Authentication); notes are certutil's `0x..` renderings and `*`/`**` markers
(`*objectCategory` too); a flag attribute is followed by one line per flag,
`NAME -- hex (decimal)`, in parentheses when the flag is not set.

Only the text is read: no LDAP bind (an RA in a DMZ should not reach a domain
controller). estra/upstream/issuingterms.py `from_adcs_template` reads the terms.
"""

from __future__ import annotations

import re

from attrs import define, field, frozen

__all__ = ["TemplateValue", "parse_template", "TemplateError"]

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_ATTRIBUTE = re.compile(r"^\s*\*?([A-Za-z][\w-]*)\s*=\s*(.*)$")
_FLAG = re.compile(r"^\s*(\()?\s*([A-Z][A-Za-z0-9_<]+)\s+--\s+[0-9a-fA-F]+"
                   r"(?:\s*\(\d+\))?\s*\)?\s*$")
_QUOTED = re.compile(r'"([^"]*)"([^"]*)')
MAX_TEMPLATE = 1_000_000               # bytes: far above any template's export


class TemplateError(ValueError):
    """The text is not certutil's template output (the reason says where)."""


@frozen
class TemplateValue:
    """One attribute: its quoted `values`, the text after each (`notes`: a
    description, 0x.., * markers), and the flags listed under it (name, set)."""

    values: tuple[str, ...]
    notes: tuple[str, ...] = ()
    flags: tuple[tuple[str, bool], ...] = ()

    def number(self) -> int | None:
        """The first value as an integer (certutil prints DWORDs in decimal)."""
        try:
            return int(self.values[0]) if self.values else None
        except ValueError:
            return None


@define
class _Raw:
    """An attribute while its lines are read."""

    text: str
    flags: list[tuple[str, bool]] = field(factory=list)


def _value(raw: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = _QUOTED.findall(raw)
    return (tuple(v for v, _ in found),
            tuple(n.strip().rstrip(",").strip() for _, n in found))


def parse_template(text: str) -> dict[str, dict[str, TemplateValue]]:
    """Each template section of `text` ([Version] left out) -> its attributes;
    TemplateError when no section holds any attribute, or a line is not
    certutil's."""
    sections: dict[str, dict[str, _Raw]] = {}
    attrs: dict[str, _Raw] | None = None
    current: _Raw | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("CertUtil:"):
            continue
        if m := _SECTION.match(line):
            attrs = sections.setdefault(m.group(1).strip(), {})
            current = None
            continue
        if attrs is None:
            continue                                 # certutil's lines before a section
        if (m := _FLAG.match(line)) and current is not None:
            current.flags.append((m.group(2), m.group(1) is None))
        elif (m := _ATTRIBUTE.match(line)) and not (current and _open(current.text)):
            current = attrs.setdefault(m.group(1), _Raw(m.group(2).strip()))
        elif current is not None:
            joint = "" if current.text.count('"') % 2 else " "
            current.text += joint + line.strip()
        else:
            raise TemplateError(f"line {number}: not certutil's template output: "
                                f"{line.strip()[:60]!r}")
    out = {name: {key: TemplateValue(*_value(raw.text), tuple(raw.flags))
                  for key, raw in found.items()}
           for name, found in sections.items() if name != "Version" and found}
    if not out:
        raise TemplateError("no template section ([Name] then attr = \"value\" lines)")
    return out


def _open(raw: str) -> bool:
    """Whether the value text must go on: no value yet, an open quote, a trailing
    comma (any other line that is not `attr = ...` goes on the value too: a
    description after a value that ended a line)."""
    return not raw or raw.count('"') % 2 == 1 or raw.rstrip().endswith(",")
