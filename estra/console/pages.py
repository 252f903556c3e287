"""The console's HTML, server-rendered with twisted.web.template (escaped by construction).

No script anywhere: every action is a plain form, so the console works
without JavaScript and under `Content-Security-Policy: default-src 'self'`.
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode
from typing import Any, Callable, Iterable, Mapping, NotRequired, Sequence

from attrs import frozen

from twisted.web.template import Tag, flattenString, slot, tags

from estra.console.csr import DecodedCsr
from estra.console.lists import Listing, Query
from estra.console.operators import allows
from estra.asn1.wire import REVOCATION_REASONS
from estra.ra.renewal import Window
from estra.store.codes import CodeRow
from estra.store.devices import DeviceStory
from estra.store.enrollments import EnrollmentRow
from estra.store.pending import HeldRequest, PendingRow
from estra.store.renewal import CurrentCertificate
from estra.store.revocations import RevocationRow

__all__ = ["render", "layout", "login_page", "dashboard", "pending_page", "list_page",
           "enrollment_page", "codes_page", "pending_request_page", "users_page",
           "message_page", "CSS", "OUTCOMES", "LIST_VIEWS", "keyset_pager", "filter_form",
           "list_table", "pager", "device_search_page", "device_page", "flash",
           "confirm_page", "table", "DecodedRequest", "RenewalRow"]

OUTCOMES = ("issued", "rejected", "held", "failed")
COLOURS = {"issued": "#1b6e20", "rejected": "#b00020", "held": "#8a5a00", "failed": "#4a4a4a"}
#: the non-colour cue of each outcome in the chart: a white pattern over its colour
MARKS = {"issued": "", "rejected": "M0,6 L6,0", "held": "M2,3 h2",
         "failed": "M0,0 L6,6 M0,6 L6,0"}
#: (name, path, least role that sees it)
NAV = (("Dashboard", "/console/", "viewer"), ("Devices", "/console/devices", "viewer"),
       ("Pending", "/console/pending", "viewer"),
       ("Enrollments", "/console/enrollments", "viewer"), ("Codes", "/console/codes", "viewer"),
        ("Attempts", "/console/attempts", "viewer"), ("Renewals", "/console/renewals", "viewer"),
        ("Users", "/console/users", "admin"), ("Audit log", "/console/audit", "viewer"))

CSS = b"""
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.4}
header{background:#123;color:#fff;padding:.5em 1em;display:flex;gap:1em;align-items:center;
flex-wrap:wrap}
header a{color:#fff}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25em 1em;margin:0;padding:0}
.scroll{overflow-x:auto;max-width:100%}
td{overflow-wrap:anywhere}
figure{margin:0;max-width:100%}
figure>svg{width:100%;height:auto;max-width:760px}
nav a[aria-current]{font-weight:bold;text-decoration:underline}
main{padding:1em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold}
form.inline{display:inline}
label{display:inline-block;margin:.25em .5em .25em 0}
.error{color:#b00020;font-weight:bold}
.code{font-family:monospace;font-size:1.2em;background:#eef;padding:.25em}
pre{background:#f4f4f4;padding:.5em;overflow:auto}
section.request{border:1px solid #999;padding:.5em;margin:.5em 0}
button{padding:.25em .75em}
.who{margin-left:auto}
main{overflow-wrap:anywhere}
@media (max-width:600px){main{padding:.5em}header{padding:.5em}.who{margin-left:0}
input,select{max-width:100%}}
"""


def when(at: float | None) -> str:
    if at is None:
        return ""
    return datetime.datetime.fromtimestamp(float(at), datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S UTC")


async def render(tag: Tag) -> bytes:
    body: bytes = await flattenString(None, tag)
    return b"<!DOCTYPE html>\n" + body


def pager(path: str, values: Mapping[str, str], page: int, total: int, size: int,
          cap: int = 10_000) -> Tag:
    """Where a page of a list is: "rows 51 to 100 of 6000", and Previous/Next links that
    keep the filter `values`; a `total` of `cap` is counted no further ("or more")."""
    first, last = (page - 1) * size + 1, min(total, page * size)
    more = " or more" if total >= cap else ""
    text = (f"Rows {first} to {last} of {total}{more}." if first <= last
            else f"No rows on page {page} ({total}{more} in all).")

    def link(to: int, label: str) -> Tag:
        query = urlencode({**{k: v for k, v in values.items() if v}, "page": str(to)})
        return tags.a(label, href=f"{path}?{query}", rel="prev" if to < page else "next")
    links = ([link(page - 1, "Previous page")] if page > 1 else []) + (
        [link(page + 1, "Next page")] if last < total else [])
    return tags.nav(tags.p(text, *[part for a in links for part in (" ", a)]),
                    **{"aria-label": "Pages"})


def csrf_field(csrf: str) -> Tag:
    return tags.input(type="hidden", name="csrf", value=csrf)


def layout(title: str, body: Sequence[Any], operator: Any = None, csrf: str = "",
           current: str = "") -> Tag:
    head = tags.head(tags.meta(charset="utf-8"),
                     tags.meta(name="viewport", content="width=device-width, initial-scale=1"),
                     tags.title(f"{title} - estra console"),
                     tags.link(rel="stylesheet", href="/console/style.css"))
    bar: list[Any] = [tags.span(tags.strong("estra console"))]
    if operator is not None:
        bar.append(tags.nav(tags.ul(*[
            tags.li(tags.a(name, href=href, **({"aria-current": "page"} if href == current
                                                else {})))
            for name, href, role in NAV if allows(operator.role, role)]),
            **{"aria-label": "Console"}))
        bar.append(tags.span(f"{operator.name} ({operator.role}) ", tags.form(
            csrf_field(csrf), tags.button("Log out", type="submit"),
            method="post", action="/console/logout", class_="inline"), class_="who"))
    return tags.html(head, tags.body(tags.header(*bar),
                                     Tag("main")(tags.h1(title), slot("flash"), *body)),
                     lang="en")


def flash(text: str) -> Tag | str:
    """The status line of the last action (post/redirect/get), or nothing."""
    return tags.p(text, role="status", class_="flash") if text else ""


def confirm_page(operator: Any, csrf: str, title: str, said: Sequence[str], what: Any,
                 action: str, fields: Sequence[tuple[str, str]], button: str,
                 cancel: str, inputs: Sequence[Any] = ()) -> Tag:
    """Before a destructive action: what it acts on, and a form that sends the same
    fields again with confirm=yes (or Cancel, back to `cancel`); `inputs`: fields the
    operator fills in on this page (a secret is asked again, never sent back hidden)."""
    return layout(title, [*[tags.p(line) for line in said], what, tags.form(
        csrf_field(csrf), *[tags.input(type="hidden", name=k, value=v) for k, v in fields],
        *inputs,
        tags.input(type="hidden", name="confirm", value="yes"),
        tags.button(button, type="submit"), " ", tags.a("Cancel", href=cancel),
        method="post", action=action)], operator, csrf)


def message_page(title: str, text: str, operator: Any = None, csrf: str = "") -> Tag:
    return layout(title, [tags.p(text)], operator, csrf)


def login_page(error: str = "", cert_login: bool = False, back: str = "/console/") -> Tag:
    """The login form; `back`: the page to return to once logged in."""
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    there = tags.input(type="hidden", name="next", value=back)
    body.append(tags.form(there,
        tags.p(tags.label("Operator name ", tags.input(name="user", autocomplete="username",
                                                        required="required"))),
        tags.p(tags.label("Password ", tags.input(name="password", type="password",
                                                   autocomplete="current-password",
                                                   required="required"))),
        tags.p(tags.button("Log in", type="submit")), method="post", action="/console/login"))
    if cert_login:
        body.append(tags.form(there, tags.input(type="hidden", name="method", value="certificate"),
                              tags.button("Log in with my client certificate", type="submit"),
                              method="post", action="/console/login"))
    return layout("Log in", body)


def table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Tag:
    body = [tags.tr(*[tags.td(cell) for cell in row]) for row in rows]
    if not body:
        body = [tags.tr(tags.td("none", colspan=str(len(headers))))]
    return tags.div(tags.table(tags.caption(caption),
                               tags.thead(tags.tr(*[tags.th(h, scope="col") for h in headers])),
                               tags.tbody(*body)),
                    class_="scroll", tabindex="0", role="region", **{"aria-label": caption})


def chart(counts: Mapping[tuple[int, str], int], start: float) -> Tag:
    """Stacked bars: enrollments per hour by outcome, oldest hour on the left."""
    width, height, bar, top = 760, 220, 26, 20
    peak = max([sum(counts.get((h, o), 0) for o in OUTCOMES) for h in range(24)] + [1])
    shapes: list[Any] = []
    for h in range(24):
        y = float(height - 30)
        for outcome in OUTCOMES:
            n = counts.get((h, outcome), 0)
            if not n:
                continue
            size = (height - 30 - top) * n / peak
            y -= size
            shapes.append(Tag("rect", attributes={
                "x": str(40 + h * 30), "y": f"{y:.1f}", "width": str(bar),
                "height": f"{size:.1f}", "fill": f"url(#mark-{outcome})",
                "stroke": "#000", "stroke-width": "0.5"})(
                    Tag("title")(f"{when(start + h * 3600)[11:16]} UTC: {n} {outcome}")))
        if h % 3 == 0 and h < 21:
            shapes.append(Tag("text", attributes={"x": str(40 + h * 30), "y": str(height - 12),
                                                  "font-size": "11"})(
                when(start + h * 3600)[11:16]))
    shapes.append(Tag("text", attributes={"x": str(40 + 23 * 30 - 20), "y": str(height - 12),
                                          "font-size": "11", "font-weight": "bold"})(
        f"{when(start + 23 * 3600)[11:16]} now"))
    shapes.append(Tag("text", attributes={"x": "40", "y": str(height - 1), "font-size": "11"})(
        "hour starting (UTC)"))
    shapes.append(Tag("text", attributes={"x": "0", "y": str(top), "font-size": "11"})(
        str(peak)))
    shapes.append(Tag("line", attributes={"x1": "38", "y1": str(height - 30),
                                          "x2": str(width), "y2": str(height - 30),
                                          "stroke": "#333"}))
    total = {o: sum(counts.get((h, o), 0) for h in range(24)) for o in OUTCOMES}
    label = ("Enrollments per hour, last 24 hours (hours in UTC; the last bar is the "
             "current hour so far): " + ", ".join(f"{total[o]} {o}" for o in OUTCOMES))
    marks = Tag("defs")(*[Tag("pattern", attributes={
        "id": f"mark-{o}", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse"})(
        Tag("rect", attributes={"width": "6", "height": "6", "fill": COLOURS[o]}),
        Tag("path", attributes={"d": MARKS[o] or "M0,0", "stroke": "#fff",
                                "stroke-width": "1.5"})) for o in OUTCOMES])
    svg = Tag("svg", attributes={"xmlns": "http://www.w3.org/2000/svg", "role": "img",
                                 "aria-label": label, "width": str(width),
                                 "height": str(height),
                                 "viewBox": f"0 0 {width} {height}"})(marks, *shapes)
    legend = tags.ul(*[tags.li(Tag("svg", attributes={"width": "12", "height": "12",
                                                      "aria-hidden": "true"})(
        Tag("rect", attributes={"width": "12", "height": "12", "fill": f"url(#mark-{o})",
                                "stroke": "#000", "stroke-width": "0.5"})),
        f" {o}: {total[o]}") for o in OUTCOMES])
    return tags.figure(svg, tags.figcaption(label), legend)


def failures_table(failures: Sequence[tuple[str, str, int]], since: float) -> Tag:
    """Refused attempts by rule and profile, each a link to those attempts."""
    start = when(since)[:16].replace(" ", "T")

    def link(rule: str, label: str, n: int) -> Tag:
        query = urlencode({"rule": rule, "label": label, "since": start})
        return tags.a(str(n), href=f"/console/attempts?{query}",
                      **{"aria-label": f"{n} refused by {rule} under {label}"})
    return table("Refused and failed attempts by rule and profile, last 24 hours",
                 ("rule", "profile", "attempts"),
                 [(rule, label, link(rule, label, n)) for rule, label, n in failures])


def dashboard(operator: Any, csrf: str, counts: Mapping[tuple[int, str], int], start: float,
              pending: int, health: Sequence[Any],
              failures: Sequence[tuple[str, str, int]] = ()) -> Tag:
    return layout("Dashboard", [
        tags.h2("Enrollments, last 24 hours"), chart(counts, start),
        tags.h2("Refused attempts"), failures_table(failures, start),
        tags.h2("Pending approval"),
        tags.p(tags.a(f"{pending} request(s) await a decision", href="/console/pending")),
        tags.h2("Health"),
        table("Health, probed in the background every 30 s (last result)",
              ("check", "status", "as of"),
              [(h.name, h.status if h.ok else tags.strong(h.status), when(h.at))
               for h in health]) if health else tags.p("Not probed yet.")],
        operator, csrf, "/console/")


def _decoded(d: DecodedCsr | None, error: str) -> Tag:
    if d is None:
        return tags.p(f"The stored request cannot be decoded: {error}", class_="error")
    rows = [("Subject", d.subject), ("Subject alternative names", ", ".join(d.sans) or "none"),
            ("Key", d.key), ("Signature", d.signature),
            ("Extensions requested", "; ".join(d.extensions) or "none"),
            ("challengePassword", "present" if d.has_challenge_password else "absent")]
    return tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v)) for k, v in rows])


def pending_page(operator: Any, csrf: str, items: Sequence[dict[str, Any]],
                 can_decide: bool, listing: Listing, query: Query, notice: str = "",
                 pager: Any = "") -> Tag:
    """The held requests as a compact table, selectable for a bulk decision (or, for
    the processed listing, the decided ones: who decided, when, why); each links to
    its page; filters, sortable headers and pages as every list."""
    processed = listing.name == "processed"
    views = tags.p(tags.a("Awaiting a decision", href="/console/pending",
                          **({} if processed else {"aria-current": "page"})), " | ",
                   tags.a("Processed", href="/console/pending?view=processed",
                          **({"aria-current": "page"} if processed else {})))
    body: list[Any] = [views, filter_form(listing, query), pager]
    if notice:
        body.append(tags.p(notice, role="status"))
    if processed:
        body.append(list_table(
            "Decided requests", listing, query,
            (("request", "request"), ("subject", None), ("identity", "identity"),
             ("profile", "profile"), ("status", None), ("decided by", None),
             ("decided at", None), ("reason", None)),
            [(_request_link(i), i["subject"], i["identity"], i["label"], i["status"],
              i["decided_by"], when(i["decided_at"]), i["reason"]) for i in items]))
        return layout("Processed requests", body, operator, csrf, "/console/pending")
    if not items:
        body.append(tags.p("No request awaits a decision."))
        return layout("Pending requests", body, operator, csrf, "/console/pending")
    rows = [((tags.input(type="checkbox", name="id", value=str(i["id"]),
                         **{"aria-label": f"Select request {i['id']}"}),) if can_decide
             else ()) + (_request_link(i), i["subject"] or "(empty subject)", i["identity"],
                         i["label"], i.get("peer") or "unknown", when(i["at"]),
                         i.get("held_reason") or "manual approval") for i in items]
    listed = list_table("Requests awaiting a decision", listing, query,
                        ((("select", None),) if can_decide else ()) + (
                            ("request", "request"), ("subject", None),
                            ("identity", "identity"), ("profile", "profile"), ("from", None),
                            ("held since", None), ("held because", None)), rows)
    if can_decide:
        listed = tags.form(csrf_field(csrf), listed, tags.p(
            tags.button("Approve selected", type="submit", name="action", value="approve"),
            " ", tags.label("Reason for rejecting ", tags.input(name="reason",
                                                                maxlength="200")),
            " ", tags.button("Reject selected", type="submit", name="action",
                             value="reject")), method="post", action="/console/pending")
    body.append(listed)
    return layout("Pending requests", body, operator, csrf, "/console/pending")


def _request_link(item: Mapping[str, Any]) -> Tag:
    return tags.a(f"Request {item['id']}", href=f"/console/pending/{item['id']}")


class DecodedRequest(HeldRequest):
    """A held request with its stored CSR decoded, or why it cannot be."""

    decoded: DecodedCsr | None
    decode_error: NotRequired[str]


def pending_request_page(operator: Any, csrf: str, item: DecodedRequest, can_decide: bool,
                         error: str = "") -> Tag:
    """One held request: who asked, from where, why held, the decoded CSR, and (while
    it awaits a decision) approve and reject, or (once rejected) reopen."""
    rid = item["id"]
    body: list[Any] = [tags.p(tags.a("All pending requests", href="/console/pending"))]
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    body += [
        tags.p(f"Asked by {item['identity']} from {item.get('peer') or 'unknown address'}"
               f" under profile {item['label']} ({item['operation']}) at {when(item['at'])}."
               " Held because: "
               f"{item.get('held_reason') or 'the profile requires manual approval'}."
               f" Status: {item['status']}"
               + (f", by {item['decided_by']} at {when(item['decided_at'])}"
                  if item.get("decided_by") else "") + "."),
        _decoded(item.get("decoded"), item.get("decode_error", ""))]
    if can_decide and item["status"] == "pending":
        body.append(tags.form(
            csrf_field(csrf), tags.input(type="hidden", name="action", value="approve"),
            tags.button(f"Approve request {rid}", type="submit"),
            method="post", action=f"/console/pending/{rid}", class_="inline"))
        body.append(tags.form(
            csrf_field(csrf), tags.input(type="hidden", name="action", value="reject"),
            tags.label(f"Reason for rejecting request {rid} ",
                       tags.input(name="reason", required="required", maxlength="200")),
            tags.button(f"Reject request {rid}", type="submit"),
            method="post", action=f"/console/pending/{rid}", class_="inline"))
    if can_decide and item["status"] == "rejected":
        body.append(tags.form(
            csrf_field(csrf), tags.p("Reopening puts the request back to pending: the "
                                     "device's next retry is held again."),
            tags.button(f"Reopen request {rid}", type="submit"),
            method="post", action=f"/console/pending/{rid}/reopen"))
    return layout(f"Request {rid}: {item['subject'] or '(empty subject)'}", body, operator,
                  csrf, "/console/pending")


def filter_form(listing: Listing, query: Query) -> Tag:
    """The filters of a list (a <select> for a closed set), keeping its sort."""
    def control(f: Any) -> Tag:
        value = query.values.get(f.name, "")
        if f.kind == "choice":
            return tags.select(tags.option("(any)", value=""), *[
                tags.option(c, value=c, **({"selected": "selected"} if c == value else {}))
                for c in f.choices()], name=f.name)
        kind = "datetime-local" if f.kind in ("since", "until") else "text"
        return tags.input(name=f.name, value=value, type=kind)
    return tags.form(*[tags.label(f"{f.label} ", control(f)) for f in listing.filters],
                     *[tags.input(type="hidden", name=k, value=v) for k, v in listing.args],
                     tags.input(type="hidden", name="sort", value=query.sort),
                     tags.input(type="hidden", name="dir",
                                value="desc" if query.descending else "asc"),
                     tags.button("Search", type="submit"), method="get", action=listing.path,
                     role="search", **{"aria-label": f"Filter {listing.name}"})


def _query_link(listing: Listing, query: Query, **change: Any) -> str:
    return f"{listing.path}?{urlencode(query.link(**change))}"


def sort_header(listing: Listing, query: Query, text: str, sort: str | None) -> Tag:
    """A column header; a link that sorts by it (again: the other way) when it can."""
    if sort is None:
        return tags.th(text, scope="col")
    current = sort == query.sort
    descending = not query.descending if current else sort in ("when", "last", "first",
                                                                 "count", "request")
    label = f"{text} ({'descending' if query.descending else 'ascending'})" if current else text
    return tags.th(tags.a(label, href=_query_link(listing, query, sort=sort,
                                                  dir="desc" if descending else "asc")),
                   scope="col", **({"aria-sort": "descending" if query.descending
                                    else "ascending"} if current else {}))


def list_table(caption: str, listing: Listing, query: Query,
               headers: Sequence[tuple[str, str | None]], rows: Iterable[Sequence[Any]]) -> Tag:
    """A table whose sortable headers are links (`headers`: (text, sort name or None))."""
    body = [tags.tr(*[tags.td(cell) for cell in row]) for row in rows]
    if not body:
        body = [tags.tr(tags.td("none", colspan=str(len(headers))))]
    return tags.div(tags.table(tags.caption(caption), tags.thead(tags.tr(*[
        sort_header(listing, query, text, sort) for text, sort in headers])),
        tags.tbody(*body)), class_="scroll", tabindex="0", role="region",
        **{"aria-label": caption})


def keyset_pager(listing: Listing, query: Query, rows: Sequence[Mapping[str, Any]],
                 total: int, more: bool, cap: int) -> Tag:
    """The total (counted up to `cap`), First/Previous/Next links by cursor, exports."""
    column = listing.sorts[query.sort].rpartition(".")[2]
    key = listing.key.rpartition(".")[2]

    def edge(row: Mapping[str, Any]) -> str:
        return json.dumps([row[column], row[key]])
    backwards = query.before is not None
    links: list[Any] = []
    if query.after is not None or query.before is not None:
        links.append(tags.a("First page", href=_query_link(listing, query)))
    if rows and ((backwards and more) or query.after is not None):
        links.append(tags.a("Previous page", rel="prev",
                            href=_query_link(listing, query, before=edge(rows[0]))))
    if rows and ((not backwards and more) or backwards):
        links.append(tags.a("Next page", rel="next",
                            href=_query_link(listing, query, after=edge(rows[-1]))))
    exports = [tags.a(f"Export {fmt.upper()}", href=_query_link(listing, query, format=fmt))
               for fmt in ("csv", "json")]
    said = f"{total} or more" if total >= cap else str(total)
    return tags.nav(tags.p(f"{said} row(s) match; {len(rows)} on this page.",
                           *[part for a in links + exports for part in (" ", a)]),
                    **{"aria-label": "Pages"})


@frozen
class ListView:
    """How a list shows: title, caption, headers (text, sort name or None), cells."""

    title: str
    caption: str
    headers: tuple[tuple[str, str | None], ...]
    cells: Callable[[dict[str, Any]], Sequence[Any]]


LIST_VIEWS = {
    "enrollments": ListView(
        "Enrollments", "Enrollment records",
        (("when", "when"), ("identity", "identity"), ("profile", "profile"),
         ("subject", None), ("decision", "decision"), ("rule", None), ("serial", None),
         ("details", None)),
        lambda r: (when(r["at"]), r["identity"], r["label"], r["subject"], r["decision"],
                   r["rule"], r["serial"] or "",
                   tags.a(f"record {r['id']}", href=f"/console/enrollments/{r['id']}"))),
    "attempts": ListView(
        "Refused attempts",
        "Refused and failed device attempts, one row per hour and source",
        (("last", "last"), ("first", "first"), ("count", "count"), ("face", None),
         ("operation", None), ("profile", None), ("rule", "rule"), ("name", "name"),
         ("address", None), ("reason", None)),
        lambda r: (when(r["last_at"]), when(r["first_at"]), str(r["count"]), r["face"],
                   r["operation"], r["label"], r["rule"], r["name"], r["address"],
                   r["reason"])),
    "audit": ListView(
        "Audit log", "Audit events",
        (("when", "when"), ("kind", "kind"), ("who", "who"), ("detail", None)),
        lambda r: (when(r["at"]), r["kind"], r["identity"], r["detail"])),
}


def list_page(listing: Listing, query: Query, operator: Any, csrf: str,
              rows: Sequence[dict[str, Any]], pager: Any) -> Tag:
    """A list (enrollments, attempts, audit): filters, pager, sortable table."""
    view = LIST_VIEWS[listing.name]
    return layout(view.title, [filter_form(listing, query), pager, list_table(
        view.caption, listing, query, view.headers, [view.cells(r) for r in rows])],
        operator, csrf, listing.path)


def enrollment_page(operator: Any, csrf: str, rec: EnrollmentRow,
                    history: Sequence[EnrollmentRow], held: Sequence[PendingRow],
                    revoked: RevocationRow | None = None, can_revoke: bool = False,
                    notice: str = "", error: str = "") -> Tag:
    sans = ", ".join(rec["sans"])
    facts = [("When", when(rec["at"])), ("Identity", rec["identity"]),
             ("How proven", rec["method"]), ("From", rec["peer"]), ("Profile", rec["label"]),
             ("Operation", rec["operation"]), ("Subject", rec["subject"]),
             ("Subject alternative names", sans or "none"), ("Decision", rec["decision"]),
             ("Rule", rec["rule"]), ("Reason", rec["reason"] or ""),
             ("Serial", rec["serial"] or ""), ("Not after", when(rec["not_after"])),
             ("Key SHA-256", rec["key_sha256"])]
    if revoked is not None:
        facts.append(("Revocation", f"{revoked['outcome']} {when(revoked['at'])} by "
                                    f"{revoked['revoked_by']} ({revoked['reason']})"))
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    if notice:
        body.append(tags.p(notice, role="status"))
    body.append(tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v)) for k, v in facts]))
    if rec.get("certificate"):
        body.append(tags.p(tags.a("Download the certificate (PEM)",
                                  href=f"/console/enrollments/{rec['id']}.pem")))
    if can_revoke:
        body.append(tags.form(
            csrf_field(csrf),
            tags.label("Revocation reason ", tags.select(
                tags.option("Choose a reason", value=""),
                *[tags.option(name, value=name) for name in REVOCATION_REASONS], name="reason",
                required="required")),
            tags.button("Revoke this certificate", type="submit"), method="post",
            action=f"/console/enrollments/{rec['id']}/revoke"))
    body.append(tags.h2("History of this key for this identity"))
    body.append(table("Records", ("record", "when", "operation", "decision", "rule", "reason"),
                      [(tags.a(str(h["id"]), href=f"/console/enrollments/{h['id']}"),
                        when(h["at"]), h["operation"], h["decision"], h["rule"], h["reason"])
                       for h in history]))
    body.append(table("Held requests", ("request", "held at", "status", "decided by",
                                        "decided at", "reason"),
                      [(str(p["id"]), when(p["at"]), p["status"], p["decided_by"],
                        when(p["decided_at"]), p["reason"]) for p in held]))
    return layout(f"Enrollment record {rec['id']}", body, operator, csrf, "")


def codes_page(operator: Any, csrf: str, codes: Sequence[CodeRow], now: float,
               new: tuple[str, str, str] | None = None, can_issue: bool = False,
               error: str = "", pager: Any = "") -> Tag:
    """One page of the codes (newest first)."""
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    if new is not None:
        principal, code, recipe = new
        body.append(tags.section(
            tags.h2("New code"),
            tags.p(f"One-time code for {principal} (shown only now): ",
                   tags.code(code, class_="code", id="new-code")),
            tags.p("A device puts it in its CSR's challengePassword attribute. OpenSSL "
                   "adds that attribute only from a config file's attributes section, and "
                   "ignores it when -subj is given: put the subject in the file too."),
            tags.pre(tags.code(recipe), **{"aria-label": "CSR recipe"}),
            role="status"))
    if can_issue:
        body.append(tags.form(
            csrf_field(csrf),
            tags.label("Identity (e.g. basic:alice or code:printer-7) ",
                       tags.input(name="principal", required="required")),
            tags.label("Valid for (hours) ", tags.input(name="hours", type="number", min="1",
                                                        max="720", value="24")),
            tags.button("Issue a code", type="submit"), method="post",
            action="/console/codes"))

    def state(c: CodeRow) -> str:
        if c["revoked"]:
            return "revoked"
        if c["used_at"] is not None:
            return f"used {when(c['used_at'])} by {c['used_by']}"
        return "expired" if c["expires"] <= now else "unused"

    def revoke(c: CodeRow) -> Any:
        if not can_issue or state(c) != "unused":
            return ""
        return tags.form(csrf_field(csrf), tags.button(f"Revoke code {c['id']}", type="submit"),
                         method="post", action=f"/console/codes/{c['id']}/revoke",
                         class_="inline")
    body.append(table("One-time codes",
                      ("code", "identity", "created", "expires", "state", "action"),
                      [(str(c["id"]), c["identity"], when(c["created"]), when(c["expires"]),
                        state(c), revoke(c)) for c in codes]))
    body.append(pager)
    return layout("Enrollment codes", body, operator, csrf, "/console/codes")


class RenewalRow(CurrentCertificate):
    """A current certificate with its renewal window, as the renewals page lists it."""

    window: Window


def renewals_page(operator: Any, csrf: str, lists: Mapping[str, Sequence[RenewalRow]],
                  profiles: Sequence[str], can_advance: bool, error: str = "") -> Tag:
    """Devices overdue, due and never renewed, and (admin) the form that pulls renewal
    windows forward."""
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    if can_advance:
        body.append(tags.form(
            csrf_field(csrf),
            tags.label("Profile ", tags.select(*[tags.option(p, value=p) for p in profiles],
                                               name="profile")),
            tags.label("Only these serials (blank: every certificate issued until now) ",
                       tags.input(name="serials")),
            tags.label("Renew within (hours) ", tags.input(name="hours", type="number",
                                                           min="0", max="8760", value="0")),
            tags.label("Reason ", tags.input(name="reason", required="required")),
            tags.button("Pull renewal forward", type="submit"), method="post",
            action="/console/renewals"))
    headers = ("profile", "subject", "serial", "window", "expires", "renewals")
    for key, caption in (("overdue", "Overdue (past their window)"),
                         ("due", "Due (in their window)"), ("never", "Never renewed")):
        body.append(table(caption, headers, [
            (r["label"], r["subject"], r["serial"],
             f"{when(r['window'].start)} to {when(r['window'].end)}", when(r["not_after"]),
             str(r["renewals"])) for r in lists[key]]))
    return layout("Renewals", body, operator, csrf, "/console/renewals")


def users_page(operator: Any, csrf: str, names: Sequence[str],
               new: tuple[str, str | None] | None = None, error: str = "",
               pager: Any = "") -> Tag:
    """Device users (HTTP Basic, the htpasswd file): names only, never their hashes.

    `new` is (name, password) just set, the password only when generated."""
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    name, password = new or ("", None)
    if name and password is None:
        body.append(tags.p(f"The password of {name} is set.", role="status"))
    elif password is not None:
        body.append(tags.section(
            tags.h2("New password"),
            tags.p(f"Password for {name} (shown only now): ",
                   tags.code(password, class_="code", id="new-password")),
            role="status"))
    body.append(tags.form(
        csrf_field(csrf),
        tags.label("User name ", tags.input(name="name", required="required",
                                            autocomplete="off", maxlength="128")),
        tags.label("Password (empty: generate one) ",
                   tags.input(name="password", type="password", autocomplete="new-password",
                              maxlength="72")),
        tags.button("Add user or set password", type="submit"), method="post",
        action="/console/users"))

    def remove(name: str) -> Tag:
        return tags.form(csrf_field(csrf), tags.input(type="hidden", name="name", value=name),
                         tags.button(f"Remove user {name}", type="submit"),
                         method="post", action="/console/users/remove", class_="inline")
    body.append(table("HTTP Basic device users", ("user", "action"),
                      [(name, remove(name)) for name in names]))
    body.append(pager)
    return layout("Device users", body, operator, csrf, "/console/users")


def device_search_form(term: str = "") -> Tag:
    """The one search box: a name (CN, SAN, identity) or a serial in any form."""
    return tags.form(tags.label("Find a device (name, address, identity or serial) ",
                                tags.input(name="q", value=term, type="search",
                                           maxlength="256", required="required")),
                     tags.button("Find", type="submit"), method="get",
                     action="/console/devices", role="search",
                     **{"aria-label": "Devices"})


def device_search_page(operator: Any, csrf: str, term: str, rows: Sequence[EnrollmentRow],
                       shown: int) -> Tag:
    """The records found by a search, newest first, each leading to its device."""
    body: list[Any] = [device_search_form(term)]
    if term:
        body.append(tags.p(f"{len(rows)} record(s) found" + (
            f" (the newest {shown}; search for more of the name to narrow)"
            if len(rows) >= shown else "") + ".", role="status"))
        body.append(table("Records matching the search (newest first)",
                          ("device", "when", "identity", "subject", "names", "operation",
                           "decision", "serial"),
                          [(tags.a(f"Device of record {r['id']}",
                                   href=f"/console/devices/{r['id']}"), when(r["at"]),
                            r["identity"], r["subject"], ", ".join(r["sans"]), r["operation"],
                            r["decision"],
                            r["serial"] or "") for r in rows]))
    return layout("Devices", body, operator, csrf, "/console/devices")


def device_page(operator: Any, csrf: str, record_id: int, device: DeviceStory,
                states: Sequence[Any], facts: Sequence[tuple[str, str]]) -> Tag:
    """One device: its current certificate (state, details, downloads) and a timeline
    of every record, held request, decision and revocation, across its identities."""
    body: list[Any] = [device_search_form()]
    if states:
        current = states[-1]
        rec = current.record
        body += [tags.h2("Current certificate"),
                 tags.p(tags.strong(f"State: {current.text}"), class_=f"state-{current.state}"),
                 tags.div(tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v))
                                       for k, v in facts]), class_="scroll", tabindex="0",
                          role="region", **{"aria-label": "Certificate details"}),
                 tags.p(tags.a("Download the certificate (PEM)",
                               href=f"/console/enrollments/{rec['id']}.pem"), " | ",
                        tags.a("Download the certificate with its chain (PEM)",
                               href=f"/console/enrollments/{rec['id']}.chain.pem"))]
    else:
        body.append(tags.p("No certificate was issued to this device.", role="status"))
    body.append(table("Certificates issued to this device (oldest first)",
                      ("serial", "issued", "not after", "identity", "state", "record"),
                      [(s.record["serial"], when(s.record["at"]), when(s.record["not_after"]),
                        s.record["identity"], s.text,
                        tags.a(f"record {s.record['id']}",
                               href=f"/console/enrollments/{s.record['id']}"))
                       for s in states]))
    events: list[tuple[float, str, Any]] = []
    for r in device["records"]:
        what = f"{r['operation']}: {r['decision']}" + (f" ({r['rule']}: {r['reason']})"
                                                         if r["reason"] else "")
        events.append((float(r["at"]), r["identity"], tags.a(
            what, href=f"/console/enrollments/{r['id']}")))
    for p in device["held"]:
        events.append((float(p["at"]), p["identity"], tags.a(
            f"held for approval (request {p['id']})", href=f"/console/pending/{p['id']}")))
        if p["decided_at"] is not None:
            events.append((float(p["decided_at"]), p["decided_by"],
                           f"request {p['id']} {p['status']}" + (
                               f": {p['reason']}" if p["reason"] else "")))
    for v in device["revoked"]:
        events.append((float(v["at"]), v["revoked_by"],
                       f"revocation of {v['serial']} ({v['reason']}): {v['outcome']}"))
    body.append(table("Timeline (oldest first)", ("when", "who", "what"),
                      [(when(at), who, what) for at, who, what in sorted(
                          events, key=lambda e: e[0])]))
    return layout(f"Device of record {record_id}", body, operator, csrf, "/console/devices")
