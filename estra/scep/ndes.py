"""The NDES-compatible challenge page: `/certsrv/mscep_admin/` for MDM connectors that
scrape Microsoft NDES for a one-time password (issue #21).

Served on the EST listener (always TLS: the client's Basic password crosses the
wire), at `/certsrv/mscep_admin`, with or without the trailing slash, and
`/certsrv/mscep_admin/default.asp`, in any letter case (IIS ignores case), for
the profile `[challenges] profile`; and at `/certsrv/mscep_admin/<label>/` (and
`.../<label>/default.asp`) for any other profile taking challenges: one NDES
serves one template per purpose, so one "NDES admin URL" per profile is what
every connector can be pointed at (each lets its operator set the whole URL).  It
answers as NDES does, so scrapers (Fleet, Zentral, Jamf, PowerShell modules)
work unchanged: an HTML page in UTF-16 with a byte-order mark (`[challenges]
page_encoding = "utf-8"` for those that read UTF-8) carrying

    The enrollment challenge password is: <B> 32 HEX DIGITS </B>

with status 200; the "password cache is full" page (status 200, as NDES) when
the client holds `outstanding` unused challenges; the "sufficient permission"
page (status 200) for a client without the `issue` role.  No or wrong
credentials get 401 with `WWW-Authenticate: Basic` (NTLM is not offered: see
docs/ndes.rst); the hourly quota, 429 text/plain; HEAD, 405 (it would spend a
challenge nobody sees).
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

from cryptography.hazmat.primitives.serialization import Encoding
from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.ra.challenges import ISSUE, CacheFull, ChallengeIssuer
from estra.config import Profile
from estra.errors import Forbidden, NotFound, Unauthorized
from estra.web.http import answer_error, log_request, respond, run_async
from estra.ra.pipeline import RegistrationAuthority

__all__ = ["NdesAdminPage", "mount_ndes", "PAGE_PATH"]

PAGE_PATH = (b"certsrv", b"mscep_admin")
_HEAD = ('<HTML><Head><Meta HTTP-Equiv="Content-Type" Content="text/html; '
         'charset={charset}"><Title>Network Device Enrollment Service</Title></Head>'
         '<Body BgColor=#FFFFFF><Font ID=locPageFont Face="Arial">\r\n'
         '<P><B> Network Device Enrollment Service</B>\r\n')
_TAIL = '</Font></Body></HTML>\r\n'
_CHALLENGE = (
    '<P> Network Device Enrollment Service allows you to obtain certificates for routers '
    'or other network devices using the Simple Certificate Enrollment Protocol (SCEP).\r\n'
    '<P> To complete certificate enrollment for your network device you will need the '
    'following information:\r\n'
    '<P> The thumbprint (hash value) for the CA certificate is: <B> {thumbprint} </B>\r\n'
    '<P> The enrollment challenge password is: <B> {challenge} </B>\r\n'
    '<P> This password can be used only once and will expire within {minutes} minutes.\r\n'
    '<P> Each enrollment requires a new challenge password. You can refresh this web page '
    'to obtain a new challenge password.\r\n')
_CACHE_FULL = (
    '<P> The password cache is full. Wait for unused passwords to expire or be used, '
    'and then try again.\r\n')
_NO_PERMISSION = (
    '<P> You do not have sufficient permission to enroll with SCEP. Please contact your '
    'system administrator.\r\n')
_LEAVES: tuple[list[str], ...] = ([], ["default.asp"])


class NdesAdminPage(Resource):
    """`/certsrv/mscep_admin[/<label>][/][default.asp]`: one fresh challenge per request,
    for the profile `label` names (the default: `profile`)."""

    isLeaf = True
    allowedMethods = (b"GET",)         # not HEAD: it would spend a challenge unseen

    def __init__(self, issuer: ChallengeIssuer, ra: RegistrationAuthority,
                 profile: Profile, others: Mapping[str, Profile] = {}) -> None:
        """`others`: the other profiles taking challenges, each at its label."""
        super().__init__()
        self.issuer, self.ra, self.profile = issuer, ra, profile
        self.profiles = {name: p for name, p in others.items() if name in issuer.profiles}

    def _profile_of(self, request: Request) -> Profile:
        """The profile the path names; NotFound for any other path."""
        parts = [p.decode("utf-8", "replace") for p in request.postpath or [] if p]
        if [p.lower() for p in parts] in _LEAVES:
            return self.profile
        label, leaf = parts[0], [p.lower() for p in parts[1:]]
        found = self.profiles.get(label) or next(
            (p for name, p in self.profiles.items() if name.lower() == label.lower()), None)
        if found is None or leaf not in _LEAVES:
            raise NotFound("not an NDES page; try /certsrv/mscep_admin/ or "
                           "/certsrv/mscep_admin/<profile>/")
        return found

    def render_GET(self, request: Request) -> Any:
        return run_async(request, lambda: self._run(request))

    async def _run(self, request: Request) -> None:
        address = str(getattr(request.getClientAddress(), "host", "?"))
        profile = self.profile.name
        who, status, reason = "-", 200, ""
        try:
            chosen = self._profile_of(request)
            profile = chosen.name
            try:
                who = await self.issuer.client(request.getHeader(b"authorization"), address,
                                               ISSUE)
                issued = await self.issuer.issue(who, address, profile, via="ndes-page")
                body = _CHALLENGE.format(
                    thumbprint=await self._thumbprint(chosen), challenge=issued.challenge,
                    minutes=self.issuer.settings.ttl // 60)
                reason = f"challenge {issued.id} issued"
            except (CacheFull, Forbidden) as e:     # NDES answers these with a page
                body = _CACHE_FULL if isinstance(e, CacheFull) else _NO_PERMISSION
                reason = e.reason
            self._page(request, body)
        except Exception as e:  # noqa: BLE001 - answer_error decides
            err = answer_error(e, request)
            status, reason = (err.status, err.reason) if err else (499, "client left")
            if isinstance(e, Unauthorized) and e.attempted:
                who = str(e.attempted)
        log_request(request, "ndes", "mscep_admin", profile, status, who, "basic", reason)

    def _page(self, request: Request, body: str) -> None:
        encoding = self.issuer.settings.page_encoding
        html = _HEAD.format(charset=encoding.upper()) + body + _TAIL
        data = (b"\xff\xfe" + html.encode("utf-16-le")) if encoding == "utf-16" \
            else html.encode("utf-8")
        respond(request, 200, data, {"Content-Type": f"text/html; charset={encoding}",
                                     "Cache-Control": "no-store"})

    async def _thumbprint(self, profile: Profile) -> str:
        """SHA-256 of the profile's top CA certificate (NDES shows a hash of its CA)."""
        chain = await self.ra.cacerts(profile)
        return hashlib.sha256(chain[-1].public_bytes(Encoding.DER)).hexdigest().upper()


def mount_ndes(root: Resource, page: NdesAdminPage) -> None:
    """Serve `page` under `root` at /certsrv/mscep_admin, in any letter case."""
    certsrv = Resource()
    certsrv.putChild(PAGE_PATH[1], page)
    fallback = root.getChild

    def child(path: bytes, request: Request) -> Resource:
        if path.lower() == PAGE_PATH[0]:
            return certsrv
        return fallback(path, request)          # type: ignore[no-any-return]

    def page_child(path: bytes, request: Request) -> Resource:
        return page if path.lower() == PAGE_PATH[1] else fallback(path, request)

    root.putChild(PAGE_PATH[0], certsrv)
    root.getChild = child  # type: ignore[method-assign]
    certsrv.getChild = page_child  # type: ignore[method-assign]
