"""Private keys on PKCS#11 tokens, named by RFC 7512 URIs (issue #22).

A token key is a cryptography private key (`TokenECKey`, `TokenRSAKey`) whose
`sign` and `decrypt` run on the token, so every builder estra signs with
(certificates, CRLs, OCSP, CMS) takes it unchanged.  Each token has one worker
thread that owns its PKCS#11 session (python-pkcs11 sessions are not thread
safe) fed by a bounded queue; the reactor never waits on a token: `with_key`
runs a whole build on the worker and answers `TokenUnavailable` (503 +
Retry-After) when the queue is full or the token has not answered within the
timeout.  A token error of the device kind (removed, not answering, session
lost) marks the token down for /healthz and the console and drops the
session, which the next call opens again.  The PIN comes from a file or an
environment variable only (`pin-source=file:` in the URI, or `[pkcs11]`),
never from the URI itself, a log or the store.
"""

from __future__ import annotations

import importlib.util

import base64
import os
import queue
import threading
from contextvars import ContextVar, Token as VarToken
from functools import partial
from typing import Any, Callable, Iterable, Mapping, TypeVar
from urllib.parse import unquote, unquote_to_bytes

from asn1crypto import algos, core
import attrs
from attrs import define, field, frozen
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from twisted.internet.defer import Deferred, TimeoutError as DeferredTimeout
from twisted.logger import Logger

from estra.errors import TokenUnavailable

__all__ = ["KeyUri", "TokenSettings", "Token", "TokenECKey", "TokenRSAKey", "TokenUnavailable",
           "is_uri", "parse_uri", "open_key", "with_key", "generate_key", "tokens",
           "token_problems", "SOFTHSM2", "OPENSSL_CONFIG", "PROVIDER_KEY", "provider_files",
           "provider_key", "provider_pem", "openssl_config", "openssl_uris", "read_pin",
           "labelled", "relabel", "is_token_key", "NEXT_LABEL", "OLD_LABEL", "Ahead", "open_ahead",
           "on_worker", "token_of", "KEY", "PROVIDER"]

log = Logger()
T = TypeVar("T")
SCHEME = "pkcs11:"
#: Debian's SoftHSM2 module: the default `module` when neither the URI nor [pkcs11] names one
SOFTHSM2 = "/usr/lib/softhsm/libsofthsm2.so"
#: in the state directory: the OpenSSL configuration that loads pkcs11-provider (estra
#: must start with OPENSSL_CONF naming it), and the TLS key as a PEM-wrapped URI
OPENSSL_CONFIG = "pkcs11-openssl.cnf"
PROVIDER_KEY = "server-key.p11.pem"
#: Debian's pkcs11-provider (bookworm-backports) for OpenSSL 3
PROVIDER_MODULE = "/usr/lib/x86_64-linux-gnu/ossl-modules/pkcs11.so"
#: labels of the CA key on a token during and after a rollover: `<label>.next` while it
#: is made, `<label>-old` for the old root's key until retire-old (estra/ca/rollover.py)
NEXT_LABEL, OLD_LABEL = ".next", "-old"
#: path attributes estra reads; anything else (slot-id, manufacturer...) is refused, not ignored
_PATH_ATTRIBUTES = ("token", "object", "id", "type")
_QUERY_ATTRIBUTES = ("pin-source", "module-path")
#: what `open_ahead` opens: a key as `open_key` gives it, or as `provider_key` does
KEY, PROVIDER = "key", "provider"


@frozen
class TokenSettings:
    """[pkcs11]: the module, where the PIN is, and how long and how many calls wait."""

    module: str = SOFTHSM2
    pin_file: str = ""            # a file holding the user PIN (first line)
    pin_env: str = ""             # or an environment variable holding it
    timeout: float = 5.0          # seconds a token call may take before 503
    queue: int = 64               # calls waiting per token before 503 at once


#: [pkcs11] with nothing set (the default wherever settings are optional)
DEFAULT_TOKENS = TokenSettings()


@frozen
class KeyUri:
    """A parsed `pkcs11:` URI naming one private key (RFC 7512)."""

    token: str
    object: str
    id: bytes = b""
    pin_source: str = ""          # "file:/path" (RFC 7512 2.3 pin-source)
    module: str = ""              # module-path, overriding [pkcs11] module

    def __str__(self) -> str:
        """The URI without its query: names the key in logs and errors, never the PIN path."""
        return f"pkcs11:token={self.token};object={self.object}"


def _binding() -> Any:
    """python-pkcs11 (an optional extra; a compiled module mypy cannot see into)."""
    return importlib.import_module("pkcs11")


def is_uri(text: str) -> bool:
    """True when a key setting names a token key rather than a file."""
    return text.startswith(SCHEME)


def parse_uri(text: str) -> KeyUri:
    """The key `text` names; ValueError saying what is wrong (never echoing a PIN)."""
    if not is_uri(text):
        raise ValueError("a PKCS#11 URI starts with pkcs11:")
    path, _, query = text[len(SCHEME):].partition("?")
    found: dict[str, str] = {}
    for part, known in ((path, _PATH_ATTRIBUTES), (query, _QUERY_ATTRIBUTES)):
        for item in filter(None, part.split(";" if part is path else "&")):
            name, equals, value = item.partition("=")
            if name == "pin-value":
                raise ValueError("pin-value is refused: give the PIN by pin-source=file: or "
                                 "[pkcs11] pin_file / pin_env")
            if not equals or name not in known:
                raise ValueError(f"unsupported attribute {name!r} (estra reads "
                                 f"{', '.join(_PATH_ATTRIBUTES + _QUERY_ATTRIBUTES)})")
            found[name] = value
    if found.get("type", "private") != "private":
        raise ValueError("type must be private (the key estra signs or decrypts with)")
    if not found.get("token") or not (found.get("object") or found.get("id")):
        raise ValueError("token= and object= (or id=) are required")
    pin_source = unquote(found.get("pin-source", ""))
    if pin_source and not pin_source.startswith("file:"):
        raise ValueError("pin-source must be file:/path")
    return KeyUri(unquote(found["token"]), unquote(found.get("object", "")),
                  unquote_to_bytes(found.get("id", "")), pin_source,
                  unquote(found.get("module-path", "")))


def read_pin(uri: KeyUri, settings: TokenSettings) -> str:
    """The user PIN from the URI's pin-source file, [pkcs11] pin_file, or pin_env."""
    where = uri.pin_source[len("file:"):] if uri.pin_source else settings.pin_file
    if where:
        try:
            with open(where, encoding="utf-8") as f:
                return f.readline().rstrip("\r\n")
        except OSError as e:
            raise ValueError(f"{uri}: cannot read the PIN file {where}: {e.strerror}") from None
    if settings.pin_env:
        if settings.pin_env not in os.environ:
            raise ValueError(f"{uri}: the environment variable {settings.pin_env} "
                             "(the PIN) is not set")
        return os.environ[settings.pin_env]
    raise ValueError(f"{uri}: no PIN: set pin-source=file: in the URI or [pkcs11] pin_file "
                     "or pin_env")


def _device_errors() -> tuple[type[BaseException], ...]:
    """python-pkcs11 errors that mean the token, not the request, is at fault (not
    GeneralError: SoftHSM2 answers a bad PKCS#1 block with it)."""
    e = _binding().exceptions
    return (e.DeviceError, e.DeviceMemory, e.DeviceRemoved, e.TokenNotPresent,
            e.TokenNotRecognised, e.SessionClosed, e.SessionHandleInvalid, e.NoSuchToken,
            e.PinIncorrect, e.PinLocked, e.UserNotLoggedIn,
            e.KeyHandleInvalid, e.ObjectHandleInvalid)


@define(eq=False)
class _Call:
    """One queued call and where its outcome goes."""

    work: Callable[[], Any]
    settle: Callable[[bool, Any], None]
    abandoned: bool = False


@define(eq=False)
class Token:
    """One token: a worker thread that owns its session, and a bounded queue to it."""

    module: str
    label: str
    pin: str = field(repr=False)
    settings: TokenSettings
    reactor: Any = None           # IReactorFromThreads + IReactorTime; None: the global one
    problem: str = ""             # "" while the token answers; why not, otherwise
    _jobs: "queue.Queue[_Call]" = field(init=False)
    _thread: threading.Thread | None = None
    _session: Any = None
    _objects: dict[tuple[str, bytes, str], Any] = field(factory=dict)
    _verified: dict[tuple[str, bytes], tuple[Any, Any]] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self._jobs = queue.Queue(self.settings.queue)

    def call(self, work: Callable[[], T]) -> "Deferred[T]":
        """`work()` on the worker (it may use this token's keys); TokenUnavailable when
        the queue is full or no answer came within the timeout."""
        done: Deferred[T] = Deferred()
        if self.reactor is None:
            from twisted.internet import reactor
            self.reactor = reactor

        def settle(ok: bool, value: Any) -> None:
            if not done.called:
                (done.callback if ok else done.errback)(value)
        job = _Call(work, lambda ok, value: self.reactor.callFromThread(settle, ok, value))
        self._submit(job)

        def late(failure: Any) -> Any:
            job.abandoned = True
            if failure.check(DeferredTimeout):
                self.problem = f"no answer within {self.settings.timeout:g} s"
                log.warn("PKCS#11 token {label}: {problem}", label=self.label,
                         problem=self.problem)
                raise TokenUnavailable(f"the key's token {self.label} is not answering; "
                                       "retry later")
            return failure
        done.addTimeout(self.settings.timeout, self.reactor)
        return done.addErrback(late)

    def call_blocking(self, work: Callable[[], T]) -> T:
        """`work()` on the worker, waited for here (commands, start-up: never the reactor
        while it serves); on the worker itself, at once."""
        if threading.current_thread() is self._thread:
            return work()
        if _AHEAD.get() is not None:
            raise TokenUnavailable(f"a reload does not wait on the key's token {self.label} "
                                   "(it would hold up every request): restart estra for "
                                   "this change")
        answered = threading.Event()
        outcome: list[Any] = []

        def settle(ok: bool, value: Any) -> None:
            outcome.extend((ok, value))
            answered.set()
        job = _Call(work, settle)
        self._submit(job)
        if not answered.wait(self.settings.timeout):
            job.abandoned = True
            raise TokenUnavailable(f"the key's token {self.label} did not answer within "
                                   f"{self.settings.timeout:g} s")
        if not outcome[0]:
            raise outcome[1]
        return outcome[1]  # type: ignore[no-any-return]

    def _submit(self, job: _Call) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, daemon=True,
                                            name=f"pkcs11 {self.label}")
            self._thread.start()
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            raise TokenUnavailable(f"the key's token {self.label} is busy "
                                   f"({self.settings.queue} calls waiting); retry later",
                                   retry_after=5) from None

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job.abandoned:
                continue
            try:
                value, ok = job.work(), True
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                value, ok = e, False
            if ok:
                self.problem = ""
            job.settle(ok, value)

    def probe(self) -> "Deferred[str]":
        """The token's label, asked for on the worker (a session opened if there is none)."""
        return self.call(lambda: self.guarded(lambda: str(self.session().token.label)))

    async def status(self) -> str:
        """"ok" once the token answers a probe; TokenUnavailable otherwise (console)."""
        await self.probe()
        return "ok: answers"

    # --- on the worker thread only -------------------------------------------------
    def session(self) -> Any:
        """The open, logged-in session (opened again after a device error)."""
        if self._session is None:
            pkcs11 = _binding()
            token = pkcs11.lib(self.module).get_token(token_label=self.label)
            try:
                self._session = token.open(user_pin=self.pin, rw=True)
            except pkcs11.exceptions.UserAlreadyLoggedIn:   # pkcs11-provider logged this
                self._session = token.open(rw=True)         # process in: sessions share it
            self._objects.clear()
        return self._session

    def forget(self) -> None:
        """Look keys up again (labels changed on the token: a rollover)."""
        self._objects.clear()

    def find(self, uri: KeyUri, kind: str) -> Any:
        """The private or public key object `uri` names, found once per session."""
        binding = _binding()
        Attribute, ObjectClass = binding.Attribute, binding.ObjectClass
        key = (uri.object, uri.id, kind)
        if key not in self._objects:
            template: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY
                                        if kind == "private" else ObjectClass.PUBLIC_KEY}
            if uri.object:
                template[Attribute.LABEL] = uri.object
            if uri.id:
                template[Attribute.ID] = uri.id
            found = list(self.session().get_objects(template))
            if not found:
                raise LookupError(f"{uri}: no {kind} key of that name on the token")
            if len(found) > 1:
                raise ValueError(f"{uri}: {len(found)} {kind} keys of that name on the token")
            self._objects[key] = found[0]
        return self._objects[key]

    def holding(self, uri: KeyUri, public: Any) -> Any:
        """The private key object `uri` names while it is still the key of `public`.  A
        rollover (here or on a node sharing the token) moves labels: the name may now
        be another key, which must not sign for this one's certificate; TokenUnavailable
        (retry) until this process serves the new CA.  Checked once per object found."""
        found = self.find(uri, "private")
        seen = self._verified.get((uri.object, uri.id))
        if seen is None or seen[0] is not found or seen[1] != public:
            if _public_key(self, uri) != public:
                raise TokenUnavailable(f"{uri} names another key on the token now (a CA "
                                       "rollover relabelled it); retry once this node "
                                       "serves the new CA", retry_after=5)
            self._verified[uri.object, uri.id] = (found, public)
        return found

    def guarded(self, work: Callable[[], T]) -> T:
        """`work()`, a device error marking the token down and dropping the session."""
        try:
            return work()
        except _device_errors() as e:
            self.problem = f"{type(e).__name__}: {e}".rstrip(": ")
            log.warn("PKCS#11 token {label}: {problem}", label=self.label,
                     problem=self.problem)
            self._session, self._objects = None, {}
            raise


#: the tokens of this process by (module, label): one worker each, shared by its keys
_TOKENS: dict[tuple[str, str], Token] = {}


def tokens() -> list[Token]:
    """Every token this process has opened a key on."""
    return list(_TOKENS.values())


def _token(uri: KeyUri, settings: TokenSettings) -> Token:
    if importlib.util.find_spec("pkcs11") is None:      # an optional extra
        raise ValueError(f"{uri}: token keys need python-pkcs11: pip install 'estra[pkcs11]'")
    module = uri.module or settings.module
    found = _TOKENS.get((module, uri.token))
    if found is None or found.settings != settings:   # new [pkcs11] (a reload): keys
        # opened from now on get a worker of their own; keys already open keep theirs
        found = _TOKENS[module, uri.token] = Token(module, uri.token, read_pin(uri, settings),
                                                   settings)
    return found


def token_of(text: str, settings: TokenSettings) -> Token:
    """The token the URI `text` names (one per module and label in this process)."""
    return _token(parse_uri(text), settings)


def on_worker(text: str, settings: TokenSettings, work: Callable[[], T]) -> "Deferred[T]":
    """`work()` (all of it: files, signatures, keys opened) on the worker of the token the
    URI `text` names, under its timeout: what the reactor does instead of waiting."""
    return token_of(text, settings).call(work)


#: set while a build on the reactor (a reload) runs inside an `Ahead`
_AHEAD: ContextVar["Ahead | None"] = ContextVar("estra.tokens.ahead", default=None)


@define(eq=False)
class Ahead:
    """Token keys opened beforehand on their tokens' workers, for a build on the reactor
    (a reload): inside `with ahead:` `open_key` and `provider_key` answer from them, and
    whatever would wait on a token (a key not opened ahead, making a key, a signature
    outside `with_key`) is refused at once instead."""

    keys: Mapping[tuple[str, str], Any]   # (KEY or PROVIDER, URI) -> key; None: not there
    _reset: "VarToken[Ahead | None] | None" = None

    def __enter__(self) -> "Ahead":
        self._reset = _AHEAD.set(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._reset is not None:
            _AHEAD.reset(self._reset)

    def opened(self, kind: str, text: str) -> Any:
        """The key opened ahead; LookupError when the token has no such key."""
        try:
            found = self.keys[kind, text]
        except KeyError:
            raise TokenUnavailable(f"{parse_uri(text)}: a reload does not wait on a token "
                                   "for a key it did not open ahead; restart estra") from None
        if found is None:
            raise LookupError(f"{parse_uri(text)}: no private key of that name on the token")
        return found


def _open_now(kind: str, text: str, settings: TokenSettings) -> Any:
    """On the worker: the key `open_ahead` wants, or None when the token has none."""
    try:
        return (open_key if kind == KEY else provider_key)(text, settings)
    except LookupError:
        return None


async def open_ahead(wanted: Iterable[tuple[str, str]], settings: TokenSettings) -> Ahead:
    """Each (KEY or PROVIDER, URI) of `wanted` opened on its token's worker, one after
    another, each under the token's timeout (TokenUnavailable when a token does not
    answer): the reactor waits on none."""
    keys = {}
    for kind, text in dict.fromkeys(wanted):
        keys[kind, text] = await on_worker(text, settings, partial(_open_now, kind, text,
                                                                   settings))
    return Ahead(keys)


class _TokenKey:
    """What both token key kinds share: their token, URI and public key."""

    def __init__(self, token: Token, uri: KeyUri, public: Any) -> None:
        self.token, self.uri, self._public = token, uri, public

    def public_key(self) -> Any:
        return self._public

    @property
    def key_size(self) -> int:
        return int(self._public.key_size)

    def _on_token(self, operation: Callable[[Any], T]) -> T:
        """`operation(private key object)` on the worker (waited for when called elsewhere)."""
        return self.token.call_blocking(lambda: self.token.guarded(
            lambda: operation(self.token.holding(self.uri, self._public))))

    def private_numbers(self) -> Any:
        raise TypeError(f"{self.uri}: a token key never leaves the token")

    def private_bytes(self, *args: Any, **kwargs: Any) -> bytes:
        raise TypeError(f"{self.uri}: a token key never leaves the token")

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: Any) -> Any:
        return self


def _digest(data: bytes, algorithm: Any) -> tuple[bytes, hashes.HashAlgorithm]:
    if isinstance(algorithm, utils.Prehashed):
        return data, algorithm._algorithm
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize(), algorithm


class TokenECKey(_TokenKey, ec.EllipticCurvePrivateKey):
    """An EC private key on a token: ECDSA (CKM_ECDSA over the digest) only."""

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._public.curve  # type: ignore[no-any-return]

    def exchange(self, *args: Any, **kwargs: Any) -> bytes:
        raise TypeError(f"{self.uri}: estra signs with token EC keys, never ECDH")

    def sign(self, data: Any, signature_algorithm: Any) -> bytes:
        Mechanism = _binding().Mechanism
        digest, _ = _digest(bytes(data), signature_algorithm.algorithm)
        raw = self._on_token(lambda key: key.sign(digest, mechanism=Mechanism.ECDSA))
        half = len(raw) // 2
        return utils.encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                          int.from_bytes(raw[half:], "big"))


class TokenRSAKey(_TokenKey, rsa.RSAPrivateKey):
    """An RSA private key on a token: PKCS#1 v1.5 signing and decryption (CKM_RSA_PKCS)."""

    def sign(self, data: Any, padding_: Any, algorithm: Any) -> bytes:
        Mechanism = _binding().Mechanism
        if not isinstance(padding_, padding.PKCS1v15):
            raise TypeError(f"{self.uri}: only PKCS#1 v1.5 signatures")
        digest, hash_algorithm = _digest(bytes(data), algorithm)
        info = algos.DigestInfo({"digest_algorithm": {"algorithm": hash_algorithm.name.replace(
            "-", "_")}, "digest": digest}).dump()
        return self._on_token(lambda key: bytes(key.sign(info, mechanism=Mechanism.RSA_PKCS)))

    def decrypt(self, ciphertext: bytes, padding_: Any) -> bytes:
        Mechanism = _binding().Mechanism
        if not isinstance(padding_, padding.PKCS1v15):
            raise TypeError(f"{self.uri}: only PKCS#1 v1.5 decryption (SCEP key transport)")
        return self._on_token(lambda key: bytes(key.decrypt(ciphertext,
                                                            mechanism=Mechanism.RSA_PKCS)))


def _public_key(token: Token, uri: KeyUri) -> Any:
    """The cryptography public key of `uri`'s key pair (on the worker)."""
    binding = _binding()
    Attribute, KeyType = binding.Attribute, binding.KeyType
    from pkcs11.util.ec import encode_ec_public_key
    private = token.find(uri, "private")
    if private.key_type == KeyType.RSA:
        return rsa.RSAPublicNumbers(int.from_bytes(private[Attribute.PUBLIC_EXPONENT], "big"),
                                    int.from_bytes(private[Attribute.MODULUS], "big")
                                    ).public_key()
    if private.key_type == KeyType.EC:
        return serialization.load_der_public_key(encode_ec_public_key(
            token.find(uri, "public")))
    raise ValueError(f"{uri}: only EC and RSA keys")


def open_key(text: str, settings: TokenSettings) -> Any:
    """The token key `text` (a pkcs11: URI) names, its public key read from the token
    (blocking: at start-up and in commands).  ValueError or TokenUnavailable when the
    URI, PIN, token or key is not right."""
    ahead = _AHEAD.get()
    if ahead is not None:
        return ahead.opened(KEY, text)
    uri = parse_uri(text)
    token = _token(uri, settings)

    def public_key() -> Any:
        token.forget()               # another process may have relabelled keys since
        return _public_key(token, uri)
    try:
        public = token.call_blocking(lambda: token.guarded(public_key))
    except _device_errors() as e:
        raise ValueError(f"{uri}: {token.problem or type(e).__name__}") from None
    if isinstance(public, rsa.RSAPublicKey):
        return TokenRSAKey(token, uri, public)
    return TokenECKey(token, uri, public)


def generate_key(text: str, settings: TokenSettings, kind: str = "ec") -> Any:
    """Make a key pair on the token as `text` names it (EC P-256 or RSA 2048, sensitive,
    never extractable) and open it; ValueError when one of that name exists."""
    binding = _binding()
    Attribute, KeyType = binding.Attribute, binding.KeyType
    from pkcs11.util.ec import encode_named_curve_parameters
    uri = parse_uri(text)
    if _AHEAD.get() is not None:
        raise ValueError(f"{uri}: no such key on the token, and a reload makes no token "
                         "keys: restart estra (or run estra init) to make it")
    token = _token(uri, settings)

    def make() -> None:
        session = token.session()
        if list(session.get_objects({Attribute.LABEL: uri.object})):
            raise ValueError(f"{uri}: the token already holds an object of that name")
        template = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                    Attribute.ID: uri.id or uri.object.encode()}
        if kind == "rsa":
            session.generate_keypair(KeyType.RSA, 2048, store=True, label=uri.object,
                                     private_template=template,
                                     public_template={Attribute.ID: template[Attribute.ID]})
        else:
            parameters = session.create_domain_parameters(KeyType.EC, {
                Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
            parameters.generate_keypair(store=True, label=uri.object,
                                        private_template=template,
                                        public_template={Attribute.ID: template[Attribute.ID]})
    token.call_blocking(lambda: token.guarded(make))
    return open_key(text, settings)


def openssl_uris(settings: Any) -> list[str]:
    """The token keys of `settings` (estra.config.Settings) that OpenSSL uses: the TLS
    server key and the upstreams' client keys."""
    return [uri for uri in [settings.tls_key_uri, *(u.client_key_uri for u in
                                                    settings.upstreams.values())] if uri]


async def with_key(key: Any, build: Callable[[], T]) -> T:
    """`build()`, which signs or decrypts with `key`: at once for a key in memory, on the
    token's worker for a token key, so the reactor never waits on a token."""
    if isinstance(key, _TokenKey):
        return await key.token.call(build)
    return build()


class _ProviderUri(core.Sequence):
    """pkcs11-provider's "PKCS#11 PROVIDER URI" PEM body (its tools/uri2pem.py)."""

    _fields = [("desc", core.VisibleString), ("uri", core.UTF8String)]


def openssl_config(settings: TokenSettings) -> str:
    """An OpenSSL 3 configuration loading pkcs11-provider beside the default provider.

    Algorithms prefer the default provider (`?provider=default`): only operations on a
    token key go to the token, never estra's hashing or its file keys.  `no-deinit`:
    the provider leaves the module initialised at exit, where python-pkcs11 shares it.
    """
    return f"""# written by estra from [pkcs11]; start estra with OPENSSL_CONF naming this file
openssl_conf = openssl_init

[openssl_init]
providers = provider_sect
alg_section = algorithm_sect

[algorithm_sect]
default_properties = ?provider=default

[provider_sect]
default = default_sect
pkcs11 = pkcs11_sect

[default_sect]
activate = 1

[pkcs11_sect]
module = {PROVIDER_MODULE}
pkcs11-module-path = {settings.module}
pkcs11-module-quirks = no-deinit
activate = 1
"""


def labelled(text: str, label: str) -> str:
    """The URI `text` naming the key labelled `label` instead (same token, PIN, module)."""
    uri = parse_uri(text)
    if not uri.object:
        raise ValueError(f"{uri}: name the key by object= (its label)")
    query = "&".join(f"{name}={value}" for name, value in (
        ("pin-source", uri.pin_source), ("module-path", uri.module)) if value)
    return f"{SCHEME}token={uri.token};object={label}" + (f"?{query}" if query else "")


def relabel(text: str, settings: TokenSettings, renames: list[tuple[str, str]]) -> None:
    """On the token of `text`, the key pair labelled `old` becomes `new` (its label and
    CKA_ID), for each (old, new) in turn; a label no object has is skipped."""
    Attribute = _binding().Attribute
    token = _token(parse_uri(text), settings)

    def run() -> None:
        session = token.session()
        for old, new in renames:
            for obj in list(session.get_objects({Attribute.LABEL: old})):
                obj[Attribute.LABEL] = new
                obj[Attribute.ID] = new.encode()
        token.forget()
    token.call_blocking(lambda: token.guarded(run))


def is_token_key(key: Any) -> bool:
    """True for a key on a token (it never leaves it: no PEM, no wrapping)."""
    return isinstance(key, _TokenKey)


def provider_pem(text: str, settings: TokenSettings) -> bytes:
    """The key `text` names as pkcs11-provider's PEM-wrapped URI, which OpenSSL reads
    like a PEM key once the provider is loaded.  The PIN is named by its file only
    (pin-source), never written."""
    uri = parse_uri(text)
    pin_file = uri.pin_source[len("file:"):] if uri.pin_source else settings.pin_file
    if not pin_file:
        raise ValueError(f"{uri}: a TLS key on a token needs its PIN in a file "
                         "(pin-source=file: or [pkcs11] pin_file): OpenSSL reads it")
    named = f"{SCHEME}token={uri.token};object={uri.object};type=private?pin-source=file:" \
            f"{pin_file}"
    der = _ProviderUri({"desc": "PKCS#11 Provider URI v1.0", "uri": named}).dump()
    return (b"-----BEGIN PKCS#11 PROVIDER URI-----\n" + base64.encodebytes(der)
            + b"-----END PKCS#11 PROVIDER URI-----\n")


def provider_files(uris: list[str], tls_key: str, settings: TokenSettings) -> dict[str, bytes]:
    """For the keys OpenSSL uses (`uris`: the TLS key `tls_key`, upstream client keys),
    the files of the state directory that name them (file name -> content): the OpenSSL
    configuration and `provider_pem` of the TLS key; called at start, before OpenSSL
    loads a key (it initialises the token's module first)."""
    if not uris:
        return {}
    module = parse_uri(uris[0]).module or settings.module
    pkcs11 = _binding()
    pkcs11.lib(module)  # python-pkcs11 first: it refuses a module initialised already,
    #                     pkcs11-provider (at its first key, later) accepts one
    files = {OPENSSL_CONFIG: openssl_config(attrs.evolve(settings, module=module)).encode()}
    if tls_key:
        files[PROVIDER_KEY] = provider_pem(tls_key, settings)
    return files


def provider_key(text: str, settings: TokenSettings) -> Any:
    """The token key `text` names as a pyOpenSSL PKey held by pkcs11-provider (TLS client
    authentication); ValueError when OpenSSL has not loaded the provider."""
    ahead = _AHEAD.get()
    if ahead is not None:
        return ahead.opened(PROVIDER, text)
    from OpenSSL import crypto
    try:
        return crypto.load_privatekey(crypto.FILETYPE_PEM, provider_pem(text, settings))
    except crypto.Error as e:
        raise ValueError(f"{parse_uri(text)}: OpenSSL cannot use it ({e}); start estra "
                         f"with OPENSSL_CONF naming the state directory's {OPENSSL_CONFIG}, "
                         "which loads pkcs11-provider") from None


async def token_problems() -> list[str]:
    """What is wrong with each token now: each is asked for its session, under its timeout."""
    problems = []
    for token in tokens():
        try:
            await token.status()
        except Exception as e:  # noqa: BLE001 - any failure is the token's state
            problems.append(f"token {token.label}: {token.problem or e}")
    return problems
