"""The `estra` command: operator tasks that do not need the running server."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from twisted.python.filepath import FilePath

from typing import Any, Awaitable, Callable

from twisted.internet.defer import Deferred

from estra import operate, wire
from estra.client import EstClient
from estra.config import CONSOLE_ROLES, ConfigError, ConsoleSettings, Settings, load_settings
from estra.console.operators import set_role
from estra.errors import EstError
from estra.tls import load_pem_certs
from estra.upstream import build_upstream, health
from estra.upstream.http import ClientTLSPolicy, UpstreamHTTP
from estra.upstream.local import LocalCA, generate_key, write_private, write_public
from estra.state import set_user

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="estra", description="estra EST RA tools")
    parser.add_argument("--config", "-c", help="TOML configuration file")
    parser.add_argument("--state-dir", "-d", help="state directory (default ./estra-state)")
    commands = parser.add_subparsers(dest="command", required=True)
    user = commands.add_parser("user", help="HTTP Basic users (htpasswd)")
    user_cmds = user.add_subparsers(dest="action", required=True)
    add = user_cmds.add_parser("add", help="add a user or change their password")
    add.add_argument("name")
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    how.add_argument("--generate", action="store_true",
                     help="generate a password and print it once")
    operate.add_parsers(commands)
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
        cmd.add_argument("--label", default="", help="CA label (profile) on the server")
        cmd.add_argument("--cacert", help="PEM anchors for the server's TLS certificate")
        cmd.add_argument("--out", "-o", required=True, help="PEM file to write")
        cmd.add_argument("--timeout", type=float, default=30)
        if name == "enroll":
            cmd.add_argument("--csr", required=True, help="PKCS#10 request (PEM, DER or base64)")
            cmd.add_argument("--user", help="HTTP Basic user; password on standard input")
            cmd.add_argument("--cert", help="client certificate (PEM) for TLS")
            cmd.add_argument("--key", help="its private key (PEM)")
            cmd.add_argument("--reenroll", action="store_true", help="use simplereenroll")
    return parser


def _est_command(args: argparse.Namespace) -> int:
    """`estra cacerts` / `estra enroll`: the EST client of estra/client.py."""

    async def run(reactor: Any) -> None:
        trust = load_pem_certs(FilePath(args.cacert)) if args.cacert else None
        client_cert = None
        if getattr(args, "cert", None):
            key = serialization.load_pem_private_key(FilePath(args.key).getContent(), None)
            client_cert = (load_pem_certs(FilePath(args.cert))[0], key)
        http = UpstreamHTTP(reactor, "cli", args.url, ClientTLSPolicy(trust, client_cert),
                            timeout=args.timeout, retry_after=0)
        basic = None
        if getattr(args, "user", None):
            basic = (args.user, sys.stdin.readline().rstrip("\r\n"))
        client = EstClient(http, args.url, args.label, basic)
        try:
            if args.command == "cacerts":
                certs = await client.cacerts()
            else:
                csr = wire.decode_body(FilePath(args.csr).getContent(), "CSR")
                certs = await client.enroll(csr, reenroll=args.reenroll)
        except EstError as e:
            print(f"estra: {e.status}: {e.reason}", file=sys.stderr)
            outcome.append(1)
            return
        finally:
            await http.close()
        write_public(FilePath(args.out), b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in certs))
        print(f"estra: wrote {len(certs)} certificate(s) to {args.out}")

    outcome: list[int] = []

    async def work(reactor: Any) -> int:
        await run(reactor)
        return max(outcome, default=0)
    return _react(work)


def _react(work: Callable[[Any], Awaitable[int]]) -> int:
    """Run `work(reactor)` to completion on the reactor; its result is the exit code."""
    from twisted.internet import task

    outcome: list[int] = []

    async def main(reactor: Any) -> None:
        outcome.append(await work(reactor))
    try:
        task.react(lambda reactor: Deferred.fromCoroutine(main(reactor)))
    except SystemExit as e:
        if not outcome:
            outcome.append(int(e.code or 0))
    return outcome[0] if outcome else 1


def _embedded_ca(settings: Settings) -> LocalCA | None:
    """The state directory's CA, or None (and a message) before estra's first start."""
    if not settings.ca_cert.exists():
        print(f"estra: no embedded CA in {settings.state_dir.path}; start estra once first",
              file=sys.stderr)
        return None
    return LocalCA.load_or_create(settings.ca_cert, settings.ca_key,
                                  settings.ca_validity_days, time.time)


async def _health(reactor: Any, settings: Settings) -> int:
    """`estra health`: one line per configured CA, exit 1 if any fails."""
    local = _embedded_ca(settings)
    if local is None:
        return 2
    failed = 0
    for name, config in sorted(settings.upstreams.items()):
        ca = build_upstream(reactor, config, local, time.time)
        try:
            status = await health(ca)
        except EstError as e:
            status, failed = f"FAILED {e.status}: {e.reason}", failed + 1
        finally:
            close = getattr(ca, "close", None)
            if close is not None:
                await close()
        print(f"{name} ({config.kind}): {status}")
    return 1 if failed else 0


def _ra_cert(settings: Settings, args: argparse.Namespace) -> int:
    ca = _embedded_ca(settings)
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
    print(f"estra: wrote {out.child('ra.pem').path}, ra.key and upstream-ca.pem "
          "(the anchor the RA should trust); it acts as an RA here only once its "
          f"certificate is in [tls] ra_trust, e.g. ra_trust = [\"{out.child('ra.pem').path}\"]")
    return 0


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if args.generate:
        return secrets.token_urlsafe(12), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("estra: the passwords differ; nothing changed")
    return first, False


def _operator_add(settings: Settings, args: argparse.Namespace) -> int:
    """`estra operator add NAME --role ROLE`: the operators' htpasswd and roles files."""
    console = settings.console or ConsoleSettings(
        operators=settings.state_dir.child("operators.htpasswd"),
        roles=settings.state_dir.child("operators.roles"))
    assert console.operators is not None and console.roles is not None
    password, show = _password(args)
    if not password:
        print("estra: empty password refused", file=sys.stderr)
        return 2
    for directory in (console.operators.parent(), console.roles.parent()):
        if not directory.exists():
            directory.makedirs()
    try:
        set_user(console.operators, args.name, password)
        set_role(console.roles, args.name, args.role)
    except ValueError as e:
        print(f"estra: {e}", file=sys.stderr)
        return 2
    print(f"estra: operator {args.name!r} ({args.role}) set in {console.operators.path} "
          f"and {console.roles.path}")
    if show:
        print(f"password: {password}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `estra` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(FilePath(args.config) if args.config else None,
                                 state_dir=args.state_dir)
    except ConfigError as e:
        print(f"estra: {e}", file=sys.stderr)
        return 2
    if args.command in operate.COMMANDS:
        return operate.run(settings, args, _react)
    if args.command in ("cacerts", "enroll"):
        return _est_command(args)
    if args.command == "health":
        return _react(lambda reactor: _health(reactor, settings))
    if args.command == "ra-cert":
        return _ra_cert(settings, args)
    if args.command == "operator":
        return _operator_add(settings, args)
    if args.command == "user" and args.action == "add":
        password, show = _password(args)
        if not password:
            print("estra: empty password refused", file=sys.stderr)
            return 2
        if not settings.state_dir.exists():
            settings.state_dir.makedirs()
        try:
            set_user(settings.htpasswd, args.name, password)
        except ValueError as e:
            print(f"estra: {e}", file=sys.stderr)
            return 2
        print(f"estra: user {args.name!r} set in {settings.htpasswd.path}")
        if show:
            print(f"password: {password}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
