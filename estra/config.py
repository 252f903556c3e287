"""TOML configuration -> frozen settings; every error names file, key and problem."""

from __future__ import annotations

import base64

import ipaddress
import os
import re
import socket
import tomllib
from urllib.parse import urlsplit
from typing import Any, Callable, Sequence

from attrs import evolve, field, frozen
from twisted.python.filepath import FilePath

from estra import tokens
from estra.tokens import TokenSettings

__all__ = ["ConfigError", "Settings", "ConsoleSettings", "CONSOLE_ROLES", "Profile", "Upstream",
           "ChallengeSettings", "CHALLENGE_ROLES",
           "load_settings", "settings_from_string", "reload_settings", "DEFAULT_PROFILE",
           "ConnectionLimits", "ThrottleSettings"]

DEFAULT_PROFILE = "default"
LAYOUTS = ("auto", "wrapped", "single-line")
EKUS = {"clientAuth": "1.3.6.1.5.5.7.3.2", "serverAuth": "1.3.6.1.5.5.7.3.1",
        "codeSigning": "1.3.6.1.5.5.7.3.3", "emailProtection": "1.3.6.1.5.5.7.3.4",
        "ipsecIKE": "1.3.6.1.5.5.7.3.17", "cmcRA": "1.3.6.1.5.5.7.3.28"}
_LABEL = re.compile(r"^[A-Za-z0-9_.~-]+$")
KEY_TYPES = ("rsa", "ec", "ed25519", "ed448")
CURVES = ("secp256r1", "secp384r1", "secp521r1")
HASHES = ("sha256", "sha384", "sha512", "sha224", "sha1")
SUBJECT_ATTRIBUTES = ("CN", "O", "OU", "C", "ST", "L", "serialNumber", "emailAddress",
                      "DC", "UID", "title", "givenName", "surname", "pseudonym")
SCEP_CHALLENGES = ("static", "codes", "webhook", "none", "intune")
#: SCEP's own, NDES's and the one Cisco IOS and other network devices hard-code.
SCEP_PATHS = ("/scep", "/certsrv/mscep/mscep.dll", "/cgi-bin/pkiclient.exe")
SERVER_KEYS = ("ec-p256", "ec-p384", "ec-p521", "rsa-2048", "rsa-3072", "rsa-4096",
               "ed25519")
ACCEPT_KINDS = ("basic", "issued", "bootstrap", "ra")     # EST identity kinds (estra/ra/auth.py)
OPERATION_NAMES = ("cacerts", "simpleenroll", "simplereenroll", "csrattrs",
                   "serverkeygen", "fullcmc", "renewal-info")
_OID = re.compile(r"^[0-2](\.\d+)+$")


class ConfigError(Exception):
    """The configuration is wrong; the message says where and why."""


@frozen
class ConnectionLimits:
    """How many connections a listener takes and how long a client may take."""

    max_connections: int = 1024          # open connections on one listener
    max_per_address: int = 64            # open connections from one address (IPv6: /64)
    header_timeout: float = 10           # request line + headers, from connect / first byte
    body_timeout: float = 30             # the body, from the end of the headers
    idle_timeout: float = 60             # silence between keep-alive requests


@frozen
class ThrottleSettings:
    """[auth] throttle numbers; the defaults allow a person's typos, not a guesser."""

    source_burst: int = 10           # failed attempts a source may make at once
    source_refill: float = 6         # seconds to regain one (10 a minute)
    user_burst: int = 20             # failures for one user, from all sources
    user_refill: float = 30          # seconds to regain one (2 a minute)
    max_pending: int = 32            # bcrypt checks queued or running
    max_entries: int = 10_000        # rows per table (sources, users, source+user)


#: The one place connection and failed-login defaults are written; the settings, the
#: parser and the docs' table read them from here.
LIMITS, THROTTLE = ConnectionLimits(), ThrottleSettings()


@frozen
class CsrAttr:
    """One /csrattrs entry: a bare OID, or an attribute whose values are OIDs."""

    oid: str
    values: tuple[str, ...] = ()


@frozen
class Profile:
    """What one CA label (or the default) applies: policy knobs and the CA."""

    name: str
    csrattrs: tuple[CsrAttr, ...] = ()
    base64_layout: str = "auto"
    require_channel_binding: bool = False
    reenroll_grace: int = 0           # seconds an expired cert may still re-enroll
    validity_days: int = 365
    extended_key_usage: tuple[str, ...] = ("clientAuth",)
    # EKUs a TLS client certificate must carry one of (if it has an EKU extension at
    # all); empty: any (estra/ra/auth.py)
    client_eku: tuple[str, ...] = ("clientAuth",)
    allow_basic: bool = True
    upstream: str = "local"
    # which identity kinds authenticate here, and whose certificates (see estra/ra/auth.py)
    accept: tuple[str, ...] = ("basic", "issued", "bootstrap", "ra")
    accept_issued_from: tuple[str, ...] = ()         # empty: this profile only
    # keys and signatures
    key_types: tuple[str, ...] = ("rsa", "ec", "ed25519", "ed448")
    min_rsa_bits: int = 2048
    curves: tuple[str, ...] = ("secp256r1", "secp384r1", "secp521r1")
    signature_hashes: tuple[str, ...] = ("sha256", "sha384", "sha512")
    # subject and subjectAltName
    subject_required: tuple[str, ...] = ()
    subject_allowed: tuple[str, ...] = ()            # empty: any attribute
    subject_patterns: tuple[tuple[str, str], ...] = ()  # (attribute, pattern)
    san_dns_suffixes: tuple[str, ...] = ()           # empty: any DNS name
    san_ip_networks: tuple[str, ...] = ()            # empty: any address
    san_uri_patterns: tuple[str, ...] = ()
    san_email_patterns: tuple[str, ...] = ()
    san_max: int = 20
    extensions_required: tuple[str, ...] = ()
    extensions_forbidden: tuple[str, ...] = ()
    # proof of identity, re-enrollment, rate, approval
    require_code: bool = False
    reenroll_allow_changes: bool = False
    reenroll_only_ours: bool = True
    renewal_window_days: int = 0                     # 0: renew any time
    # renewal-info (estra/ra/renewal.py): the suggested window as fractions of a
    # certificate's lifetime, its per-certificate shift, and when to ask again
    renewal_info_window: tuple[float, float] = (0.5, 0.75)
    renewal_info_jitter: float = 0.1
    renewal_info_retry_after: int = 21600
    # SCEP devices have no renewal-info: they renew by their certificate's lifetime,
    # at `scep_renews_at` of it (Intune: 1 - its renewal threshold) or
    # `scep_renews_before` seconds before it ends (certmonger). Either shortens a SCEP
    # certificate so that moment falls in its renewal-info window; 0: neither.
    scep_renews_at: float = 0.0
    scep_renews_before: int = 0
    # per request, never read from the file: the lifetime in seconds asked of the CA
    # (a SCEP certificate's, above); 0: validity_days, or the CA's own
    requested_lifetime: float = 0.0
    rate_per_identity: tuple[int, int] | None = None  # (count, seconds)
    rate_per_address: tuple[int, int] | None = None
    approval: str = "auto"
    approval_retry_after: int = 300
    approval_max_open: int = 5                       # held per identity, awaiting a decision
    # server-side key generation (RFC 7030 4.4)
    serverkeygen: str = "local"                      # local | upstream | off
    serverkeygen_key: str = "ec-p256"                # default: the first the key rules allow
    serverkeygen_follow_csr: bool = True             # the placeholder key's type and size
    serverkeygen_encrypt: bool = False
    fullcmc: bool = True
    # SCEP front end: how a PKCSReq's challengePassword is checked
    scep_challenge: str = "static"                   # static | codes | webhook | none
    scep_password: str = field(default="", repr=False)
    scep_webhook: str = ""
    scep_webhook_trust: FilePath | None = None
    scep_webhook_timeout: int = 10
    # step-ca's webhook shapes (estra/upstream/stepca_hooks.py): the challenge webhook's format,
    # the HMAC secret (base64) and webhook ID they are sent with, a NOTIFYING URL
    scep_webhook_format: str = "estra"               # estra | step-ca
    scep_webhook_secret: str = field(default="", repr=False)
    scep_webhook_id: str = ""                        # empty: the profile's name
    scep_notify: str = ""
    # what the step-ca validator's answer `data` puts in the certificate: (target, dotted
    # path in data), targets in WEBHOOK_DATA_TARGETS (estra/upstream/stepca_hooks.py)
    scep_webhook_data: tuple[tuple[str, str], ...] = ()
    # scep_challenge = "intune" (estra/upstream/intune.py): the Entra ID tenant and app
    intune_tenant: str = ""
    intune_app_id: str = ""
    intune_app_secret: str = field(default="", repr=False)
    # or a certificate credential: its PEM certificate and RSA private key
    intune_app_cert: FilePath | None = None
    intune_app_key: FilePath | None = None
    intune_login_url: str = "https://login.microsoftonline.com"
    intune_graph_url: str = "https://graph.microsoft.com"
    intune_trust: FilePath | None = None
    # Intune's revocation requests (estra/upstream/intune_revocation.py): polled or not,
    # and how often (seconds)
    intune_revocation: bool = False
    intune_revocation_interval: int = 600

    def accepts_issued_from(self, realm: str) -> bool:
        """Whether a certificate issued under the profile `realm` names (before any
        "@origin", estra/ra/auth.py `issued_realm`) authenticates here."""
        allowed = self.accept_issued_from or (self.name,)
        return realm.partition("@")[0] in allowed or "*" in allowed

    def lifetime(self) -> float:
        """Seconds a certificate issued under the profile lives (the embedded CA's, and
        an upstream's that takes a lifetime): `requested_lifetime`, else validity_days."""
        return self.requested_lifetime or self.validity_days * 86400.0


@frozen
class Upstream:
    """One CA estra hands requests to: `kind` picks the module in estra/upstream/."""

    name: str
    kind: str
    url: str = ""
    trust: FilePath | None = None            # anchors for the upstream's TLS cert
    client_cert: FilePath | None = None      # the RA's own certificate and key
    client_key: FilePath | None = None
    client_key_uri: str = ""                  # client_key as a pkcs11: URI (estra/tokens.py)
    pkcs11: TokenSettings = TokenSettings()   # [pkcs11], for client_key_uri
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 2
    retry_after: int = 30
    proxy: str = ""                          # "http://host:port": CONNECT through it
    extra_chain: FilePath | None = None      # issuers the upstream's API cannot list
    options: dict[str, Any] = field(factory=dict, repr=False)
    terms_max_age: float = 60.0              # [ca] sync_seconds: the CA profile is read again


@frozen
class ConsoleSettings:
    """[console]: the operators' web console on the admin listener (estra/console/)."""

    tls: bool = True
    operators: FilePath | None = None                # htpasswd of operators
    roles: FilePath | None = None                    # "name:role" lines
    operator_trust: tuple[FilePath, ...] = ()        # CAs of operator certificates
    cert_roles: tuple[tuple[str, str], ...] = ()     # (certificate CN, role)
    session_minutes: int = 480
    operator_eku: str = ""                           # OID every operator certificate carries
    idle_minutes: float = 30                         # a session unused this long ends


CONSOLE_ROLES = ("viewer", "approver", "admin")
#: seconds before each retry of a SCEP notification not delivered ([scep] notify_backoff)
NOTIFY_BACKOFF = (2.0, 10.0, 30.0, 120.0, 600.0, 1800.0)
#: what `scep_webhook_data` may set from a step-ca validator's data: the subject's
#: commonName, the subjectAltNames of a kind
WEBHOOK_DATA_TARGETS = ("cn", "dns", "ip", "uri", "email")
#: what a challenge client may do (estra/ra/challenges.py): fetch new challenges (the NDES
#: page, the API), list them, revoke them, revoke a retired device's certificates
CHALLENGE_ROLES = ("issue", "list", "revoke", "retire")


@frozen
class ChallengeSettings:
    """[challenges]: one-time SCEP challenges for MDMs (estra/ra/challenges.py, ndes.py)."""

    profile: str                                     # the profile the NDES page issues for
    clients: FilePath                                # htpasswd of challenge clients
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (client, roles)
    ttl: int = 3600                                  # seconds a challenge lives (NDES: 60 min)
    outstanding: int = 100                           # open challenges per client (NDES: 5)
    per_hour: int = 1000                             # challenges a client may fetch an hour
    page_encoding: str = "utf-16"                    # of the NDES page: utf-16 | utf-8

    def roles_of(self, client: str) -> tuple[str, ...]:
        return dict(self.roles).get(client, ())


@frozen
class Settings:
    """Everything estra needs to start, resolved against the state directory."""

    source: str
    listen: str
    state_dir: FilePath
    max_body: int
    realm: str
    tls_cert: FilePath
    tls_key: FilePath
    client_trust: tuple[FilePath, ...]
    htpasswd: FilePath
    server_names: tuple[str, ...]
    ca_validity_days: int
    ca_sync_seconds: float = 60                      # how often the store's rollovers are read
    profiles: dict[str, Profile] = field(factory=dict)
    upstreams: dict[str, Upstream] = field(factory=dict)
    store_url: str = ""
    attempts_per_hour: int = 2000                    # refused-attempt rows an hour (attempts.py)
    attempts_days: int = 30                          # days refused attempts are kept
    admin_listen: str = ""                           # empty: no /healthz, /metrics
    scep_listen: str = ""                            # empty: no SCEP front end
    scep_tls: bool = False
    scep_paths: tuple[str, ...] = SCEP_PATHS
    scep_cert: FilePath | None = None
    scep_key: FilePath | None = None
    # a key setting given as a pkcs11: URI (estra/tokens.py) instead of a file; "" a file
    ca_key_uri: str = ""
    tls_key_uri: str = ""
    scep_key_uri: str = ""
    # [scep] signing_cert/signing_key: a second RA key that signs CertReps (scep_key then
    # only decrypts); None/None: the one RA key does both
    scep_signing_cert: FilePath | None = None
    scep_signing_key: FilePath | None = None
    scep_signing_key_uri: str = ""
    pkcs11: TokenSettings = TokenSettings()          # [pkcs11]: module, PIN, timeout, queue
    # the RA certificate and key before an RA key rollover (estra/scep/resource.py): () or both
    scep_previous: tuple[FilePath, ...] = ()
    # notifications of SCEP outcomes (estra/scep/notifications.py): seconds before each
    # retry (attempts: one more than retries), and the age past which one is given up
    scep_notify_backoff: tuple[float, ...] = NOTIFY_BACKOFF
    scep_notify_max_age: float = 86400.0
    ra_trust: tuple[FilePath, ...] = ()              # anchors of RA certificates
    challenges: ChallengeSettings | None = None      # [challenges]; None: not served
    crls: tuple[FilePath, ...] = ()                  # CRLs of client certificates' issuers
    max_connections: int = LIMITS.max_connections    # per listener (per worker)
    workers: int = 1                                 # processes serving the listeners
    max_connections_per_address: int = LIMITS.max_per_address  # per listener and address
    header_timeout: float = LIMITS.header_timeout    # request line + headers, seconds
    body_timeout: float = LIMITS.body_timeout        # request body after the headers
    idle_timeout: float = LIMITS.idle_timeout        # silence between requests
    trusted_proxies: tuple[str, ...] = ()            # balancers that forward TLS facts
    # [auth] failed Basic logins: (address_failures, address_refill_seconds,
    # user_failures, user_refill_seconds, max_pending_checks)
    login_throttle: tuple[int, float, int, float, int] = (
        THROTTLE.source_burst, THROTTLE.source_refill, THROTTLE.user_burst,
        THROTTLE.user_refill, THROTTLE.max_pending)
    config_file: FilePath | None = None              # None: built-in defaults
    state_from_cli: bool = False                     # --state-dir named the directory
    # where each listen setting came from, for start-up errors: "--listen" or "FILE: server.listen"
    origins: dict[str, str] = field(factory=dict)
    # the command-line overrides (state_dir, listen, workers): a reload reads the file with them
    overrides: dict[str, Any] = field(factory=dict)

    def where(self, key: str) -> str:
        """`--listen` or `FILE: server.listen`: where the operator set `key`."""
        return self.origins.get(key, f"{self.source}: {key}")
    crl_listen: str = ""                             # empty: no CRL served here
    crl_url: str = ""                                # empty: no CDP in certificates
    crl_days: int = 7                                # the CRL's nextUpdate, from now
    ocsp_url: str = ""                               # empty: no OCSP responder, no AIA
    console: ConsoleSettings | None = None           # None: no operator console

    @property
    def ca_cert(self) -> FilePath:
        return self.state_dir.child("ca.pem")

    @property
    def ca_key(self) -> FilePath:
        return self.state_dir.child("ca.key")


class _Table:
    """A TOML table that remembers where it is, for error messages."""

    def __init__(self, source: str, path: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: [{path}] must be a table")
        self.source, self.path, self.data = source, path, dict(data)
        self.seen: set[str] = set()

    def where(self, key: str) -> str:
        return f"{self.source}: {self.path + '.' if self.path else ''}{key}"

    def get(self, key: str, kind: type | tuple[type, ...], default: Any,
            check: Callable[[Any], str | None] | None = None) -> Any:
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ConfigError(f"{self.where(key)}: expected {_kind(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise ConfigError(f"{self.where(key)}: expected {_kind(kind)}, "
                              f"got {type(value).__name__} {value!r}")
        problem = check(value) if check else None
        if problem:
            raise ConfigError(f"{self.where(key)}: {problem}")
        return value

    def table(self, key: str) -> "_Table":
        self.seen.add(key)
        return _Table(self.source, f"{self.path + '.' if self.path else ''}{key}",
                      self.data.get(key, {}))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise ConfigError(f"{self.where(unknown[0])}: unknown setting")


def _kind(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_negative(value: int) -> str | None:
    return None if value >= 0 else "must not be negative"


def _strings(value: list[Any]) -> str | None:
    return None if all(isinstance(v, str) for v in value) else "must be a list of strings"


def _networks(value: list[Any]) -> str | None:
    """None when `value` lists IP addresses or CIDR networks, else the problem."""
    problem = _strings(value)
    if problem:
        return problem
    for net in value:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            return f"{net!r} is not an IP address or network"
    return None


def _server_names(value: list[Any]) -> str | None:
    return _strings(value) or (None if value else "must name at least one host")


def _path(base: FilePath, value: str) -> FilePath:
    return FilePath(value) if value.startswith("/") else base.preauthChild(value)


def endpoint_problem(description: str) -> str | None:
    """Why `description` is not a Twisted server endpoint string (None: it is).

    Only the syntax is checked (against a MemoryReactor, nothing binds); a
    `systemd:` endpoint's inherited socket is looked up when estra starts.
    """
    from twisted.internet import endpoints
    from twisted.internet.testing import MemoryReactor
    if description.startswith("haproxy:"):         # the PROXY protocol around any endpoint
        return endpoint_problem(description[len("haproxy:"):])
    try:
        if description.startswith("systemd:"):
            _, args, kwargs = endpoints._parseServer(description, None)
            if args or set(kwargs) - {"domain", "index", "name"} or "domain" not in kwargs:
                return "expected systemd:domain=INET|INET6|UNIX:name=NAME (or :index=N)"
            if not hasattr(socket, "AF_" + kwargs["domain"]):
                return f"unknown domain {kwargs['domain']!r}"
            if ("index" in kwargs) == ("name" in kwargs):
                return "give exactly one of name= and index="
            if "index" in kwargs and not kwargs["index"].isdigit():
                return "index must be a number"
            return None
        endpoints.serverFromString(MemoryReactor(), description)
    except Exception as e:  # noqa: BLE001 - parsers raise anything; report it
        return f"not a valid endpoint ({type(e).__name__}: {e})"
    return None


def _listen(table: _Table, default: str) -> str:
    value: str = table.get("listen", str, default)
    problem = endpoint_problem(value) if value else None
    if problem:
        raise ConfigError(f'{table.where("listen")}: "{value}": {problem}')
    return value


def settings_from_dict(data: dict[str, Any], source: str = "<defaults>",
                       state_dir: str | None = None,
                       listen: str | None = None,
                       base: FilePath | None = None,
                       workers: int | None = None) -> Settings:
    """Validate parsed TOML; command-line `state_dir`/`listen` win over the file.

    A relative `server.state_dir` is resolved against `base` (the config
    file's directory), never the current directory; `state_dir` from the
    command line is relative to the current directory. Other relative paths
    are resolved against the (then absolute) state directory.
    """
    top = _Table(source, "", data)
    server = top.table("server")
    origins: dict[str, str] = {}
    if listen:
        problem = endpoint_problem(listen)
        if problem:
            raise ConfigError(f"--listen {listen}: {problem}")
        origins["server.listen"] = f"--listen {listen}"
    else:
        listen = _listen(server, "tcp:8443:interface=127.0.0.1")
        origins["server.listen"] = f'{server.where("listen")}: "{listen}"'
    file_state = server.get("state_dir", str, "estra-state")
    if state_dir:
        state = FilePath(state_dir)
        origins["server.state_dir"] = f"--state-dir {state.path}"
    else:
        state = FilePath(os.path.join(base.path, file_state) if base else file_state)
    server.seen.update({"listen", "state_dir"})     # the command line may have won
    max_body = server.get("max_body", int, 64 * 1024, _positive)
    realm = server.get("realm", str, "estra", lambda v: None if v and '"' not in v
                       else "must be non-empty, without quotes")
    max_connections = server.get("max_connections", int, LIMITS.max_connections, _positive)
    if "max_connections" in server.data:    # configured: never lowered to fit descriptors
        origins["server.max_connections"] = server.where("max_connections")
    max_per_address = server.get("max_connections_per_address", int, LIMITS.max_per_address,
                                 _positive)
    header_timeout = server.get("header_timeout", (int, float), LIMITS.header_timeout,
                                _positive)
    body_timeout = server.get("body_timeout", (int, float), LIMITS.body_timeout, _positive)
    idle_timeout = server.get("idle_timeout", (int, float), LIMITS.idle_timeout, _positive)
    trusted_proxies = tuple(server.get("trusted_proxies", list, [], _networks))
    file_workers = server.get("workers", int, 1, _not_negative)
    workers = file_workers if workers is None else workers      # --workers wins
    if workers == 0:                                 # one per CPU this process may use
        workers = len(os.sched_getaffinity(0))
    server.done()

    tls = top.table("tls")
    cert = _path(state, tls.get("cert", str, "server.pem"))
    key, tls_key_uri = _key(tls, state, "key", "server.key")
    if tls_key_uri:                                  # the URI, PEM-wrapped for OpenSSL
        key = state.child(tokens.PROVIDER_KEY)
    names = tuple(tls.get("server_names", list, ["localhost", "127.0.0.1", "::1"],
                          _server_names))
    trust = _existing_files(tls, state, "client_trust")
    ra_trust = _existing_files(tls, state, "ra_trust")
    crls = _existing_files(tls, state, "crls")
    tls.done()

    auth = top.table("auth")
    htpasswd = _path(state, auth.get("htpasswd", str, "htpasswd"))
    throttle = (auth.get("address_failures", int, THROTTLE.source_burst, _positive),
                auth.get("address_refill_seconds", (int, float), THROTTLE.source_refill,
                         _positive),
                auth.get("user_failures", int, THROTTLE.user_burst, _positive),
                auth.get("user_refill_seconds", (int, float), THROTTLE.user_refill,
                         _positive),
                auth.get("max_pending_checks", int, THROTTLE.max_pending, _positive))
    auth.done()

    ca = top.table("ca")
    ca_days = ca.get("validity_days", int, 3650, _positive)
    ca_sync = ca.get("sync_seconds", (int, float), 60, _positive)
    _, ca_key_uri = _key(ca, state, "key", "ca.key", token_only=True)
    ca.done()

    admin = top.table("admin")
    admin_listen = _listen(admin, "")
    origins["admin.listen"] = f'{admin.where("listen")}: "{admin_listen}"'
    console = _console(top.table("console"), state, admin_listen) \
        if "console" in top.data else None
    admin.done()

    scep = top.table("scep")
    scep_listen = _listen(scep, "")
    origins["scep.listen"] = f'{scep.where("listen")}: "{scep_listen}"'
    scep_tls = scep.get("tls", bool, False)
    scep_paths = tuple(scep.get("paths", list, list(SCEP_PATHS),
                                lambda v: _strings(v) or next(
                                    (f"{p!r} must start with /" for p in v
                                     if not p.startswith("/")), None)))
    scep_cert = _path(state, scep.get("cert", str, "scep-ra.pem"))
    scep_key, scep_key_uri = _key(scep, state, "key", "scep-ra.key")
    previous = [_path(state, v) for v in (scep.get("previous_cert", str, ""),
                                          scep.get("previous_key", str, "")) if v]
    if len(previous) == 1:
        raise ConfigError(f"{scep.where('previous_cert')}: previous_cert and previous_key "
                          "go together (the RA certificate and key before a rollover)")
    signing_cert, signing_key, signing_key_uri = _scep_signing(scep, state)
    notify_backoff = tuple(float(v) for v in scep.get(
        "notify_backoff", list, list(NOTIFY_BACKOFF), lambda v: None if 1 <= len(v) <= 20
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 < x <= 86400
                for x in v) else "1 to 20 numbers of seconds, each above 0, at most 86400"))
    notify_max_age = float(scep.get("notify_max_age", (int, float), 86400, _positive))
    scep.done()

    crl = top.table("crl")
    crl_listen = crl.get("listen", str, "")
    origins["crl.listen"] = f'{crl.where("listen")}: "{crl_listen}"'
    crl_url = crl.get("url", str, "", lambda v: None if not v or v.startswith("http://")
                      else "must be an http:// URL (relying parties fetch CRLs without TLS)")
    crl_days = crl.get("next_update_days", int, 7, _positive)
    ocsp_url = crl.get("ocsp_url", str, "", lambda v: None if not v or v.startswith("http://")
                       else "must be an http:// URL")
    if ocsp_url and not crl_listen:
        raise ConfigError(f"{crl.where('ocsp_url')}: needs crl.listen (the responder "
                          "answers on the CRL listener)")
    if crl_listen and not crl_url:
        raise ConfigError(f"{crl.where('url')}: required with crl.listen (certificates "
                          "name it as their CRL distribution point)")
    crl.done()

    pkcs11 = _token_settings(top.table("pkcs11"))

    store = top.table("store")
    store_url = store.get("url", str, "", lambda v: None if not v or v.startswith(
        ("sqlite:///", "postgresql://", "postgres://")) else
        "must be sqlite:///PATH or postgresql://...")
    attempts_per_hour = store.get("attempts_per_hour", int, 2000,
                                  lambda v: None if 1 <= v <= 1_000_000 else
                                  "must be from 1 to 1000000")
    attempts_days = store.get("attempts_days", int, 30,
                              lambda v: None if 1 <= v <= 3650 else "must be from 1 to 3650")
    store.done()

    upstreams_table = top.table("upstreams")
    upstreams = {name: evolve(_upstream(upstreams_table.table(name), name, state, pkcs11),
                              terms_max_age=ca_sync)
                 for name in list(upstreams_table.data)}
    upstreams_table.seen.update(upstreams)
    upstreams.setdefault("local", Upstream("local", "local"))

    profiles_table = top.table("profiles")
    profiles = {name: _profile(profiles_table.table(name), name, state)
                for name in list(profiles_table.data)}
    profiles_table.seen.update(profiles)
    profiles.setdefault(DEFAULT_PROFILE, Profile(DEFAULT_PROFILE))
    challenges = _challenges(top.table("challenges"), state, profiles) \
        if "challenges" in top.data else None
    top.done()
    for name, profile in profiles.items():
        if scep_listen and profile.scep_challenge == "static" and not profile.scep_password:
            raise ConfigError(f"{source}: profiles.{name}.scep_password: SCEP is on and this "
                              "profile checks a static challenge; set scep_password (or "
                              "scep_password_file), or choose another scep_challenge")
        if profile.scep_challenge == "webhook" and not profile.scep_webhook:
            raise ConfigError(f"{source}: profiles.{name}.scep_webhook: required for "
                              "scep_challenge = \"webhook\"")
        for origin in profile.accept_issued_from:
            if origin != "*" and origin not in profiles:
                raise ConfigError(f"{source}: profiles.{name}.accept_issued_from: no profile "
                                  f"{origin!r} (known: {', '.join(sorted(profiles))}, or \"*\")")
        if profile.upstream not in upstreams:
            raise ConfigError(f"{source}: profiles.{name}.upstream: no [upstreams."
                              f"{profile.upstream}] (known: {', '.join(sorted(upstreams))})")
        if profile.scep_webhook_data and upstreams[profile.upstream].kind != "local":
            raise ConfigError(f"{source}: profiles.{name}.scep_webhook_data: only the "
                              "embedded CA (upstream \"local\") issues names the device's "
                              "signed request does not carry")
        if profile.serverkeygen == "upstream" and upstreams[profile.upstream].kind != "est":
            raise ConfigError(f"{source}: profiles.{name}.serverkeygen: \"upstream\" needs "
                              "an upstream of kind \"est\"")
        problem = keygen_problem(profile, profile.serverkeygen_key)
        if problem:
            raise ConfigError(f"{source}: profiles.{name}.serverkeygen_key: {problem}")
    for name in profiles:
        if not _LABEL.match(name):
            raise ConfigError(f"{source}: profiles.{name}: a label may hold only "
                              "letters, digits and -._~")
        if name in OPERATION_NAMES:
            raise ConfigError(f"{source}: profiles.{name}: a label cannot be named "
                              "like an EST operation")
    return Settings(source=source, listen=listen, state_dir=state, max_body=max_body,
                    realm=realm, tls_cert=cert, tls_key=key, client_trust=trust,
                    htpasswd=htpasswd, server_names=names, ca_validity_days=ca_days,
                    ca_sync_seconds=ca_sync,
                    profiles=profiles, upstreams=upstreams, store_url=store_url,
                    attempts_per_hour=attempts_per_hour, attempts_days=attempts_days,
                    admin_listen=admin_listen, max_connections=max_connections,
                    max_connections_per_address=max_per_address,
                    header_timeout=header_timeout, body_timeout=body_timeout,
                    idle_timeout=idle_timeout, login_throttle=throttle, console=console,
                    workers=workers, trusted_proxies=trusted_proxies,
                    scep_listen=scep_listen, scep_tls=scep_tls, scep_paths=scep_paths,
                    scep_cert=scep_cert, scep_key=scep_key, scep_previous=tuple(previous),
                    scep_notify_backoff=notify_backoff, scep_notify_max_age=notify_max_age,
                    ra_trust=ra_trust, crls=crls,
                    challenges=challenges,
                    state_from_cli=bool(state_dir), origins=origins,
                    crl_listen=crl_listen, crl_url=crl_url, crl_days=crl_days,
                    ocsp_url=ocsp_url, ca_key_uri=ca_key_uri, tls_key_uri=tls_key_uri,
                    scep_key_uri=scep_key_uri, pkcs11=pkcs11,
                    scep_signing_cert=signing_cert, scep_signing_key=signing_key,
                    scep_signing_key_uri=signing_key_uri)


def _challenges(table: _Table, state: FilePath,
                profiles: dict[str, Profile]) -> ChallengeSettings:
    """[challenges]: the profile must take one-time codes (scep_challenge = "codes")."""
    profile = table.get("profile", str, DEFAULT_PROFILE, lambda v: None if v in profiles
                        else f"no profile {v!r}")
    if profiles[profile].scep_challenge != "codes":
        raise ConfigError(f"{table.where('profile')}: profile {profile!r} must have "
                          'scep_challenge = "codes" to accept the challenges it is issued')
    roles = table.get("roles", dict, {}, lambda v: next(
        (f"{k!r}: roles must be a list of {', '.join(CHALLENGE_ROLES)}" for k, r in v.items()
         if not isinstance(r, list) or any(x not in CHALLENGE_ROLES for x in r)), None))
    settings = ChallengeSettings(
        profile=profile,
        clients=_path(state, table.get("clients", str, "challenge-clients.htpasswd")),
        roles=tuple((k, tuple(r)) for k, r in sorted(roles.items())),
        ttl=table.get("ttl", int, 3600, lambda v: None if 60 <= v <= 30 * 86400 else
                      "must be from 60 to 2592000 seconds"),
        outstanding=table.get("outstanding", int, 100, _positive),
        per_hour=table.get("per_hour", int, 1000, _positive),
        page_encoding=table.get("page_encoding", str, "utf-16", lambda v: None if v in (
            "utf-16", "utf-8") else 'must be "utf-16" or "utf-8"'))
    table.done()
    return settings


def _console(table: _Table, state: FilePath, admin_listen: str) -> ConsoleSettings | None:
    """[console]; TLS may be off only on a loopback-only admin listener."""
    enabled = table.get("enabled", bool, True)
    tls = table.get("tls", bool, True)
    operators = _path(state, table.get("operators", str, "operators.htpasswd"))
    roles = _path(state, table.get("roles", str, "operators.roles"))
    trust = _existing_files(table, state, "operator_trust")
    cert_roles = table.get("cert_roles", dict, {}, lambda v: next(
        (f"{k!r}: role must be one of {', '.join(CONSOLE_ROLES)}" for k, r in v.items()
         if r not in CONSOLE_ROLES), None))
    minutes = table.get("session_minutes", int, 480, _positive)
    idle = table.get("idle_minutes", (int, float), 30, _positive)   # 0.5: 30 seconds
    if idle > minutes:
        raise ConfigError(f"{table.where('idle_minutes')}: {idle} is longer than "
                          f"session_minutes ({minutes}): a session ends at the first of both")
    eku = table.get("operator_eku", str, "", _oid)
    if trust and not eku:
        raise ConfigError(f"{table.where('operator_eku')}: required with operator_trust: the "
                          "dotted OID of an extended key usage only operator certificates "
                          "carry (a common name alone proves nothing)")
    table.done()
    if not enabled:
        return None
    if not admin_listen:
        raise ConfigError(f"{table.where('enabled')}: the console is served by the admin "
                          "listener; set [admin] listen")
    if not tls and not _loopback_only(admin_listen):
        raise ConfigError(f"{table.where('tls')}: false is allowed only when [admin] listen "
                          "is bound to 127.0.0.1 or ::1 (interface=...)")
    return ConsoleSettings(tls=tls, operators=operators, roles=roles, operator_trust=trust,
                           cert_roles=tuple(sorted(cert_roles.items())),
                           session_minutes=minutes, operator_eku=eku, idle_minutes=idle)


def _oid(value: str) -> str | None:
    """Why `value` is no dotted object identifier (None when it is one)."""
    if value and not re.fullmatch(r"[0-2](\.(0|[1-9][0-9]{0,18})){1,30}", value):
        return f"{value!r} is not a dotted OID such as 1.3.6.1.4.1.99999.1"
    return None


def _loopback_only(endpoint: str) -> bool:
    """Whether a Twisted TCP endpoint string binds only a loopback address."""
    parts = [p.replace("\\:", ":") for p in re.split(r"(?<!\\):", endpoint)]
    interfaces = [p[len("interface="):] for p in parts if p.startswith("interface=")]
    return parts[0] in ("tcp", "tcp6") and interfaces[-1:] in (["127.0.0.1"], ["::1"])


def _existing_files(table: _Table, base: FilePath, key: str) -> tuple[FilePath, ...]:
    files = tuple(_path(base, p) for p in table.get(key, list, [], _strings))
    for f in files:
        if not f.exists():
            raise ConfigError(f"{table.where(key)}: {f.path} does not exist")
    return files


# Kind-specific settings: name -> (type, default). `*_file` variants of the
# secret ones (password, token, auth_key, approle_secret_id) read the value
# from a file so it need not sit in the config.
KIND_OPTIONS: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "local": {},
    "est": {"label": (str, ""), "cacerts_refresh": (int, 3600)},
    "cfssl": {"profile": (str, ""), "label": (str, ""), "auth_key": (str, "")},
    "vault": {"mount": (str, "pki"), "role": (str, ""), "sign_verbatim": (bool, False),
              "token": (str, ""), "approle_role_id": (str, ""),
              "approle_secret_id": (str, ""), "approle_mount": (str, "approle"),
              "ttl": (str, ""), "namespace": (str, ""), "auth": (str, ""),
              "cert_mount": (str, "cert"), "cert_role": (str, ""), "issuer_ref": (str, "")},
    "ejbca": {"ca_name": (str, ""), "certificate_profile": (str, ""),
              "end_entity_profile": (str, ""), "username_prefix": (str, "estra-"),
              "include_chain": (bool, True), "chain_refresh": (int, 3600)},
    "adcs": {"template": (str, ""), "chain_refresh": (int, 3600), "auth": (str, "basic"),
             "keytab": (str, ""), "ccache": (str, ""), "spn_host": (str, ""),
             "channel_binding": (bool, True), "template_file": (str, "")},
    "scep": {"cgi_path": (str, "/cgi-bin/pkiclient.exe"), "poll_interval": ((int, float), 5),
             "max_polls": (int, 3), "chain_refresh": (int, 3600)},
}
_SECRETS = ("password", "token", "auth_key", "approle_secret_id")
#: options naming a file (resolved like client_cert: a FilePath, None when unset)
_FILES = ("template_file",)
_REQUIRED = {"est": ("url",), "cfssl": ("url",), "vault": ("url", "role"),
             "ejbca": ("url", "ca_name", "certificate_profile", "end_entity_profile"),
             "adcs": ("url", "template"), "scep": ("url",)}


def _check_intune(table: _Table, profile: Profile) -> None:
    """ConfigError unless an Intune profile names its tenant and app and exactly one
    credential: a client secret, or a certificate with its RSA key that match."""
    by_cert = profile.intune_app_cert or profile.intune_app_key
    if not (profile.intune_tenant and profile.intune_app_id) or \
            bool(profile.intune_app_secret) == bool(by_cert):
        raise ConfigError(f"{table.where('intune_tenant')}: scep_challenge = \"intune\" needs "
                          "intune_tenant, intune_app_id and one credential: "
                          "intune_app_secret (or intune_app_secret_file), or "
                          "intune_app_cert with intune_app_key")
    if by_cert:
        from estra.credentials import AppCertificate
        try:
            AppCertificate.load(profile.intune_app_cert, profile.intune_app_key)
        except ValueError as e:
            raise ConfigError(f"{table.where('intune_app_cert')}: {e}") from None


def _https(value: str) -> str | None:
    return None if value.startswith("https://") else "must be an https:// URL"


def _secret(table: _Table, base: FilePath, key: str) -> str:
    direct = table.get(key, str, "")
    from_file = table.get(f"{key}_file", str, "")
    if direct and from_file:
        raise ConfigError(f"{table.where(key)}: give {key} or {key}_file, not both")
    if not from_file:
        return str(direct)
    path = _path(base, from_file)
    try:
        return path.getContent().decode("utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{table.where(key + '_file')}: cannot read {path.path}: "
                          f"{e.strerror}") from e


def _proxy_url(value: str) -> str | None:
    """None when `value` is http://host:port (an HTTP proxy), else the problem."""
    problem = "must be http://host:port (an HTTP proxy; no credentials)"
    try:
        parts = urlsplit(value)
        if parts.port is None:
            return problem
    except ValueError:
        return problem
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/") \
            or parts.username:
        return problem
    return None


def _upstream(table: _Table, name: str, base: FilePath,
              pkcs11: TokenSettings = tokens.DEFAULT_TOKENS) -> Upstream:
    kind = table.get("kind", str, "",
                     lambda v: None if v in KIND_OPTIONS else
                     f"must be one of {', '.join(KIND_OPTIONS)}")
    if not kind:
        raise ConfigError(f"{table.where('kind')}: missing (one of {', '.join(KIND_OPTIONS)})")

    def file(key: str) -> FilePath | None:
        return _existing(table, base, key)

    client_key, client_key_uri = (None, _key(table, base, "client_key", "")[1]) \
        if tokens.is_uri(table.get("client_key", str, "")) else (file("client_key"), "")
    if client_key_uri and kind == "scep":
        raise ConfigError(f"{table.where('client_key')}: a pkcs11: URI is for upstreams "
                          "over HTTPS; the SCEP client key must be a file")
    common = dict(
        client_key=client_key, client_key_uri=client_key_uri, pkcs11=pkcs11,
        url=table.get("url", str, "", lambda v: None if v.startswith(("https://", "http://"))
                      else "must be an http(s):// URL"),
        trust=file("trust"), client_cert=file("client_cert"),
        username=table.get("username", str, ""),
        password=_secret(table, base, "password"),
        timeout=float(table.get("timeout", (int, float), 30, _positive)),
        connect_timeout=float(table.get("connect_timeout", (int, float), 10, _positive)),
        retries=table.get("retries", int, 2, _not_negative),
        retry_after=table.get("retry_after", int, 30, _positive),
        proxy=table.get("proxy", str, "", _proxy_url),
        extra_chain=file("extra_chain"))
    if (common["client_cert"] is None) != (not (client_key or client_key_uri)):
        raise ConfigError(f"{table.where('client_cert')}: client_cert and client_key "
                          "go together")
    options: dict[str, Any] = {}
    for key, (kind_type, default) in KIND_OPTIONS[kind].items():
        options[key] = (_secret(table, base, key) if key in _SECRETS
                        else _existing(table, base, key) if key in _FILES
                        else table.get(key, kind_type, default))
    for key in _REQUIRED.get(kind, ()):
        if not (common.get(key) or options.get(key)):
            raise ConfigError(f"{table.where(key)}: required for kind = {kind!r}")
    table.done()
    return Upstream(name=name, kind=kind, options=options, **common)


def _csrattr(table: _Table, item: Any) -> CsrAttr:
    where = table.where("csrattrs")
    if isinstance(item, str):
        oid, values = item, []
    elif isinstance(item, dict) and set(item) <= {"oid", "values"} and "oid" in item:
        oid, values = item["oid"], item.get("values", [])
    else:
        raise ConfigError(f"{where}: each entry is an OID string or "
                          f"{{ oid = \"...\", values = [\"...\"] }}, got {item!r}")
    for o in [oid, *values]:
        if not isinstance(o, str) or not _OID.match(o):
            raise ConfigError(f"{where}: {o!r} is not a dotted OID")
    return CsrAttr(oid, tuple(values))


def _profile(table: _Table, name: str, base: FilePath) -> Profile:
    attrs = tuple(_csrattr(table, item) for item in table.get("csrattrs", list, []))
    layout = table.get("base64_layout", str, "auto",
                       lambda v: None if v in LAYOUTS else f"must be one of {', '.join(LAYOUTS)}")
    def usages(key: str) -> tuple[str, ...]:
        return tuple(table.get(key, list, ["clientAuth"], lambda v: _strings(v) or next((
            f"unknown usage {u!r} (known: {', '.join(EKUS)})"
            for u in v if u not in EKUS and not _OID.match(u)), None)))
    def strings(key: str, default: tuple[str, ...] = (),
                allowed: Sequence[str] | None = None) -> tuple[str, ...]:
        def check(v: list[Any]) -> str | None:
            if _strings(v):
                return _strings(v)
            bad = [x for x in v if allowed is not None and x not in allowed]
            return f"unknown value {bad[0]!r} (known: {', '.join(allowed or ())})" if bad else None
        return tuple(table.get(key, list, list(default), check))

    patterns = table.get("subject_patterns", dict, {},
                         lambda v: None if all(isinstance(x, str) for x in v.values())
                         else "values must be strings")
    networks = tuple(table.get("san_ip_networks", list, [], _networks))
    profile = Profile(
        name=name, csrattrs=attrs, base64_layout=layout,
        require_channel_binding=table.get("require_channel_binding", bool, False),
        reenroll_grace=table.get("reenroll_grace", int, 0, _not_negative),
        validity_days=table.get("validity_days", int, 365, _positive),
        extended_key_usage=usages("extended_key_usage"),
        client_eku=usages("client_eku"),
        allow_basic=table.get("allow_basic", bool, True),
        upstream=table.get("upstream", str, "local"),
        accept=strings("accept", ACCEPT_KINDS, ACCEPT_KINDS),
        accept_issued_from=strings("accept_issued_from"),
        key_types=strings("key_types", KEY_TYPES, KEY_TYPES),
        min_rsa_bits=table.get("min_rsa_bits", int, 2048, _positive),
        curves=strings("curves", CURVES, CURVES),
        signature_hashes=strings("signature_hashes", HASHES[:3], HASHES),
        subject_required=strings("subject_required"),
        subject_allowed=strings("subject_allowed"),
        subject_patterns=tuple(sorted(patterns.items())),
        san_dns_suffixes=strings("san_dns_suffixes"),
        san_ip_networks=networks,
        san_uri_patterns=strings("san_uri_patterns"),
        san_email_patterns=strings("san_email_patterns"),
        san_max=table.get("san_max", int, 20, _not_negative),
        extensions_required=strings("extensions_required"),
        extensions_forbidden=strings("extensions_forbidden"),
        require_code=table.get("require_code", bool, False),
        reenroll_allow_changes=table.get("reenroll_allow_changes", bool, False),
        reenroll_only_ours=table.get("reenroll_only_ours", bool, True),
        renewal_window_days=table.get("renewal_window_days", int, 0, _not_negative),
        renewal_info_window=tuple(table.get("renewal_info_window", list, [0.5, 0.75],
                                            _fractions)),
        renewal_info_jitter=float(table.get("renewal_info_jitter", (int, float), 0.1,
                                            lambda v: None if 0 <= v < 1 else
                                            "must be a fraction from 0 to below 1")),
        renewal_info_retry_after=table.get("renewal_info_retry_after", int, 21600, _positive),
        scep_renews_at=float(table.get("scep_renews_at", (int, float), 0,
                                       lambda v: None if v == 0 or 0 < v < 1 else
                                       "must be a fraction of the lifetime above 0 and "
                                       "below 1 (0: off)")),
        scep_renews_before=table.get("scep_renews_before", int, 0, _not_negative),
        rate_per_identity=_rate(table, "rate_per_identity"),
        rate_per_address=_rate(table, "rate_per_address"),
        approval=table.get("approval", str, "auto",
                           lambda v: None if v in ("auto", "manual") else
                           "must be \"auto\" or \"manual\""),
        approval_retry_after=table.get("approval_retry_after", int, 300, _positive),
        approval_max_open=table.get("approval_max_open", int, 5, _positive),
        serverkeygen=table.get("serverkeygen", str, "local",
                               lambda v: None if v in ("local", "upstream", "off") else
                               'must be "local", "upstream" or "off"'),
        serverkeygen_key=table.get("serverkeygen_key", str, "",
                                   lambda v: None if v in SERVER_KEYS else
                                   f"must be one of {', '.join(SERVER_KEYS)}"),
        serverkeygen_follow_csr=table.get("serverkeygen_follow_csr", bool, True),
        serverkeygen_encrypt=table.get("serverkeygen_encrypt", bool, False),
        fullcmc=table.get("fullcmc", bool, True),
        scep_challenge=table.get("scep_challenge", str, "static",
                                 lambda v: None if v in SCEP_CHALLENGES else
                                 f"must be one of {', '.join(SCEP_CHALLENGES)}"),
        scep_password=_secret(table, base, "scep_password"),
        scep_webhook=table.get("scep_webhook", str, "",
                               lambda v: None if not v or v.startswith(("https://", "http://"))
                               else "must be an http(s):// URL"),
        scep_webhook_trust=_existing(table, base, "scep_webhook_trust"),
        scep_webhook_timeout=table.get("scep_webhook_timeout", int, 10, _positive),
        scep_webhook_format=table.get("scep_webhook_format", str, "estra",
                                      lambda v: None if v in ("estra", "step-ca") else
                                      'must be "estra" or "step-ca"'),
        scep_webhook_secret=_secret(table, base, "scep_webhook_secret"),
        scep_webhook_id=table.get("scep_webhook_id", str, ""),
        scep_notify=table.get("scep_notify", str, "",
                              lambda v: None if not v or v.startswith(("https://", "http://"))
                              else "must be an http(s):// URL"),
        scep_webhook_data=tuple(sorted(table.get(
            "scep_webhook_data", dict, {}, lambda v: next((
                f"{k!r}: keys are {', '.join(WEBHOOK_DATA_TARGETS)}, values dotted keys "
                "of the validator's data" for k, p in v.items()
                if k not in WEBHOOK_DATA_TARGETS or not isinstance(p, str) or not p), None)
        ).items())),
        intune_tenant=table.get("intune_tenant", str, ""),
        intune_app_id=table.get("intune_app_id", str, ""),
        intune_app_secret=_secret(table, base, "intune_app_secret"),
        intune_app_cert=_existing(table, base, "intune_app_cert"),
        intune_app_key=_existing(table, base, "intune_app_key"),
        intune_login_url=table.get("intune_login_url", str, "https://login.microsoftonline.com",
                                   _https),
        intune_graph_url=table.get("intune_graph_url", str, "https://graph.microsoft.com",
                                   _https),
        intune_trust=_existing(table, base, "intune_trust"),
        intune_revocation=table.get("intune_revocation", bool, False),
        intune_revocation_interval=table.get("intune_revocation_interval", int, 600,
                                             lambda v: None if 5 <= v <= 86400 else
                                             "must be from 5 to 86400"))
    if profile.scep_challenge == "intune":
        _check_intune(table, profile)
    elif profile.intune_revocation:
        raise ConfigError(f"{table.where('intune_revocation')}: needs scep_challenge = "
                          '"intune"')
    step_ca = profile.scep_notify or (profile.scep_challenge == "webhook" and
                                      profile.scep_webhook_format == "step-ca")
    if step_ca:
        try:
            secret = base64.b64decode(profile.scep_webhook_secret, validate=True)
        except ValueError:
            secret = b""
        if not secret:
            raise ConfigError(f"{table.where('scep_webhook_secret')}: step-ca webhooks (and "
                              "scep_notify) sign with a base64 secret; set it (or "
                              "scep_webhook_secret_file)")
    if profile.scep_webhook_data and not (profile.scep_challenge == "webhook" and
                                          profile.scep_webhook_format == "step-ca"):
        raise ConfigError(f"{table.where('scep_webhook_data')}: needs scep_challenge = "
                          '"webhook" and scep_webhook_format = "step-ca"')
    for attr in (*profile.subject_required, *profile.subject_allowed,
                 *(a for a, _ in profile.subject_patterns)):
        if attr not in SUBJECT_ATTRIBUTES and not _OID.match(attr):
            raise ConfigError(f"{table.where('subject_*')}: unknown attribute {attr!r} "
                              f"(known: {', '.join(SUBJECT_ATTRIBUTES)} or a dotted OID)")
    for oid in (*profile.extensions_required, *profile.extensions_forbidden):
        if not _OID.match(oid):
            raise ConfigError(f"{table.where('extensions_*')}: {oid!r} is not a dotted OID")
    if not profile.allow_basic:          # the older spelling of leaving "basic" out
        profile = evolve(profile, accept=tuple(k for k in profile.accept if k != "basic"))
    if not profile.serverkeygen_key:
        profile = evolve(profile, serverkeygen_key=_default_server_key(profile))
    if profile.require_code and profile.require_channel_binding:
        raise ConfigError(f"{table.where('require_code')}: both the one-time code and the "
                          "channel binding travel in challengePassword; require one")
    if profile.scep_renews_at and profile.scep_renews_before:
        raise ConfigError(f"{table.where('scep_renews_at')}: the profile's SCEP devices "
                          "renew either at a fraction of the lifetime or some time before "
                          "its end; set one of scep_renews_at and scep_renews_before")
    table.done()
    return profile


def _key(table: _Table, base: FilePath, key: str, default: str,
         token_only: bool = False) -> tuple[FilePath, str]:
    """A private key setting: (the file, "") or, for a pkcs11: URI, (the default file,
    unused, and the URI); `token_only`: a file other than the default is refused."""
    value = table.get(key, str, default)
    if not tokens.is_uri(value):
        if token_only and value != default:
            raise ConfigError(f"{table.where(key)}: a pkcs11: URI, or unset ({default} in "
                              "the state directory)")
        return _path(base, value), ""
    try:
        tokens.parse_uri(value)
    except ValueError as e:
        raise ConfigError(f"{table.where(key)}: {e}") from None
    return _path(base, default), value


def _scep_signing(scep: _Table, state: FilePath
                  ) -> tuple[FilePath | None, FilePath | None, str]:
    """[scep] signing_cert/signing_key: (certificate, key file, key URI) of a separate
    CertRep signing key, or (None, None, "") when neither is set."""
    cert_name = scep.get("signing_cert", str, "")
    key_name = scep.get("signing_key", str, "")
    if not cert_name and not key_name:
        return None, None, ""
    if not (cert_name and key_name):
        raise ConfigError(f"{scep.where('signing_key' if key_name else 'signing_cert')}: "
                          "signing_cert and signing_key go together (the RA's CertRep "
                          "signing certificate and key)")
    cert = _path(state, cert_name)
    key, uri = _key(scep, state, "signing_key", "scep-ra-signing.key")
    return cert, key, uri


def _token_settings(table: _Table) -> tokens.TokenSettings:
    """[pkcs11]: the module and PIN of token keys, and how long a token call may take."""
    default = tokens.TokenSettings()
    settings = tokens.TokenSettings(
        module=table.get("module", str, default.module),
        pin_file=table.get("pin_file", str, ""), pin_env=table.get("pin_env", str, ""),
        timeout=float(table.get("timeout", (int, float), default.timeout, _positive)),
        queue=table.get("queue", int, default.queue, _positive))
    if settings.pin_file and settings.pin_env:
        raise ConfigError(f"{table.where('pin_file')}: give pin_file or pin_env, not both")
    table.done()
    return settings


def _existing(table: _Table, base: FilePath, key: str) -> FilePath | None:
    value = table.get(key, str, "")
    if not value:
        return None
    path = _path(base, value)
    if not path.exists():
        raise ConfigError(f"{table.where(key)}: {path.path} does not exist")
    return path


def _default_server_key(profile: Profile) -> str:
    """The key serverkeygen makes when the profile names none: the first its rules allow."""
    curves = {"secp256r1": "p256", "secp384r1": "p384", "secp521r1": "p521"}
    if "ec" in profile.key_types and profile.curves:
        return f"ec-{curves[profile.curves[0]]}"
    if "rsa" in profile.key_types:
        return f"rsa-{next(b for b in (2048, 3072, 4096) if b >= min(profile.min_rsa_bits, 4096))}"
    return "ed25519"


def keygen_problem(profile: Profile, spec: str) -> str | None:
    """Why the profile's own key rules would refuse a server-made key `spec` ("rsa-2048")."""
    kind, _, size = spec.partition("-")
    curve = {"p256": "secp256r1", "p384": "secp384r1", "p521": "secp521r1"}.get(size)
    if kind not in profile.key_types:
        return f"{kind} keys are not in key_types"
    if curve and curve not in profile.curves:
        return f"{curve} is not in curves"
    if kind == "rsa" and int(size) < profile.min_rsa_bits:
        return f"RSA {size} is below min_rsa_bits"
    return None


_RATE = re.compile(r"^(\d+)/(second|minute|hour|day)$")
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _fractions(value: list[Any]) -> str | None:
    """None when `value` is [start, end] with 0 <= start < end <= 1."""
    if len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               for v in value) and 0 <= value[0] < value[1] <= 1:
        return None
    return "must be [start, end], fractions of the lifetime with 0 <= start < end <= 1"


def _rate(table: _Table, key: str) -> tuple[int, int] | None:
    value = table.get(key, str, "", lambda v: None if not v or _RATE.match(v)
                      else 'must look like "10/hour" (per second, minute, hour or day)')
    if not value:
        return None
    m = _RATE.match(value)
    assert m is not None
    return int(m.group(1)), _SECONDS[m.group(2)]


def settings_from_string(text: str, source: str = "<string>", **overrides: Any) -> Settings:
    """Parse TOML text (tests use this)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source}: not valid TOML: {e}") from e
    return settings_from_dict(data, source, **overrides)


def reload_settings(running: Settings) -> Settings:
    """The configuration again, from the file (and command line) `running` came from."""
    return load_settings(running.config_file, **running.overrides)


def load_settings(path: FilePath | None, **overrides: Any) -> Settings:
    """Read the TOML file at `path` (None: built-in defaults)."""
    if path is None:
        return evolve(settings_from_dict({}, **overrides), overrides=overrides)
    try:
        text = path.getContent().decode("utf-8")
    except OSError as e:
        raise ConfigError(f"{path.path}: cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path.path}: not UTF-8 text") from e
    settings = settings_from_string(text, path.path, base=path.parent(), **overrides)
    return evolve(settings, config_file=path, overrides=overrides)


