"""Operator commands on the store: pending approvals, one-time codes, enrollments.

They open the same store as the running RA (SQLite file or PostgreSQL), so an
approval made here is what the next device retry sees.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from typing import Any, Mapping, Sequence

from estra.interfaces import IEstraReactor
from estra.config import Settings
from estra.principals import parse_principal
from estra.store.database import NoStore, Store, StoreVersionError, open_store, require_current
from estra.asn1.wire import normalise_serial

__all__ = ["add_parsers", "run", "parse_duration", "emit", "fail"]

_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
COMMANDS = ("pending", "approve", "reject", "reopen", "codes", "enrollments", "renewal")
#: The statuses a held request may have for each decision (`Store.decide`, estra/store/pending.py).
_FROM = {"approve": "pending or rejected", "reject": "pending", "reopen": "rejected"}


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """A command's result: `data` as JSON with --json, else `text`."""
    print(json.dumps(data, indent=2, default=str) if getattr(args, "json", False) else text)


def fail(args: argparse.Namespace, message: str, code: int = 1, **fields: Any) -> int:
    """One line on standard error (and {"error": ...} on standard output with --json);
    returns the exit code."""
    print(f"estra: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps({"error": message, **fields}, default=str))
    return code


def _serial(text: str) -> str:
    try:
        return normalise_serial(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def parse_duration(text: str) -> int:
    """"90", "15m", "1h", "7d" -> seconds."""
    m = _DURATION.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 15m, 1h or 7d")
    return int(m.group(1)) * _UNIT[m.group(2)]


def add_parsers(commands: Any) -> None:
    """Register the operator sub-commands on the `estra` parser."""
    pending = commands.add_parser("pending", help="requests held for manual approval")
    listing = pending.add_subparsers(dest="action", required=True).add_parser(
        "list", help="the held requests (--all: also decided ones)")
    listing.add_argument("--all", action="store_true", help="also decided ones")
    approve = commands.add_parser("approve", help="approve a held request")
    approve.add_argument("id", type=int)
    reject = commands.add_parser("reject", help="reject a held request")
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True, help="told to the device (403)")
    reopen = commands.add_parser("reopen", help="put a rejected request back to pending")
    reopen.add_argument("id", type=int)
    for cmd in (approve, reject, reopen):
        cmd.add_argument("--by", default="operator", help="who decided (audit)")
    codes = commands.add_parser("codes", help="one-time enrollment codes").add_subparsers(
        dest="action", required=True)
    issue = codes.add_parser("issue", help="issue a code (shown once) for one identity")
    issue.add_argument("--identity", required=True, help="the whole identity the code is "
                       "for: basic:USER, bootstrap:ANCHOR:CN, issued:PROFILE:CN, or "
                       "code:NAME for a SCEP device")
    issue.add_argument("--ttl", type=parse_duration, default=3600, help="e.g. 1h (default 1h)")
    revoke = codes.add_parser("revoke", help="revoke an unused code")
    revoke.add_argument("id", type=int, nargs="?", help="code id (from codes list)")
    revoke.add_argument("--id", type=int, dest="id_option", help=argparse.SUPPRESS)  # old spelling
    codes.add_parser("list", help="every code: identity, expiry, use (never the code)")
    enrollments = commands.add_parser("enrollments", help="enrollment records")
    search = enrollments.add_subparsers(dest="action", required=True).add_parser(
        "list", help="the newest records, filtered")
    search.add_argument("--identity", help="a principal, e.g. basic:alice")
    search.add_argument("--decision",
                        choices=["issued", "resent", "rejected", "held", "failed"])
    search.add_argument("--profile", "--label", dest="label",
                        help="the profile (CA label) enrolled under")
    search.add_argument("--since", type=parse_duration, help="e.g. 24h")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--serial", type=_serial,
                        help="certificate serial (hex, any case, colons allowed)")
    advance = commands.add_parser("renewal", help="server-steered renewal windows").add_subparsers(
        dest="action", required=True).add_parser(
        "advance", help="pull renewal windows forward: every certificate of a profile "
                        "issued until now, or the given serials (renewal-info)")
    advance.add_argument("--profile", required=True, help="the profile (CA label)")
    advance.add_argument("--serial", type=_serial, action="append", default=[],
                         help="only this certificate (repeat for more)")
    advance.add_argument("--within", type=parse_duration, default=0,
                         help="renew within this long from now, e.g. 7d (default: now)")
    advance.add_argument("--reason", required=True, help="why (audit), e.g. CA rollover")
    advance.add_argument("--by", default="operator", help="who (audit)")


def _when(value: Any) -> str:
    if value is None:
        return "-"
    return datetime.datetime.fromtimestamp(float(value), datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S")


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    cells = [[title for _, title in columns]]
    for row in rows:
        cells.append([_when(row.get(key)) if key in ("at", "created", "expires", "used_at",
                                                      "decided_at")
                      else _cell(row.get(key)) for key, _ in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in cells)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) or "-"
    return "-" if value is None or value == "" else str(value)


def _show(args: argparse.Namespace, rows: Sequence[Mapping[str, Any]],
          columns: Sequence[tuple[str, str]]) -> None:
    emit(args, rows, _table(rows, columns) if rows else "(none)")


async def _work(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "renewal":
        if args.profile not in settings.profiles:
            return fail(args, f"no profile {args.profile!r} in {settings.source}", 2)
        due = store.clock() + args.within
        count = await store.advance_renewal(args.profile, args.serial, due, args.reason,
                                            args.by)
        what = ", ".join(args.serial) or "every certificate issued until now"
        emit(args, {"profile": args.profile, "serials": args.serial, "due": due,
                    "recorded": count},
             f"profile {args.profile}: {what} to be renewed by {_when(due)} UTC")
        return 0
    if args.command == "pending":
        rows = await store.pending(None if args.all else "pending")
        _show(args, rows, [("id", "ID"), ("at", "RECEIVED (UTC)"), ("label", "PROFILE"),
                           ("identity", "IDENTITY"), ("subject", "SUBJECT"), ("sans", "SANS"),
                           ("status", "STATUS"), ("reason", "REASON")])
        return 0
    if args.command in ("approve", "reject", "reopen"):
        if args.command == "reopen":
            word, previous = "pending", await store.reopen(args.id, args.by)
        else:
            word = "approved" if args.command == "approve" else "rejected"
            previous = await store.decide(args.id, args.command == "approve",
                                          getattr(args, "reason", "") or "", args.by)
        if previous is None:
            return fail(args, f"request {args.id} is not {_FROM[args.command]}")
        emit(args, {"id": args.id, "status": word, "previous": previous, "by": args.by},
             f"request {args.id} {word} (was {previous})")
        return 0
    if args.command == "codes":
        if args.action == "issue":
            try:
                parse_principal(args.identity)
            except ValueError as e:
                return fail(args, f"codes issue --identity: {e}", 2)
            code_id, code = await store.issue_code(args.identity, args.ttl)
            emit(args, {"id": code_id, "identity": args.identity, "code": code,
                        "ttl": args.ttl},
                 f"code {code_id} for {args.identity} (valid {args.ttl} s, shown only "
                 f"now):\n{code}")
            return 0
        if args.action == "revoke":
            code_id = args.id if args.id is not None else args.id_option
            if code_id is None:
                return fail(args, "codes revoke needs the code's ID", 2)
            if not await store.revoke_code(code_id):
                return fail(args, f"no unused code {code_id}")
            emit(args, {"id": code_id, "revoked": True}, f"code {code_id} revoked")
            return 0
        _show(args, await store.codes(), [("id", "ID"), ("identity", "IDENTITY"),
                                          ("created", "CREATED"), ("expires", "EXPIRES"),
                                          ("used_at", "USED"), ("used_by", "USED BY"),
                                          ("revoked", "REVOKED")])
        return 0
    since = store.clock() - args.since if args.since else None
    records = await store.enrollments(args.identity, args.decision, args.label, since,
                                      args.limit, args.serial)
    _show(args, records, [("id", "ID"), ("at", "AT (UTC)"), ("label", "PROFILE"),
                          ("operation", "OPERATION"), ("identity", "IDENTITY"),
                          ("subject", "SUBJECT"), ("decision", "DECISION"), ("rule", "RULE"),
                          ("serial", "SERIAL"), ("reason", "REASON")])
    return 0


def run(settings: Settings, args: argparse.Namespace, react: Any) -> int:
    """Run one operator command against the configured store; never creates one."""
    import time
    try:
        store = open_store(settings.store_url, settings.state_dir, time.time, create=False)
        require_current(store)              # read-only and decisions alike never migrate
    except (NoStore, StoreVersionError) as e:
        return fail(args, str(e), 2)

    async def work(reactor: IEstraReactor) -> int:
        store.pool.start()
        try:
            return await _work(store, args, settings)
        finally:
            store.pool.close()
    code: int = react(work)
    return code
