"""`estra ca rollover` / `estra ca retire-old`: Root CA Key Update (RFC 7030 4.1.3).

A rollover makes a new embedded CA (key, self-signed certificate, subject =
the old one's with the next " G<n>" generation suffix on its common name) and
the two link certificates of RFC 4210 4.4: NewWithOld (new key, signed by the
old one) and OldWithNew (old key, signed by the new one).  In the state
directory::

    ca.pem / ca.key        the new root (what new devices should trust)
    ca-old.pem / .key      the old root, kept until it expires or retire-old
    ca-newwithold.pem      lets a device trusting the old root accept new certificates
    ca-oldwithnew.pem      lets a device trusting the new root accept old certificates

A server.pem this CA had issued is re-issued by the new CA with NewWithOld
in its chain, so devices trusting either root accept the TLS server
(retire-old puts the new root back in its place); so is a SCEP RA
certificate, for the same key.  The command (estra/ca/sync.py `run`) records
the rollover in the store too, and running nodes pick it up from there.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import time
from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import load_pem_x509_certificates
from cryptography.x509.oid import NameOID
from twisted.python.filepath import FilePath

from estra import tokens
from estra.config import Settings
from estra.store.files import write_private, write_public
from estra.ca.local import OLD_KEY, ROLLOVER_FILES, LocalCA, generate_key, key_usage, pem_key

__all__ = ["add_parser", "rollover", "install", "retire_old", "next_generation", "RolloverError",
           "PublicOnly"]

_PEM = serialization.Encoding.PEM


class PublicOnly:
    """A key known by its public half (a token key certified again)."""

    def __init__(self, public: Any) -> None:
        self._public = public

    def public_key(self) -> Any:
        return self._public


class RolloverError(Exception):
    """The rollover cannot be done; the message is the one line to show."""


def add_parser(commands: argparse._SubParsersAction) -> None:
    ca = commands.add_parser("ca", help="embedded CA key rollover (RFC 7030 4.1.3)")
    actions = ca.add_subparsers(dest="action", required=True)
    roll = actions.add_parser("rollover", help="make a new CA key and certificate and the "
                              "NewWithOld/OldWithNew links; running nodes pick it up")
    roll.add_argument("--force", action="store_true",
                      help="roll over again while the previous old root is still kept "
                      "(that old root is then dropped)")
    roll.add_argument("--days", type=int, default=None,
                      help="validity of the new root (default [ca] validity_days)")
    actions.add_parser("retire-old", help="drop the old root and the links from /cacerts "
                       "and re-enrollment trust (automatic once the old root expires)")


def next_generation(subject: x509.Name) -> x509.Name:
    """`subject` with its common name's generation bumped: "X" -> "X G2", "X G2" -> "X G3"."""
    attrs, bumped = [], False
    for attr in subject:
        if attr.oid == NameOID.COMMON_NAME and not bumped and isinstance(attr.value, str):
            m = re.fullmatch(r"(.*) G(\d+)", attr.value)
            value = f"{m.group(1)} G{int(m.group(2)) + 1}" if m else f"{attr.value} G2"
            attr, bumped = x509.NameAttribute(NameOID.COMMON_NAME, value), True
        attrs.append(attr)
    if not bumped:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, "estra local CA G2"))
    return x509.Name(attrs)


def _ca_cert(subject: x509.Name, issuer: x509.Name, public_key: object, signer: object,
             not_before: datetime.datetime, not_after: datetime.datetime) -> x509.Certificate:
    return (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer)
            .public_key(public_key)  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(key_usage(ca=True, encipher=False), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                public_key), False)  # type: ignore[arg-type]
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signer.public_key()), False)  # type: ignore[attr-defined]
            .sign(signer, hashes.SHA256()))  # type: ignore[arg-type]


def rollover(settings: Settings, force: bool = False, days: int | None = None,
             clock: Callable[[], float] = time.time,
             publish: Callable[[LocalCA, LocalCA, list[x509.Certificate]], None] | None = None
             ) -> LocalCA:
    """Roll the embedded CA over; returns the new CA.  `publish(old, new, links)` runs
    before any file changes (estra/ca/sync.py records the rollover in the store there;
    it raises to refuse).  Files are written to temporary names first and renamed
    into place, the new ca.key and ca.pem last."""
    cert_path = settings.ca_cert
    if not cert_path.exists():
        raise RolloverError(f"no embedded CA in {settings.state_dir.path}; run estra init first")
    if cert_path.sibling("ca-old.pem").exists() and not force:
        raise RolloverError(f"a rollover is in progress ({cert_path.sibling('ca-old.pem').path} "
                            "exists); run `estra ca retire-old` first, or use --force")
    old = LocalCA.of(settings, clock)
    now = datetime.datetime.fromtimestamp(clock(), datetime.timezone.utc)
    start = now - datetime.timedelta(minutes=5)
    end = now + datetime.timedelta(days=days or settings.ca_validity_days)
    key = _new_key(settings)
    subject = next_generation(old.cert.subject)
    new_root = _ca_cert(subject, subject, key.public_key(), key, start, end)
    old_end = old.cert.not_valid_after_utc
    new_with_old = _ca_cert(subject, old.cert.subject, key.public_key(), old.key,
                            start, min(end, old_end))
    old_with_new = _ca_cert(old.cert.subject, subject, old.key.public_key(), key,
                            start, old_end)
    new = LocalCA(key, new_root, clock, settings.ca_key_uri, settings.pkcs11)
    links = [new_with_old, old_with_new, old.cert]
    if publish is not None:
        publish(old, new, links)
    install(settings, old, new, links)
    return new


def _new_key(settings: Settings) -> Any:
    """The new CA key: in memory, or made on the CA key's token labelled
    `<label>.next` (`install` relabels it)."""
    if not settings.ca_key_uri:
        return generate_key()
    label = tokens.parse_uri(settings.ca_key_uri).object
    try:
        return tokens.generate_key(tokens.labelled(
            settings.ca_key_uri, label + tokens.NEXT_LABEL), settings.pkcs11)
    except ValueError as e:
        raise RolloverError(f"{e} (left by a rollover that did not finish: destroy it with "
                            "the token's tools)") from None


def _token_labels(settings: Settings) -> None:
    """The rollover on the token, as the files are renamed: the old key becomes
    `<label>-old` (one kept from an earlier rollover, `<label>-retired-<time>`), the new
    one `<label>`."""
    label = tokens.parse_uri(settings.ca_key_uri).object
    tokens.relabel(settings.ca_key_uri, settings.pkcs11, [
        (label + tokens.OLD_LABEL, f"{label}-retired-{int(time.time())}"),
        (label, label + tokens.OLD_LABEL), (label + tokens.NEXT_LABEL, label)])


def install(settings: Settings, old: LocalCA, new: LocalCA,
            links: list[x509.Certificate], relabel: bool = True) -> None:
    """Write the rolled-over CA set into the state directory: the old root and key
    kept, the links, a server.pem and SCEP RA certificate the old CA had issued
    re-issued by the new one, the new ca.key and ca.pem last (each file renamed
    into place).  A CA key on a token is relabelled there unless `relabel` is false
    (another node following a rollover on a shared token: done once, by the node
    that made it)."""
    cert_path, key_path = settings.ca_cert, settings.ca_key
    on_token = bool(settings.ca_key_uri)      # the keys are relabelled, not written
    staged: list[tuple[FilePath, bytes, bool]] = [
        (cert_path.sibling("ca-old.pem"), links[2].public_bytes(_PEM), False),
        *([] if on_token else [(cert_path.sibling(OLD_KEY), pem_key(old.key), True)]),
        (cert_path.sibling(ROLLOVER_FILES[0]), links[0].public_bytes(_PEM), False),
        (cert_path.sibling(ROLLOVER_FILES[1]), links[1].public_bytes(_PEM), False)]
    staged += _reissue_tls(settings, old, new, links[0])
    staged += _reissue_scep(settings, old, new)
    staged += [*([] if on_token else [(key_path, pem_key(new.key), True)]),
               (cert_path, new.cert.public_bytes(_PEM), False)]
    temps = []
    for target, data, private in staged:
        tmp = target.siblingExtension(".rollover")
        (write_private if private else write_public)(tmp, data)
        temps.append((tmp, target))
    for tmp, target in temps:
        if on_token and relabel and target == cert_path:
            _token_labels(settings)           # just before the new ca.pem names the key
        os.replace(tmp.path, target.path)
    new.rollover = list(links)


def _reissue_scep(settings: Settings, old: LocalCA, new: LocalCA
                  ) -> list[tuple[FilePath, bytes, bool]]:
    """The SCEP RA certificates (decryption, and signing if separate) the old CA had
    issued, certified again by the new CA for the same RSA key and key usage: GetCACert's
    chain verifies them after retire-old too, and requests encrypted to the RA before
    the rollover still open."""
    staged = []
    for path in (settings.scep_cert, settings.scep_signing_cert):
        if path is None or not path.exists():
            continue
        ra = x509.load_pem_x509_certificate(path.getContent())
        if ra.issuer != old.cert.subject:
            continue
        try:
            usage: x509.KeyUsage | None = ra.extensions.get_extension_for_class(
                x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        cert = new.issue(ra.subject, ra.public_key(), [], [], 825, usage=usage)
        staged.append((path, cert.public_bytes(_PEM), False))
    return staged


def _reissue_tls(settings: Settings, old: LocalCA, new: LocalCA,
                 link: x509.Certificate) -> list[tuple[FilePath, bytes, bool]]:
    """A new server.pem/server.key from the new CA when the old CA had issued them:
    leaf + NewWithOld, which chains to either root."""
    if not settings.tls_cert.exists() or settings.tls_cert.parent() != settings.ca_cert.parent():
        return []
    leaf = x509.load_pem_x509_certificate(settings.tls_cert.getContent())
    if leaf.issuer != old.cert.subject:
        return []
    try:
        sans = [str(n.value) for n in leaf.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value]
    except x509.ExtensionNotFound:
        sans = list(settings.server_names)
    if settings.tls_key_uri:              # the key stays on its token: certified again
        cert, _ = new.server_certificate(sans or list(settings.server_names),
                                         key=PublicOnly(leaf.public_key()))
        return [(settings.tls_cert, cert.public_bytes(_PEM) + link.public_bytes(_PEM), False)]
    cert, key = new.server_certificate(sans or list(settings.server_names))
    return [(settings.tls_key, pem_key(key), True),
            (settings.tls_cert, cert.public_bytes(_PEM) + link.public_bytes(_PEM), False)]


def retire_old(settings: Settings, relabel: bool = True) -> list[str]:
    """Remove the old root, its key and the links; the names removed.  An old CA key on
    a token is relabelled `<label>-retired-<time>` unless `relabel` is false (a node
    following the retirement on a shared token: the node that retired did it)."""
    removed = []
    link = settings.ca_cert.sibling(ROLLOVER_FILES[0])
    if link.exists() and settings.tls_cert.exists():     # server.pem: leaf + NewWithOld
        chain = load_pem_x509_certificates(settings.tls_cert.getContent())
        if x509.load_pem_x509_certificate(link.getContent()) in chain[1:]:
            write_public(settings.tls_cert, chain[0].public_bytes(_PEM)
                         + settings.ca_cert.getContent())
    for name in (*ROLLOVER_FILES, OLD_KEY):
        path = settings.ca_cert.sibling(name)
        if path.exists():
            path.remove()
            removed.append(path.path)
    if settings.ca_key_uri and removed and relabel:   # kept on the token, never used again
        label = tokens.parse_uri(settings.ca_key_uri).object
        retired = f"{label}-retired-{int(time.time())}"
        tokens.relabel(settings.ca_key_uri, settings.pkcs11,
                       [(label + tokens.OLD_LABEL, retired)])
        removed.append(f"{tokens.labelled(settings.ca_key_uri, label + tokens.OLD_LABEL)} "
                       f"(now labelled {retired})")
    return removed
