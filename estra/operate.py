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
from typing import Any, Sequence

from estra.auth import parse_principal
from estra.config import Settings
from estra.store import Store, migrate_blocking, open_store

__all__ = ["add_parsers", "run", "parse_duration"]

_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
COMMANDS = ("pending", "approve", "reject", "codes", "enrollments")


def parse_duration(text: str) -> int:
    """"90", "15m", "1h", "7d" -> seconds."""
    m = _DURATION.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 15m, 1h or 7d")
    return int(m.group(1)) * _UNIT[m.group(2)]


def add_parsers(commands: Any) -> None:
    """Register the operator sub-commands on the `estra` parser."""
    pending = commands.add_parser("pending", help="requests held for manual approval")
    pending.add_argument("action", choices=["list"])
    pending.add_argument("--all", action="store_true", help="also decided ones")
    approve = commands.add_parser("approve", help="approve a held request")
    approve.add_argument("id", type=int)
    reject = commands.add_parser("reject", help="reject a held request")
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True, help="told to the device (403)")
    for cmd in (approve, reject):
        cmd.add_argument("--by", default="operator", help="who decided (audit)")
    codes = commands.add_parser("codes", help="one-time enrollment codes")
    codes.add_argument("action", choices=["issue", "revoke", "list"])
    codes.add_argument("--identity", help="the whole identity the code is for (issue): "
                       "basic:USER, bootstrap:ANCHOR:CN, issued:PROFILE:CN, or code:NAME "
                       "for a SCEP device")
    codes.add_argument("--ttl", type=parse_duration, default=3600, help="e.g. 1h (issue)")
    codes.add_argument("--id", type=int, help="code id (revoke)")
    enrollments = commands.add_parser("enrollments", help="enrollment records")
    enrollments.add_argument("action", choices=["list"])
    enrollments.add_argument("--identity")
    enrollments.add_argument("--decision", choices=["issued", "rejected", "held", "failed"])
    enrollments.add_argument("--label")
    enrollments.add_argument("--since", type=parse_duration, help="e.g. 24h")
    enrollments.add_argument("--limit", type=int, default=50)
    for cmd in (pending, approve, reject, codes, enrollments):
        cmd.add_argument("--json", action="store_true", help="machine-readable output")


def _when(value: Any) -> str:
    if value is None:
        return "-"
    return datetime.datetime.fromtimestamp(float(value), datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S")


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    cells = [[title for _, title in columns]]
    for row in rows:
        cells.append([_when(row.get(key)) if key in ("at", "created", "expires", "used_at",
                                                      "decided_at")
                      else str(row.get(key) if row.get(key) is not None else "-")
                      for key, _ in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in cells)


def _show(args: argparse.Namespace, rows: list[dict[str, Any]],
          columns: Sequence[tuple[str, str]]) -> None:
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        print(_table(rows, columns) if rows else "(none)")


async def _work(store: Store, args: argparse.Namespace) -> int:
    if args.command == "pending":
        rows = await store.pending(None if args.all else "pending")
        _show(args, rows, [("id", "ID"), ("at", "RECEIVED (UTC)"), ("label", "PROFILE"),
                           ("identity", "IDENTITY"), ("subject", "SUBJECT"), ("sans", "SANS"),
                           ("status", "STATUS"), ("reason", "REASON")])
        return 0
    if args.command in ("approve", "reject"):
        ok = await store.decide(args.id, args.command == "approve",
                                getattr(args, "reason", "") or "", args.by)
        word = "approved" if args.command == "approve" else "rejected"
        if not ok:
            print(f"estra: request {args.id} is not pending", file=sys.stderr)
            return 1
        print(json.dumps({"id": args.id, "status": word}) if args.json
              else f"request {args.id} {word}")
        return 0
    if args.command == "codes":
        if args.action == "issue":
            if not args.identity:
                print("estra: codes issue needs --identity", file=sys.stderr)
                return 2
            try:
                parse_principal(args.identity)
            except ValueError as e:
                print(f"estra: codes issue --identity: {e}", file=sys.stderr)
                return 2
            code_id, code = await store.issue_code(args.identity, args.ttl)
            print(json.dumps({"id": code_id, "identity": args.identity, "code": code,
                              "ttl": args.ttl}) if args.json else
                  f"code {code_id} for {args.identity} (valid {args.ttl} s, shown only "
                  f"now):\n{code}")
            return 0
        if args.action == "revoke":
            if args.id is None or not await store.revoke_code(args.id):
                print("estra: no unused code with that --id", file=sys.stderr)
                return 1
            print(f"code {args.id} revoked")
            return 0
        _show(args, await store.codes(), [("id", "ID"), ("identity", "IDENTITY"),
                                          ("created", "CREATED"), ("expires", "EXPIRES"),
                                          ("used_at", "USED"), ("used_by", "USED BY"),
                                          ("revoked", "REVOKED")])
        return 0
    since = store.clock() - args.since if args.since else None
    rows = await store.enrollments(args.identity, args.decision, args.label, since, args.limit)
    _show(args, rows, [("id", "ID"), ("at", "AT (UTC)"), ("label", "PROFILE"),
                       ("operation", "OPERATION"), ("identity", "IDENTITY"),
                       ("subject", "SUBJECT"), ("decision", "DECISION"), ("rule", "RULE"),
                       ("serial", "SERIAL")])
    return 0


def run(settings: Settings, args: argparse.Namespace, react: Any) -> int:
    """Run one operator command against the configured store."""
    import time
    store = open_store(settings.store_url, settings.state_dir, time.time)
    migrate_blocking(store)

    async def work(reactor: Any) -> int:
        store.pool.start()
        try:
            return await _work(store, args)
        finally:
            store.pool.close()
    code: int = react(work)
    return code
