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

from estra.config import ConfigError, Settings, load_settings
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
    ra = commands.add_parser(
        "ra-cert", help="issue an RA certificate (clientAuth + id-kp-cmcRA) from the "
        "embedded CA, for a downstream estra to use against this one")
    ra.add_argument("name", help="the RA's common name")
    ra.add_argument("--out", required=True, help="directory for ra.pem and ra.key")
    ra.add_argument("--days", type=int, default=825)
    return parser


def _ra_cert(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.ca_cert.exists():
        print(f"estra: no CA in {settings.state_dir.path}; start estra once first",
              file=sys.stderr)
        return 2
    ca = LocalCA.load_or_create(settings.ca_cert, settings.ca_key,
                                settings.ca_validity_days, time.time)
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
          "(the anchor the RA should trust)")
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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `estra` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(FilePath(args.config) if args.config else None,
                                 state_dir=args.state_dir)
    except ConfigError as e:
        print(f"estra: {e}", file=sys.stderr)
        return 2
    if args.command == "ra-cert":
        return _ra_cert(settings, args)
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
