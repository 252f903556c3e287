"""The `estra` command: operator tasks that do not need the running server."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from twisted.python.filepath import FilePath

from typing import Any, Awaitable, Callable, NoReturn

from twisted.internet.defer import Deferred

from estra import __version__
from estra.cli import ca as ca_command, operate
from estra.ca import revocation, rollover
from estra.asn1 import wire
from estra.upstream.client import EstClient, ServerAnswer
from estra.config import CONSOLE_ROLES, ConfigError, ConsoleSettings, Settings, load_settings
from estra.console.operators import end_sessions, set_role
from estra.errors import EstError
from estra.cli.operate import emit, fail
from estra.web.tls import load_pem_certs
from estra.upstream import build_upstream, health
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from estra.ca.local import LocalCA, generate_key
from estra.cli.backup import BackupError, backup, restore
from estra.store.files import write_private, write_public
from estra.ra.htpasswd import check_user, new_password, remove_user, set_user, user_names
from estra.web.listeners import StartupError
from estra.runtime.service import check_config
from estra.store.database import (NoStore, StoreVersionError, migrate_blocking, open_store,
                                  schema_version)
from estra.store.upgrade import Legacy, Unmappable
from estra.runtime.state import StateError, init_command, os_reason, require_ca
from estra.interfaces import IClosable, IEstraReactor
from estra.principals import parse_principal

__all__ = ["main", "HELD"]

#: Exit status of `estra enroll` when the server still holds the request (202).
HELD = 3


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors `main` reports (one line, and JSON with --json)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.format_usage().rstrip()}\n{self.prog}: error: {message}",
                          f"{self.prog}: {message}")


class _UsageError(Exception):
    """A command line argparse refused: (usage and message, the message alone)."""


#: Options every sub-command takes too (`estra init -c FILE` as `estra -c FILE init`).
_GLOBAL: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--config", "-c"), {"help": "TOML configuration file (the server's)"}),
    (("--state-dir", "-d"), {"help": "state directory (default: the config's "
                                     "server.state_dir, else ./estra-state)"}),
    (("--json",), {"action": "store_true", "help": "machine-readable output"}),
]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="estra", description="estra EST RA tools")
    parser.add_argument("--version", action="version", version=f"estra {__version__}")
    for flags, options in _GLOBAL:
        parser.add_argument(*flags, **options)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create the state directory (CA, TLS certificate, "
                        "htpasswd with the bootstrap user, shown once) and the store")
    commands.add_parser("check-config", help="validate the configuration as start-up and "
                        "SIGHUP would (files, TLS pair, profiles, upstream CAs); exit 1 and "
                        "one line if it would be refused")
    backup = commands.add_parser("backup", help="copy the state directory and the store "
                                 "(consistently, while estra runs) into a new directory")
    backup.add_argument("dir", help="the backup directory (new or empty)")
    restore = commands.add_parser("restore", help="put back the state directory and the "
                                  "store from a backup (estra stopped)")
    restore.add_argument("dir", help="a directory made by estra backup")
    user = commands.add_parser("user", help="HTTP Basic users (htpasswd)")
    user_cmds = user.add_subparsers(dest="action", required=True)
    add = user_cmds.add_parser("add", help="add a user or change their password")
    add.add_argument("name")
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    how.add_argument("--generate", action="store_true",
                     help="generate a password and print it once")
    user_cmds.add_parser("list", help="the user names (never their hashes)")
    user_cmds.add_parser("remove", help="remove a user").add_argument("name")
    operate.add_parsers(commands)
    revocation.add_parser(commands)
    rollover.add_parser(commands)
    operator = commands.add_parser("operator", help="console operators ([console] operators)")
    op_add = operator.add_subparsers(dest="action", required=True).add_parser(
        "add", help="add an operator or change their password and role")
    op_add.add_argument("name")
    op_add.add_argument("--role", required=True, choices=CONSOLE_ROLES)
    op_how = op_add.add_mutually_exclusive_group()
    op_how.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    op_how.add_argument("--generate", action="store_true",
                        help="generate a password and print it once")
    migrate = commands.add_parser(
        "migrate", help="bring the store to this release's schema (back it up first); "
        "only this command and the server's start-up migrate")
    migrate.add_argument("--principal", action="append", default=[], metavar="NAME=PRINCIPAL",
                         help="the principal an old identity NAME is, where the store alone "
                         "cannot tell (the migration says so); repeatable")
    commands.add_parser("health", help="check that every configured CA answers")
    ra = commands.add_parser(
        "ra-cert", help="issue an RA certificate (clientAuth + id-kp-cmcRA) from the "
        "embedded CA, for a downstream estra to use against this one")
    ra.add_argument("name", help="the RA's common name")
    ra.add_argument("--out", required=True, help="directory for ra.pem and ra.key")
    ra.add_argument("--days", type=int, default=825)
    for name, text in (("cacerts", "fetch the CA certificates of an EST server"),
                       ("enroll", "enroll (or re-enroll) with an EST server")):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("--url", required=True, help="https://host:port of the EST server")
        cmd.add_argument("--profile", "--label", dest="label", default="",
                         help="the profile (CA label) on the server")
        cmd.add_argument("--cacert", help="PEM anchors for the server's TLS certificate")
        cmd.add_argument("--out", "-o", required=True, help="PEM file to write")
        cmd.add_argument("--timeout", type=float, default=30)
        if name == "enroll":
            cmd.add_argument("--csr", required=True, help="PKCS#10 request (PEM, DER or base64)")
            cmd.add_argument("--user", help="HTTP Basic user; the password is prompted for "
                             "on a terminal, else read from standard input")
            cmd.add_argument("--password-stdin", action="store_true",
                             help="read the password from standard input, even on a terminal")
            cmd.add_argument("--cert", help="client certificate (PEM) for TLS")
            cmd.add_argument("--key", help="its private key (PEM)")
            cmd.add_argument("--reenroll", action="store_true", help="use simplereenroll")
            cmd.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                             help="while the server holds the request (202), retry as its "
                             f"Retry-After says for up to SECONDS (default 0: exit {HELD})")
    _globals_everywhere(parser)
    return parser


def _globals_everywhere(parser: argparse.ArgumentParser) -> None:
    """The global options after any sub-command too; SUPPRESS keeps `estra -c F CMD`."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                for flags, options in _GLOBAL:
                    if flags[0] not in sub._option_string_actions:
                        sub.add_argument(*flags, **{**options, "default": argparse.SUPPRESS})
                _globals_everywhere(sub)


def _est_command(args: argparse.Namespace) -> int:
    """`estra cacerts` / `estra enroll`: the EST client of estra/upstream/client.py, speaking for a
    device: the server's own status and reason are relayed; a 202 is polled up to --wait."""
    basic = None
    if getattr(args, "user", None):
        basic = (args.user, _device_password(args))

    async def run(reactor: IEstraReactor) -> int:
        try:
            trust = load_pem_certs(FilePath(args.cacert)) if args.cacert else None
            client_cert = None
            if getattr(args, "cert", None):
                key = serialization.load_pem_private_key(FilePath(args.key).getContent(), None)
                client_cert = (load_pem_certs(FilePath(args.cert))[0], key)
            csr = wire.decode_body(FilePath(args.csr).getContent(), "CSR") \
                if args.command == "enroll" else b""
        except OSError as e:
            return fail(args, f"{e.filename}: {e.strerror}", 2)
        except (ValueError, TypeError, EstError) as e:
            return fail(args, f"unreadable certificate, key or CSR: {e}", 2)
        http = UpstreamHTTP(reactor, "cli", args.url, ClientTLSPolicy(trust, client_cert),
                            timeout=args.timeout, retry_after=0)
        client = EstClient(http, args.url, args.label, basic, relay=True)
        try:
            if args.command == "cacerts":
                certs = await client.cacerts()
            else:
                certs = await _enroll_waiting(reactor, client, csr, args)
        except ServerAnswer as e:
            return fail(args, str(e), HELD if e.status == 202 else 1, status=e.status,
                        reason=e.reason, retry_after=e.retry_after)
        except EstError as e:   # no answer (or no readable one): said as the device sees it
            return fail(args, e.reason.replace(f"upstream {args.url}", args.url, 1), 1)
        finally:
            await http.close()
        write_public(FilePath(args.out), b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in certs))
        emit(args, {"out": args.out, "certificates": len(certs),
                    "serials": [wire.serial_hex(c.serial_number) for c in certs]},
             f"estra: wrote {len(certs)} certificate(s) to {args.out}")
        return 0
    return _react(run)


async def _enroll_waiting(reactor: IEstraReactor, client: EstClient, csr: bytes,
                          args: argparse.Namespace) -> list[x509.Certificate]:
    """Enroll; while held (202) and --wait allows, sleep the Retry-After (1 s at least,
    never past the deadline) and send the same request again."""
    from twisted.internet.task import deferLater
    deadline = time.monotonic() + max(0.0, args.wait)
    while True:
        try:
            return await client.enroll(csr, reenroll=args.reenroll)
        except ServerAnswer as e:
            left = deadline - time.monotonic()
            if e.status != 202 or left <= 0:
                raise
            pause = min(max(1.0, float(e.retry_after or 1)), left)
            print(f"estra: {e}; retrying in {pause:g} s", file=sys.stderr)
            await deferLater(reactor, pause)


def _device_password(args: argparse.Namespace) -> str:
    """The Basic password: prompted for without echo on a terminal, else standard input."""
    if not args.password_stdin and sys.stdin.isatty():
        return getpass.getpass(f"password for {args.user}: ")
    return sys.stdin.readline().rstrip("\r\n")


def _react(work: Callable[[Any], Awaitable[int]]) -> int:
    """Run `work(reactor)` to completion on the reactor; its result is the exit code."""
    from twisted.internet import task

    outcome: list[int] = []

    async def main(reactor: IEstraReactor) -> None:
        outcome.append(await work(reactor))
    try:
        task.react(lambda reactor: Deferred.fromCoroutine(main(reactor)))
    except SystemExit as e:
        if not outcome:
            outcome.append(int(e.code or 0))
    return outcome[0] if outcome else 1


def _embedded_ca(settings: Settings, args: argparse.Namespace) -> LocalCA | None:
    """The state directory's CA, or None (and a message) before estra's first start."""
    if not settings.ca_cert.exists():
        fail(args, f"no embedded CA in {settings.state_dir.path}; start estra (or run "
             "estra init) there first, or give --state-dir/--config", 2)
        return None
    return LocalCA.of(settings, time.time)


async def _health(reactor: IEstraReactor, settings: Settings, args: argparse.Namespace) -> int:
    """`estra health`: one line (or JSON object) per configured CA, exit 1 if any fails."""
    local = _embedded_ca(settings, args)
    if local is None:
        return 2
    results = []
    for name, config in sorted(settings.upstreams.items()):
        ca = build_upstream(reactor, config, local, time.time, settings.state_dir)
        try:
            ok, detail = True, await health(ca)
        except EstError as e:
            ok, detail = False, f"{e.status}: {e.reason}"
        finally:
            if IClosable.providedBy(ca):
                await ca.close()
        results.append({"name": name, "kind": config.kind, "ok": ok, "detail": detail})
    emit(args, results, "\n".join(
        f"{r['name']} ({r['kind']}): {'' if r['ok'] else 'FAILED '}{r['detail']}"
        for r in results))
    return 0 if all(r["ok"] for r in results) else 1


def _ra_cert(settings: Settings, args: argparse.Namespace) -> int:
    ca = _embedded_ca(settings, args)
    if ca is None:
        return 2
    key = generate_key()
    cert = ca.issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, args.name)]),
                    key.public_key(), [], ["clientAuth", "cmcRA"], args.days)
    out = FilePath(args.out)
    if not out.exists():
        out.makedirs()
    write_private(out.child("ra.key"), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    write_public(out.child("ra.pem"), cert.public_bytes(serialization.Encoding.PEM))
    write_public(out.child("upstream-ca.pem"), ca.cert.public_bytes(serialization.Encoding.PEM))
    emit(args, {"cert": out.child("ra.pem").path, "key": out.child("ra.key").path,
                "anchor": out.child("upstream-ca.pem").path,
                "serial": wire.serial_hex(cert.serial_number)},
         f"estra: wrote {out.child('ra.pem').path}, ra.key and upstream-ca.pem "
         "(the anchor the RA should trust); it acts as an RA here only once its "
         f"certificate is in [tls] ra_trust, e.g. ra_trust = [\"{out.child('ra.pem').path}\"]")
    return 0


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.generate:
        return new_password(), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if not sys.stdin.isatty():
        raise _Refused("no terminal to ask for the password on: give --password-stdin "
                       "(first line of standard input) or --generate")
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise _Refused("the passwords differ; nothing changed")
    return first, False


def _user(settings: Settings, args: argparse.Namespace) -> int:
    """`estra user add|list|remove`: the htpasswd file (names only; hashes never shown)."""
    htpasswd = settings.htpasswd
    if args.action == "add":
        password, show = _password(args)
        try:
            check_user(args.name, password)
        except ValueError as e:
            return fail(args, str(e), 2)
        set_user(htpasswd, args.name, password)
        emit(args, {"user": args.name, "htpasswd": htpasswd.path,
                    **({"password": password} if show else {})},
             f"estra: user {args.name!r} set in {htpasswd.path}"
             + (f"\npassword: {password}" if show else ""))
        return 0
    if not htpasswd.exists():
        return fail(args, f"no htpasswd file at {htpasswd.path} (no users yet)", 2)
    if args.action == "list":
        names = user_names(htpasswd)
        emit(args, names, "\n".join(names) if names else "(none)")
        return 0
    if not remove_user(htpasswd, args.name):
        return fail(args, f"no user {args.name!r} in {htpasswd.path}; nothing changed")
    emit(args, {"user": args.name, "removed": True},
         f"estra: user {args.name!r} removed from {htpasswd.path}")
    return 0


def _operator_add(settings: Settings, args: argparse.Namespace) -> int:
    """`estra operator add NAME --role ROLE`: the operators' htpasswd and roles files."""
    console = settings.console or ConsoleSettings(
        operators=settings.state_dir.child("operators.htpasswd"),
        roles=settings.state_dir.child("operators.roles"))
    assert console.operators is not None and console.roles is not None
    password, show = _password(args)
    if not password:
        return fail(args, "empty password refused", 2)
    try:
        set_user(console.operators, args.name, password)
        set_role(console.roles, args.name, args.role)
    except ValueError as e:
        return fail(args, str(e), 2)
    end_sessions(settings.store_url, settings.state_dir, args.name)   # on every node
    emit(args, {"operator": args.name, "role": args.role, "htpasswd": console.operators.path,
                "roles": console.roles.path, **({"password": password} if show else {})},
         f"estra: operator {args.name!r} ({args.role}) set in {console.operators.path} "
         f"and {console.roles.path}" + (f"\npassword: {password}" if show else ""))
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    """`estra migrate`: the store to this release's schema, on purpose."""
    names = {}
    for answer in args.principal:
        name, sep, principal = answer.partition("=")
        try:
            if not sep or not name:
                raise ValueError(f"--principal {answer!r} is not NAME=PRINCIPAL")
            parse_principal(principal)
        except ValueError as e:
            return fail(args, str(e), 2)
        names[name] = principal
    try:
        store = open_store(settings.store_url, settings.state_dir, time.time, create=False)
        before = schema_version(store)
        after = migrate_blocking(store, Legacy.from_settings(settings, names))
    except (NoStore, ValueError, Unmappable) as e:
        return fail(args, str(e), 2)
    emit(args, {"from": before, "to": after},
         f"estra: store migrated {before} \N{RIGHTWARDS ARROW} {after}" if before < after
         else f"estra: store already at schema {after}")
    return 0


class _Refused(Exception):
    """A command refused by the operator's input; the message is the one line to show."""


#: Commands that work in the state directory: refused (one line) where it has no CA,
#: never a second state directory beside the server's.
_NEEDS_CA = frozenset({"user", "operator", "ca", "ra-cert", "health", "backup", "check-config"})


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `estra` console script: an exit code, never a traceback."""
    try:
        args = _parser().parse_args(argv)
    except _UsageError as e:
        print(e.args[0], file=sys.stderr)
        if "--json" in (sys.argv[1:] if argv is None else argv):
            print(json.dumps({"error": e.args[1]}))
        return 2
    try:
        settings = load_settings(FilePath(args.config) if args.config else None,
                                 state_dir=args.state_dir)
        if args.command in _NEEDS_CA:
            require_ca(settings)
        return _run(settings, args)
    except (ConfigError, StateError, StartupError, _Refused, BackupError, NoStore,
            StoreVersionError) as e:
        return fail(args, str(e), 2)
    except OSError as e:
        return fail(args, os_reason(e), 2)
    except (KeyboardInterrupt, EOFError):
        return fail(args, "interrupted; nothing more was done", 130)
    except Exception as e:  # noqa: BLE001 - the CLI's last line of defence: one line, no traceback
        return fail(args, f"internal error ({type(e).__name__}): {e}", 1)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "init":
        init_command(settings, lambda data, text: emit(args, data, text))
        return 0
    if args.command == "check-config":
        check_config(settings)
        emit(args, {"config": settings.source, "ok": True},
             f"estra: {settings.source} is valid (start-up and SIGHUP would accept it)")
        return 0
    if args.command == "backup":
        made = backup(settings, FilePath(os.path.abspath(args.dir)))
        emit(args, made, f"estra: backed up {settings.state_dir.path} ({len(made['files'])} "
             f"files) and the {made['store']} store (schema {made['schema']}) to {args.dir}")
        return 0
    if args.command == "restore":
        done = restore(settings, FilePath(os.path.abspath(args.dir)))
        emit(args, done, f"estra: restored {settings.state_dir.path} and the {done['store']} "
             f"store (schema {done['schema']}) from {args.dir}; start estra to serve it")
        return 0
    if args.command in operate.COMMANDS:
        return operate.run(settings, args, _react)
    if args.command == "revoke":
        local = _embedded_ca(settings, args) if settings.ca_cert.exists() else None
        return revocation.run(settings, args, _react, local, time.time)
    if args.command in ("cacerts", "enroll"):
        return _est_command(args)
    if args.command == "migrate":
        return _migrate(settings, args)
    if args.command == "health":
        return _react(lambda reactor: _health(reactor, settings, args))
    if args.command == "ca":
        return ca_command.run(settings, args)
    if args.command == "ra-cert":
        return _ra_cert(settings, args)
    if args.command == "operator":
        return _operator_add(settings, args)
    if args.command == "user":
        return _user(settings, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
