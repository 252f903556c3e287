"""Carrying rows of earlier releases forward: old identities become principals.

Releases up to the identity model (bd5efed and the schema-2/3/4 stores of
that time) keyed enrollments, held requests, one-time codes, SCEP
transactions and rate counters on a bare name (`alice`) and recorded how it
was proven in the enrollment's `method` (`basic`, `issued-certificate`,
`bootstrap-certificate`, `scep-static|codes|webhook|none`).  Since then every
row keys on the whole principal (`basic:alice`, estra/ra/auth.py), so an old
row matched nothing: a rejected device was held again, an old code refused.

`carry_identities` is the migration step that rewrites those rows to the
principal the current release computes for the same requester.  A principal
needs more than the name for two kinds: a certificate's realm is the profile
it was issued under (found from the store's issued records by common name)
and a bootstrap certificate's realm is its anchor (`[tls] client_trust`, from
`Legacy`).  Where the answer is not unique, the migration stops with one line
naming the table, the row and the `estra migrate --principal NAME=PRINCIPAL`
that settles it; it never guesses, drops or leaves a live row behind.
"""

from __future__ import annotations

import base64
from typing import Any, Iterable, Mapping

from attrs import field, frozen
from cryptography import x509
from cryptography.x509.oid import NameOID

from estra.principals import CODE, RA, UNRECORDED, anchor_id, parse_principal

__all__ = ["Legacy", "Unmappable", "carry_identities", "OLD_METHODS"]

#: `method` values only releases before the identity model wrote, and the kind each means
OLD_METHODS = {"issued-certificate": "issued", "bootstrap-certificate": "bootstrap",
               "scep-codes": "code"}


class Unmappable(Exception):
    """A row of an earlier release whose principal the store alone cannot tell."""


@frozen
class Legacy:
    """What carrying old rows forward needs besides the store.

    `bootstrap_realms`: realms (anchor ids) of `[tls] client_trust`;
    `code_kinds`: kinds a one-time code may be for (profiles with
    require_code accept them; `code` with a SCEP codes profile);
    `names`: the operator's answers, old name -> principal.
    """

    bootstrap_realms: tuple[str, ...] = ()
    code_kinds: tuple[str, ...] = ()
    names: Mapping[str, str] = field(factory=dict)

    @classmethod
    def from_settings(cls, settings: Any, names: Mapping[str, str] | None = None) -> "Legacy":
        """From a loaded configuration (estra.config.Settings)."""
        from estra.web.tls import load_pem_certs
        realms = sorted({anchor_id(cert) for path in settings.client_trust
                         for cert in load_pem_certs(path)})
        kinds = {kind for p in settings.profiles.values() if p.require_code
                 for kind in p.accept if kind != RA}
        if any(p.scep_challenge == "codes" for p in settings.profiles.values()):
            kinds.add(CODE)
        return cls(tuple(realms), tuple(sorted(kinds)), dict(names or {}))


def _is_principal(identity: str, method: str | None = None) -> bool:
    if method in OLD_METHODS:
        return False
    try:
        parse_principal(identity)
    except ValueError:
        return False
    return True


def _common_name(cert: x509.Certificate | None, subject: str) -> str:
    """The name estra's authenticator gives a certificate (`estra.principals.cert_name`)."""
    name = cert.subject if cert is not None else x509.Name.from_rfc4514_string(subject)
    cns = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cns[0].value) if cns else name.rfc4514_string()


class _Resolver:
    """Old (name, method, label) -> principal, for one migration run."""

    def __init__(self, cursor: Any, legacy: Legacy) -> None:
        self.legacy = legacy
        self.issued_under: dict[str, set[str]] = {}   # common name -> labels it was issued under
        cursor.execute("SELECT label, certificate, subject FROM enrollments "
                       "WHERE decision = 'issued'")
        for label, der, subject in cursor.fetchall():
            try:
                cert = x509.load_der_x509_certificate(base64.b64decode(der)) if der else None
                name = _common_name(cert, str(subject))
            except ValueError:
                continue
            self.issued_under.setdefault(name, set()).add(str(label))

    def principal(self, name: str, method: str, label: str, where: str) -> str:
        """The principal the current release gives the requester of this old row."""
        answered = self.legacy.names.get(name)
        if answered is not None:
            return answered
        kind = OLD_METHODS.get(method, method)
        if kind == "basic":
            return f"basic:{name}"
        if kind == "code":
            return f"code:{name}"
        if kind in ("scep-static", "scep-none", "scep-webhook"):
            # the challenge proved only "knows this profile's secret": no name
            # (old webhooks answered only {"allow": ...})
            return f"{kind}:{label}:"
        if kind == "issued":
            labels = sorted(self.issued_under.get(name, ()))
            if len(labels) > 1:
                raise self._ask(where, name, f"certificates named {name!r} were issued under "
                                f"several profiles ({', '.join(labels)})",
                                f"issued:PROFILE:{name}")
            return f"issued:{labels[0] if labels else UNRECORDED}:{name}"
        if kind == "bootstrap":
            realms = self.legacy.bootstrap_realms
            if len(realms) != 1:
                raise self._ask(where, name, f"it was proven by a bootstrap certificate and "
                                f"[tls] client_trust has {len(realms)} anchors",
                                f"bootstrap:ANCHOR:{name}")
            return f"bootstrap:{realms[0]}:{name}"
        raise self._ask(where, name, f"unknown method {method!r}", f"KIND:{name}")

    def code_principal(self, name: str, seen: Iterable[str], where: str) -> str:
        """The principal an unused one-time code of an earlier release is for: the one
        kind a code can be for here, else the one kind `name` enrolled with."""
        answered = self.legacy.names.get(name)
        if answered is not None:
            return answered
        candidates = set()
        for kind in self.legacy.code_kinds:
            try:
                principal = self.principal(name, kind, "", where)
            except Unmappable:
                continue
            if not principal.startswith(f"issued:{UNRECORDED}:"):  # no profile takes those
                candidates.add(principal)
        if len(candidates) > 1:
            candidates &= set(seen)
        if len(candidates) != 1:
            kinds = ", ".join(self.legacy.code_kinds) or "none"
            raise self._ask(where, name, f"a one-time code for {name!r} may be for any of the "
                            f"kinds profiles take codes for ({kinds})", f"KIND:{name}")
        return candidates.pop()

    @staticmethod
    def _ask(where: str, name: str, problem: str, form: str) -> Unmappable:
        return Unmappable(f"store upgrade stopped at {where}: {problem}; say which principal "
                          f"it is with `estra migrate --principal '{name}={form}'` "
                          "(see docs/upgrading.rst)")


def carry_identities(cursor: Any, dialect: Any, legacy: Legacy) -> None:
    """The migration step: every row naming an old identity names its principal."""
    from estra.asn1 import wire
    from estra.asn1.scep_message import key_sha256
    sql = dialect.sql
    resolve = _Resolver(cursor, legacy)
    # enrollments: old (name, method, label) groups, each to its principal
    cursor.execute("SELECT MIN(id), identity, method, label FROM enrollments "
                   "GROUP BY identity, method, label")
    principals: dict[tuple[str, str, str], str] = {}
    for first, name, method, label in cursor.fetchall():
        if not _is_principal(name, method):
            principals[(name, method, label)] = resolve.principal(
                name, method, label, f"enrollments row {first} ({method} {name!r})")
    # held requests: the kind is in the held request's record
    cursor.execute("SELECT id, label, identity, key_sha256, csr FROM pending")
    for row_id, label, name, key, csr in cursor.fetchall():
        stored = _without_challenge(wire, csr)
        if _is_principal(name):
            if stored != csr:
                cursor.execute(sql("UPDATE pending SET csr = ? WHERE id = ?"), (stored, row_id))
            continue
        cursor.execute(sql("SELECT DISTINCT method FROM enrollments WHERE label = ? AND "
                           "identity = ? AND key_sha256 = ? AND decision = 'held'"),
                       (label, name, key))
        methods = [m for (m,) in cursor.fetchall()]
        where = f"pending row {row_id} ({name!r})"
        if len(methods) != 1 and name not in legacy.names:
            raise resolve._ask(where, name, "its held record (the proof it was made with) "
                               f"is {'missing' if not methods else 'ambiguous'}", f"KIND:{name}")
        principal = principals.get((name, methods[0], label)) if methods else None
        principal = principal or resolve.principal(name, methods[0] if methods else "", label,
                                                   where)
        cursor.execute(sql("UPDATE pending SET identity = ?, csr = ? WHERE id = ?"),
                       (principal, stored, row_id))
    for (name, method, label), principal in principals.items():
        cursor.execute(sql("UPDATE enrollments SET identity = ?, method = ? WHERE "
                           "identity = ? AND method = ? AND label = ?"),
                       (principal, principal.partition(":")[0], name, method, label))
    # one-time codes not yet used, revoked or expired (the rest is history)
    cursor.execute(sql("SELECT id, identity FROM codes WHERE used_at IS NULL AND revoked = 0 "
                       "AND expires > ?"), (_now(),))
    for row_id, name in cursor.fetchall():
        if not _is_principal(name):
            seen = [p for (n, _, _), p in principals.items() if n == name]
            cursor.execute(sql("UPDATE codes SET identity = ? WHERE id = ?"),
                           (resolve.code_principal(name, seen, f"codes row {row_id}"), row_id))
    _carry_scep(cursor, dialect, resolve, wire, key_sha256)
    _carry_counters(cursor, dialect, principals)


def _carry_scep(cursor: Any, dialect: Any, resolve: _Resolver, wire: Any, key_sha256: Any
                ) -> None:
    """SCEP transactions: those migration 3 set aside (schema 2: no owner, the
    challengePassword in the CSR) join the table owned by their request's key
    without the password; later ones with an old identity get its principal."""
    from estra.errors import BadRequest
    sql = dialect.sql
    rows: list[Any] = []
    if _has_table(cursor, dialect, "scep_transactions_v2"):
        cursor.execute("SELECT label, transaction_id, at, identity, method, operation, csr, "
                       "serial FROM scep_transactions_v2")
        rows = cursor.fetchall()
    for label, tid, at, name, method, operation, csr, serial in rows:
        where = f"scep_transactions row {label}/{tid} ({method} {name!r})"
        principal = name if _is_principal(name, method) else \
            resolve.principal(name, method, label, where)
        try:
            owner = key_sha256(wire.csr_public_key(wire.load_stored_csr(base64.b64decode(csr))))
        except (ValueError, TypeError, BadRequest) as e:
            raise Unmappable(f"store upgrade stopped at {where}: its request cannot be read "
                             f"({e}); the device must enroll again: delete the row from "
                             "scep_transactions_v2") from e
        cursor.execute(sql(
            "INSERT INTO scep_transactions (label, transaction_id, signer_sha256, at, identity, "
            "method, operation, csr, serial) VALUES (?,?,?,?,?,?,?,?,?)"),
            (label, tid, owner, at, principal, principal.partition(":")[0], operation,
             _without_challenge(wire, csr), serial))
    cursor.execute("DROP TABLE IF EXISTS scep_transactions_v2")
    cursor.execute("SELECT label, transaction_id, signer_sha256, identity, method "
                   "FROM scep_transactions")
    for label, tid, owner, name, method in cursor.fetchall():
        if not _is_principal(name, method):
            principal = resolve.principal(name, method, label,
                                          f"scep_transactions row {label}/{tid}")
            cursor.execute(sql("UPDATE scep_transactions SET identity = ?, method = ? WHERE "
                               "label = ? AND transaction_id = ? AND signer_sha256 = ?"),
                           (principal, principal.partition(":")[0], label, tid, owner))


def _carry_counters(cursor: Any, dialect: Any,
                    principals: Mapping[tuple[str, str, str], str]) -> None:
    """Rate counters `LABEL:id:NAME` count for every principal NAME enrolled as there
    (a budget spent stays spent); a name that never enrolled keeps its row."""
    sql = dialect.sql
    cursor.execute("SELECT bucket, window_start, hits FROM rate_counters")
    for bucket, start, hits in cursor.fetchall():
        label, sep, name = str(bucket).partition(":id:")
        if not sep or _is_principal(name):
            continue
        targets = {p for (n, _, lab), p in principals.items() if n == name and lab == label}
        for principal in targets:
            cursor.execute(sql(
                "INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?,?,?) "
                "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits "
                "+ excluded.hits"), (f"{label}:id:{principal}", start, hits))
        if targets:
            cursor.execute(sql("DELETE FROM rate_counters WHERE bucket = ? AND "
                               "window_start = ?"), (bucket, start))


def _without_challenge(wire: Any, csr: Any) -> Any:
    """A stored request (base64 DER) without its challengePassword; unreadable as it is."""
    try:
        der = base64.b64decode(str(csr), validate=True)
        return base64.b64encode(wire.csr_without_challenge(der)).decode()
    except Exception:  # noqa: BLE001 - not a request: nothing secret to take out
        return csr


def _has_table(cursor: Any, dialect: Any, name: str) -> bool:
    if dialect.name == "postgresql":
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
    else:
        cursor.execute("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND "
                       "name = ?", (name,))
    return bool(cursor.fetchone()[0])


def _now() -> float:
    import time
    return time.time()
