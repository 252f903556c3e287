"""The console's HTML, server-rendered with twisted.web.template (escaped by construction).

No script anywhere: every action is a plain form, so the console works
without JavaScript and under `Content-Security-Policy: default-src 'self'`.
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode
from typing import Any, Callable, Iterable, Mapping, Sequence

from attrs import frozen

from twisted.web.template import Tag, flattenString, tags

from estra.console.csr import DecodedCsr
from estra.console.operators import allows
from estra.wire import REVOCATION_REASONS

__all__ = ["render", "layout", "login_page", "dashboard", "pending_page", "search_page",
           "enrollment_page", "codes_page", "pending_request_page", "users_page",
           "message_page", "CSS", "OUTCOMES", "ENROLLMENTS",
           "AUDIT", "ATTEMPTS", "pager"]

OUTCOMES = ("issued", "rejected", "held", "failed")
COLOURS = {"issued": "#1b6e20", "rejected": "#b00020", "held": "#8a5a00", "failed": "#4a4a4a"}
#: (name, path, least role that sees it)
NAV = (("Dashboard", "/console/", "viewer"), ("Pending", "/console/pending", "viewer"),
       ("Enrollments", "/console/enrollments", "viewer"), ("Codes", "/console/codes", "viewer"),
       ("Attempts", "/console/attempts", "viewer"), ("Users", "/console/users", "admin"), ("Audit log", "/console/audit", "viewer"))

CSS = b"""
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.4}
header{background:#123;color:#fff;padding:.5em 1em;display:flex;gap:1em;align-items:center;
flex-wrap:wrap}
header a{color:#fff}
nav ul{list-style:none;display:flex;gap:1em;margin:0;padding:0}
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
                                     Tag("main")(tags.h1(title), *body)), lang="en")


def message_page(title: str, text: str, operator: Any = None, csrf: str = "") -> Tag:
    return layout(title, [tags.p(text)], operator, csrf)


def login_page(error: str = "", cert_login: bool = False) -> Tag:
    body: list[Any] = []
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    body.append(tags.form(
        tags.p(tags.label("Operator name ", tags.input(name="user", autocomplete="username",
                                                        required="required"))),
        tags.p(tags.label("Password ", tags.input(name="password", type="password",
                                                   autocomplete="current-password",
                                                   required="required"))),
        tags.p(tags.button("Log in", type="submit")), method="post", action="/console/login"))
    if cert_login:
        body.append(tags.form(tags.input(type="hidden", name="method", value="certificate"),
                              tags.button("Log in with my client certificate", type="submit"),
                              method="post", action="/console/login"))
    return layout("Log in", body)


def table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Tag:
    body = [tags.tr(*[tags.td(cell) for cell in row]) for row in rows]
    if not body:
        body = [tags.tr(tags.td("none", colspan=str(len(headers))))]
    return tags.table(tags.caption(caption),
                      tags.thead(tags.tr(*[tags.th(h, scope="col") for h in headers])),
                      tags.tbody(*body))


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
                "height": f"{size:.1f}", "fill": COLOURS[outcome]})(
                    Tag("title")(f"{when(start + h * 3600)[11:16]}: {n} {outcome}")))
        if h % 3 == 0:
            shapes.append(Tag("text", attributes={"x": str(40 + h * 30), "y": str(height - 12),
                                                  "font-size": "11"})(
                when(start + h * 3600)[11:16]))
    shapes.append(Tag("text", attributes={"x": "0", "y": str(top), "font-size": "11"})(
        str(peak)))
    shapes.append(Tag("line", attributes={"x1": "38", "y1": str(height - 30),
                                          "x2": str(width), "y2": str(height - 30),
                                          "stroke": "#333"}))
    total = {o: sum(counts.get((h, o), 0) for h in range(24)) for o in OUTCOMES}
    label = "Enrollments per hour, last 24 hours: " + ", ".join(
        f"{total[o]} {o}" for o in OUTCOMES)
    svg = Tag("svg", attributes={"xmlns": "http://www.w3.org/2000/svg", "role": "img",
                                 "aria-label": label, "width": str(width),
                                 "height": str(height),
                                 "viewBox": f"0 0 {width} {height}"})(*shapes)
    legend = tags.ul(*[tags.li(Tag("svg", attributes={"width": "12", "height": "12",
                                                      "aria-hidden": "true"})(
        Tag("rect", attributes={"width": "12", "height": "12", "fill": COLOURS[o]})),
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
               for h in health]) if health else tags.p("Not probed yet.")], operator, csrf, "/console/")


def _decoded(d: DecodedCsr | None, error: str) -> Tag:
    if d is None:
        return tags.p(f"The stored request cannot be decoded: {error}", class_="error")
    rows = [("Subject", d.subject), ("Subject alternative names", ", ".join(d.sans) or "none"),
            ("Key", d.key), ("Signature", d.signature),
            ("Extensions requested", "; ".join(d.extensions) or "none"),
            ("challengePassword", "present" if d.has_challenge_password else "absent")]
    return tags.table(*[tags.tr(tags.th(k, scope="row"), tags.td(v)) for k, v in rows])


def pending_page(operator: Any, csrf: str, items: Sequence[dict[str, Any]],
                 can_decide: bool, notice: str = "", pager: Any = "",
                 processed: bool = False) -> Tag:
    """The held requests as a compact table, selectable for a bulk decision (or, with
    `processed`, the decided ones: who decided, when, why); each links to its page."""
    views = tags.p(tags.a("Awaiting a decision", href="/console/pending",
                          **({} if processed else {"aria-current": "page"})), " | ",
                   tags.a("Processed", href="/console/pending?view=processed",
                          **({"aria-current": "page"} if processed else {})))
    body: list[Any] = [views, pager]
    if notice:
        body.append(tags.p(notice, role="status"))
    if processed:
        body.append(table("Decided requests (newest first)",
                          ("request", "subject", "identity", "profile", "status",
                           "decided by", "decided at", "reason"),
                          [(_request_link(i), i["subject"], i["identity"], i["label"],
                            i["status"], i["decided_by"], when(i["decided_at"]), i["reason"])
                           for i in items]))
        return layout("Processed requests", body, operator, csrf, "/console/pending")
    if not items:
        body.append(tags.p("No request awaits a decision."))
        return layout("Pending requests", body, operator, csrf, "/console/pending")
    rows = [((tags.input(type="checkbox", name="id", value=str(i["id"]),
                         **{"aria-label": f"Select request {i['id']}"}),) if can_decide
             else ()) + (_request_link(i), i["subject"] or "(empty subject)", i["identity"],
                         i["label"], i.get("peer") or "unknown", when(i["at"]),
                         i.get("held_reason") or "manual approval") for i in items]
    listing = table("Requests awaiting a decision (oldest first)",
                    (("select",) if can_decide else ()) + (
                        "request", "subject", "identity", "profile", "from", "held since",
                        "held because"), rows)
    if can_decide:
        listing = tags.form(csrf_field(csrf), listing, tags.p(
            tags.button("Approve selected", type="submit", name="action", value="approve"),
            " ", tags.label("Reason for rejecting ", tags.input(name="reason",
                                                                maxlength="200")),
            " ", tags.button("Reject selected", type="submit", name="action",
                             value="reject")), method="post", action="/console/pending")
    body.append(listing)
    return layout("Pending requests", body, operator, csrf, "/console/pending")


def _request_link(item: Mapping[str, Any]) -> Tag:
    return tags.a(f"Request {item['id']}", href=f"/console/pending/{item['id']}")


def pending_request_page(operator: Any, csrf: str, item: dict[str, Any], can_decide: bool,
                         error: str = "") -> Tag:
    """One held request: who asked, from where, why held, the decoded CSR, and (while
    it awaits a decision) approve and reject."""
    rid = item["id"]
    body: list[Any] = [tags.p(tags.a("All pending requests", href="/console/pending"))]
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    body += [
        tags.p(f"Asked by {item['identity']} from {item.get('peer') or 'unknown address'}"
               f" under profile {item['label']} ({item['operation']}) at {when(item['at'])}."
               f" Held because: {item.get('held_reason') or 'the profile requires manual approval'}."
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
    return layout(f"Request {rid}: {item['subject'] or '(empty subject)'}", body, operator,
                  csrf, "/console/pending")


def _filter_form(action: str, fields: Sequence[tuple[str, str, str]],
                 values: Mapping[str, str]) -> Tag:
    return tags.form(*[tags.label(f"{text} ", tags.input(name=name, value=values.get(name, ""),
                                                         type=kind))
                       for name, text, kind in fields],
                     tags.button("Search", type="submit"), method="get", action=action,
                     role="search")


@frozen
class Search:
    """A search page: its filters (name, label, input type) and how a row shows."""

    title: str
    path: str
    filters: tuple[tuple[str, str, str], ...]
    caption: str
    headers: tuple[str, ...]
    cells: Callable[[dict[str, Any]], Sequence[Any]]
    at: str = "at"             # the column the time range filters


ENROLLMENTS = Search(
    "Enrollments", "/console/enrollments",
    (("identity", "Identity", "text"), ("subject", "Subject contains", "text"),
     ("serial", "Serial (hex)", "text"), ("decision", "Decision", "text"),
     ("rule", "Rule", "text"), ("label", "Profile", "text"),
     ("since", "From (UTC)", "datetime-local"), ("until", "Until (UTC)", "datetime-local")),
    "Enrollment records (newest first)",
    ("when", "identity", "profile", "subject", "decision", "rule", "serial", "details"),
    lambda r: (when(r["at"]), r["identity"], r["label"], r["subject"], r["decision"],
               r["rule"], r["serial"] or "",
               tags.a(f"record {r['id']}", href=f"/console/enrollments/{r['id']}")))

ATTEMPTS = Search(
    "Refused attempts", "/console/attempts",
    (("name", "Name contains", "text"), ("rule", "Rule", "text"),
     ("label", "Profile", "text"), ("address", "Address", "text"),
     ("since", "From (UTC)", "datetime-local"), ("until", "Until (UTC)", "datetime-local")),
    "Refused and failed device attempts, one row per hour and source (newest first)",
    ("last", "first", "count", "face", "operation", "profile", "rule", "name", "address",
     "reason"),
    lambda r: (when(r["last_at"]), when(r["first_at"]), str(r["count"]), r["face"],
               r["operation"], r["label"], r["rule"], r["name"], r["address"], r["reason"]),
    "last_at")

AUDIT = Search(
    "Audit log", "/console/audit",
    (("kind", "Kind", "text"), ("identity", "Who", "text"),
     ("text", "Detail contains", "text"), ("since", "From (UTC)", "datetime-local"),
     ("until", "Until (UTC)", "datetime-local")),
    "Audit events (newest first)", ("when", "kind", "who", "detail"),
    lambda r: (when(r["at"]), r["kind"], r["identity"], r["detail"]))


def search_page(search: Search, operator: Any, csrf: str, values: Mapping[str, str],
                rows: Sequence[dict[str, Any]], error: str = "", pager: Any = "") -> Tag:
    body: list[Any] = [_filter_form(search.path, search.filters, values), pager]
    if error:
        body.append(tags.p(error, class_="error", role="alert"))
    body.append(table(search.caption, search.headers, [search.cells(r) for r in rows]))
    return layout(search.title, body, operator, csrf, search.path)


def enrollment_page(operator: Any, csrf: str, rec: dict[str, Any],
                    history: Sequence[dict[str, Any]], held: Sequence[dict[str, Any]],
                    revoked: dict[str, Any] | None = None, can_revoke: bool = False,
                    notice: str = "", error: str = "") -> Tag:
    sans = ", ".join(json.loads(rec["sans"] or "[]"))
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
                *[tags.option(name, value=name) for name in REVOCATION_REASONS], name="reason")),
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


def codes_page(operator: Any, csrf: str, codes: Sequence[dict[str, Any]], now: float,
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

    def state(c: dict[str, Any]) -> str:
        if c["revoked"]:
            return "revoked"
        if c["used_at"] is not None:
            return f"used {when(c['used_at'])} by {c['used_by']}"
        return "expired" if c["expires"] <= now else "unused"

    def revoke(c: dict[str, Any]) -> Any:
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
