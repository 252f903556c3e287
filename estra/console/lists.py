"""The console's lists: filters, sorting, keyset pages, totals and exports.

One engine serves every list (enrollments, refused attempts, held requests, the
audit log), so each gets the same guarantees: a page is one query that walks an
index from a cursor (`after`/`before`: the sort value and id of the row at the
page's edge), never an OFFSET that reads every row before it; the total is a
count capped at `COUNT_CAP`; every filter is case-insensitive, and a filter over
a closed set is a <select> whose value must be one of its choices (anything else
is a 400, never an SQL error); an export (CSV or JSON) holds the rows of the
current filter and sort, at most `EXPORT_MAX`, and is audited by the caller.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any, Callable, Mapping, Sequence

from attrs import field, frozen

from estra.asn1 import wire
from estra.store.database import PENDING_COLUMNS, PROCESSED

__all__ = ["Filter", "Listing", "Query", "BadQuery", "parse_query", "conditions",
           "standard_listings", "stored_serial", "DECISIONS", "OPERATIONS",
           "page_sql", "to_csv", "to_json", "COUNT_CAP", "EXPORT_MAX", "FORMATS"]

COUNT_CAP = 10_000        # a total of this many reads "10000 or more"
EXPORT_MAX = 10_000       # most rows one export holds
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
KINDS = ("choice", "equals", "prefix", "contains", "serial", "since", "until")


class BadQuery(ValueError):
    """A list's query string that cannot be answered (the page says why, with a 400)."""


@frozen
class Filter:
    """One filter of a list: form field `name`, shown as `label`, on SQL `column`.

    `kind`: "choice" (one of `choices()`, exact), "equals" (any case), "prefix"
    (starts with, any case),
    "contains" (a substring, any case: reads every row the other filters leave),
    "serial" (a certificate serial in any printed form), "since"/"until" (UTC)."""

    name: str
    label: str
    column: str
    kind: str = field()
    choices: Callable[[], Sequence[str]] = tuple

    @kind.validator
    def _known(self, attribute: Any, value: str) -> None:
        if value not in KINDS:
            raise ValueError(f"filter kind {value!r} is not one of {KINDS}")


@frozen
class Listing:
    """A list page: the rows of `source` (a FROM clause; `columns`: what it selects;
    `base`: conditions always applied), its unique `key` column, `filters`, `sorts`
    (name -> column, each with an index on (column, key)), the default sort and
    the columns an export holds."""

    name: str
    path: str
    source: str
    key: str
    filters: tuple[Filter, ...]
    sorts: Mapping[str, str]
    default_sort: str
    export: tuple[str, ...]
    columns: str = "*"
    base: tuple[str, ...] = ()
    oldest_first: bool = False
    args: tuple[tuple[str, str], ...] = ()     # query fields every link keeps

    @property
    def select(self) -> str:
        return f"SELECT {self.columns} FROM {self.source}"


@frozen
class Query:
    """A list's query string, checked: filter values, sort, direction, cursor."""

    values: Mapping[str, str]
    sort: str
    descending: bool
    after: tuple[Any, int] | None = None      # the page after this row
    before: tuple[Any, int] | None = None     # the page before this row
    args: tuple[tuple[str, str], ...] = ()    # the listing's fixed fields (view=...)

    def link(self, **change: Any) -> dict[str, str]:
        """The query string of this list with `change` (e.g. another sort), no cursor."""
        out = {**dict(self.args), **{k: v for k, v in self.values.items() if v}}
        out.update(sort=self.sort, dir="desc" if self.descending else "asc")
        out = {k: v for k, v in out.items() if k not in ("after", "before")}
        out.update({k: str(v) for k, v in change.items()})
        return out


def _cursor(text: str) -> tuple[Any, int] | None:
    """A cursor from the query string: JSON [sort value, id]."""
    if not text:
        return None
    try:
        value, key = json.loads(text)
    except (ValueError, TypeError) as e:
        raise BadQuery("The page link is damaged; start from the first page.") from e
    if not isinstance(key, int) or isinstance(key, bool) or not isinstance(
            value, (str, int, float)) or isinstance(value, bool) or abs(key) >= 2**63:
        raise BadQuery("The page link is damaged; start from the first page.")
    return value, key


def parse_query(listing: Listing, arg: Callable[[str], str]) -> Query:
    """The checked query of `listing` from the request's fields (`arg(name)`)."""
    values = {f.name: arg(f.name)[:200] for f in listing.filters}
    for f in listing.filters:
        value = values[f.name]
        if f.kind == "choice" and value and value not in f.choices():
            raise BadQuery(f"{f.label}: choose one of the listed values.")
        if f.kind in ("since", "until") and value:
            _time(value, f.label)
    sort = arg("sort") or listing.default_sort
    if sort not in listing.sorts:
        raise BadQuery(f"Sort by one of: {', '.join(listing.sorts)}.")
    direction = arg("dir") or ("asc" if listing.oldest_first else "desc")
    if direction not in ("asc", "desc"):
        raise BadQuery("The direction is asc or desc.")
    return Query(values, sort, direction == "desc", _cursor(arg("after")),
                 _cursor(arg("before")), listing.args)


def _time(value: str, label: str) -> float:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as e:
        raise BadQuery(f"{label}: times look like 2026-11-30T14:00.") from e
    return parsed.replace(tzinfo=parsed.tzinfo or datetime.timezone.utc).timestamp()


def conditions(listing: Listing, query: Query, bytewise: str = ""
               ) -> tuple[list[str], list[Any]]:
    """WHERE conditions and arguments of the query's filters (`bytewise`: the
    dialect's byte-order collation, so a prefix is one range of an index)."""
    where, args = list(listing.base), list[Any]()
    for f in listing.filters:
        value = query.values.get(f.name, "")
        if not value:
            continue
        if f.kind == "choice":
            where.append(f"{f.column} = ?")
            args.append(value)
        elif f.kind == "equals":
            where.append(f"LOWER({f.column}) = ?")
            args.append(value.lower())
        elif f.kind == "prefix":
            low = value.lower()
            where.append(f"LOWER({f.column}){bytewise} >= ? AND LOWER({f.column}){bytewise} < ?")
            args += [low, low[:-1] + chr(ord(low[-1]) + 1)]
        elif f.kind == "contains":
            escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(f"LOWER({f.column}) LIKE ? ESCAPE '\\'")
            args.append(f"%{escaped}%")
        elif f.kind == "serial":
            where.append(f"{f.column} = ?")
            args.append(stored_serial(value))
        else:
            where.append(f"{f.column} {'>=' if f.kind == 'since' else '<'} ?")
            args.append(_time(value, f.label))
    return where, args


def stored_serial(text: str) -> str:
    """A serial as operators paste it, in the store's form (estra.asn1.wire.normalise_serial),
    or the text as typed when it is not hexadecimal (it then matches nothing)."""
    try:
        return wire.normalise_serial(text) if text.strip() else ""
    except ValueError:
        return text


def page_sql(listing: Listing, query: Query, where: list[str], args: list[Any],
             limit: int) -> tuple[str, list[Any], bool]:
    """The one query of a page: (SQL, arguments, whether its rows come reversed).
    Rows are ordered by the sort column then `key`, from the cursor on."""
    column, key = listing.sorts[query.sort], listing.key
    backwards = query.before is not None
    descending = query.descending != backwards      # walking back: the other way
    where, args = list(where), list(args)
    edge = query.before if backwards else query.after
    by_key = column == key
    if edge is not None:
        where.append(f"{key} {'<' if descending else '>'} ?" if by_key else
                     f"({column}, {key}) {'<' if descending else '>'} (?, ?)")
        args += [edge[1]] if by_key else [edge[0], edge[1]]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    order = "DESC" if descending else "ASC"
    ordering = f"{key} {order}" if by_key else f"{column} {order}, {key} {order}"
    return f"{listing.select}{clause} ORDER BY {ordering} LIMIT ?", args + [limit], backwards


def _cell(value: Any) -> str:
    """A CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(listing: Listing, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as CSV (a header line, then the export columns)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(listing.export)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in listing.export])
    return out.getvalue().encode("utf-8")


def to_json(listing: Listing, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as a JSON array of objects (the export columns)."""
    return json.dumps([{c: row.get(c) for c in listing.export} for row in rows],
                      indent=1).encode("utf-8")


def _times(column: str) -> tuple[Filter, Filter]:
    return (Filter("since", "From (UTC)", column, "since"),
            Filter("until", "Until (UTC)", column, "until"))


DECISIONS = ("issued", "resent", "rejected", "held", "failed")
OPERATIONS = ("simpleenroll", "simplereenroll", "serverkeygen", "fullcmc", "scep-pkcsreq",
              "scep-renewalreq")


def standard_listings(profiles: Callable[[], Sequence[str]]) -> dict[str, Listing]:
    """The console's lists by name; `profiles` gives the profile names in force."""
    pending_filters = (Filter("identity", "Identity starts with", "p.identity", "prefix"),
                       Filter("subject", "Subject contains", "p.subject", "contains"),
                       Filter("label", "Profile", "p.label", "choice", profiles))
    pending_sorts = {"request": "p.id", "identity": "p.identity", "profile": "p.label"}
    pending_export = ("id", "at", "label", "operation", "identity", "subject", "status",
                      "decided_by", "decided_at", "reason", "serial", "peer", "held_reason")
    return {listing.name: listing for listing in (
        Listing("enrollments", "/console/enrollments", "enrollments", "id", (
            Filter("identity", "Identity starts with", "identity", "prefix"),
            Filter("subject", "Subject contains", "subject", "contains"),
            Filter("serial", "Serial", "serial", "serial"),
            Filter("decision", "Decision", "decision", "choice", lambda: DECISIONS),
            Filter("operation", "Operation", "operation", "choice", lambda: OPERATIONS),
            Filter("rule", "Rule", "rule", "equals"),
            Filter("label", "Profile", "label", "choice", profiles), *_times("at")),
            {"when": "id", "identity": "identity", "profile": "label",
             "decision": "decision"}, "when",
            ("id", "at", "identity", "method", "peer", "label", "operation", "subject",
             "sans", "decision", "rule", "reason", "serial", "not_after")),
        Listing("attempts", "/console/attempts", "attempts", "id", (
            Filter("name", "Name contains", "name", "contains"),
            Filter("rule", "Rule", "rule", "equals"),
            Filter("label", "Profile", "label", "equals"),
            Filter("face", "Face", "face", "choice", lambda: ("est", "scep")),
            Filter("address", "Address starts with", "address", "prefix"),
            *_times("last_at")),
            {"first": "id", "last": "last_at", "count": "count", "rule": "rule",
             "name": "name"}, "first",
            ("id", "first_at", "last_at", "count", "face", "operation", "label", "rule",
             "name", "address", "reason")),
        Listing("audit", "/console/audit", "audit", "id", (
            Filter("kind", "Kind", "kind", "equals"),
            Filter("identity", "Who starts with", "identity", "prefix"),
            Filter("text", "Detail contains", "detail", "contains"), *_times("at")),
            {"when": "id", "kind": "kind", "who": "identity"}, "when",
            ("id", "at", "kind", "identity", "detail")),
        Listing("pending", "/console/pending", "pending p", "p.id", pending_filters,
                pending_sorts, "request", pending_export, PENDING_COLUMNS,
                ("p.status = 'pending'",), oldest_first=True),
        Listing("processed", "/console/pending", "pending p", "p.id", pending_filters,
                pending_sorts, "request", pending_export, PENDING_COLUMNS, (PROCESSED,),
                args=(("view", "processed"),)),
    )}
