"""Microsoft Intune as the SCEP challenge authority (issue #21).

A profile with `scep_challenge = "intune"` hands each PKCSReq to Intune's SCEP
validation service and reports the outcome, as Microsoft documents for
third-party certification authorities (microsoft/Intune-Resource-Access, the
"Intune SCEP management library"):

1. a token by OAuth 2.0 client credentials from
   `{login}/{tenant}/oauth2/v2.0/token` (the app id and its secret, or a client
   assertion signed with its certificate's key: `AppCertificate`), one for
   Microsoft Graph (`https://graph.microsoft.com/.default`) and one for Intune
   (`https://api.manage.microsoft.com//.default`), kept until shortly before
   they expire;
2. the service's address from Graph:
   `GET {graph}/v1.0/servicePrincipals/appId=0000000a-0000-0000-c000-000000000000/endpoints`,
   the `uri` of `providerName` "ScepRequestValidationFEService" (kept until a
   call fails);
3. `POST {uri}/ScepActions/validateRequest` with `{"request": {"transactionId",
   "certificateRequest" (base64 DER PKCS#10), "callerInfo"}}`, then
   `ScepActions/successNotification` (`certificateThumbprint`,
   `certificateSerialNumber`, `certificateExpirationDateUtc`,
   `issuingCertificateAuthority`) or `ScepActions/failureNotification`
   (`hResult`, `errorDescription`) under `"notification"`; headers
   `Authorization: Bearer`, `api-version: 2018-02-20`, `client-request-id` (a
   new UUID), `UserAgent` (the caller info); the answer `{"code",
   "errorDescription"}`, `"Success"` or one of the documented error codes.

A code other than Success refuses the request (FAILURE badRequest, the code in
the reason).  Intune unreachable, a 401 (the token is dropped) or any other
HTTP error: the device gets PENDING and asks again.  A notification Intune does
not take is retried (`NOTIFY_BACKOFF`), then given up: the certificate stays
issued, and estra/scep/resource.py logs and audits it ("notification-undelivered").  Verified
only against the fake in tests/test_intune.py: no Intune tenant is reachable from here.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from twisted.internet.task import deferLater

from estra import __version__
from estra.config import Profile
from estra.credentials import AppCertificate
from estra.errors import Forbidden, UpstreamUnavailable
from estra.upstream.http import UpstreamHTTP

__all__ = ["IntuneValidator", "AppCertificate", "ASSERTION_TYPE", "INTUNE_APP_ID", "SERVICE",
           "API_VERSION", "E_FAIL", "NOTIFY_BACKOFF"]

INTUNE_APP_ID = "0000000a-0000-0000-c000-000000000000"
SERVICE = "ScepRequestValidationFEService"
API_VERSION = "2018-02-20"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
INTUNE_SCOPE = "https://api.manage.microsoft.com//.default"
#: the HRESULT a failure notification carries (E_FAIL: the CA did not issue)
E_FAIL = 0x80004005
CALLER = f"estra/{__version__}"
#: seconds before each retry of a notification Intune did not take (then it is given
#: up: logged and audited as "notification-undelivered" by estra/scep/resource.py)
NOTIFY_BACKOFF = (2.0, 10.0, 30.0)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: how long a client assertion is good for (Entra ID takes short-lived ones)


class IntuneValidator:
    """One profile's Intune tenant: tokens, the service address, the SCEP actions."""

    def __init__(self, http: UpstreamHTTP, profile: Profile) -> None:
        self.http, self.profile = http, profile
        self._tokens: dict[str, tuple[str, float]] = {}
        self._service: str | None = None
        self._certificate = AppCertificate.load(profile.intune_app_cert, profile.intune_app_key) \
            if profile.intune_app_cert else None

    def _unavailable(self, what: str) -> UpstreamUnavailable:
        return UpstreamUnavailable.because("intune", what, self.http.retry_after)

    async def _token(self, scope: str) -> str:
        token, until = self._tokens.get(scope, ("", 0.0))
        if token and until > time.monotonic():
            return token
        p = self.profile
        url = f"{p.intune_login_url.rstrip('/')}/{p.intune_tenant}/oauth2/v2.0/token"
        credential = {"client_secret": p.intune_app_secret} if self._certificate is None \
            else {"client_assertion_type": ASSERTION_TYPE, "client_assertion":
                  self._certificate.assertion(p.intune_app_id, url, time.time())}
        reply = await self.http.request(
            "POST", url, headers={"Content-Type": "application/x-www-form-urlencoded"},
            data=urlencode({"grant_type": "client_credentials", "client_id": p.intune_app_id,
                            **credential, "scope": scope}).encode())
        answer = _json(reply.body) if reply.status == 200 else {}
        issued, lifetime = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(issued, str) or not issued or not isinstance(lifetime, int):
            refusal = _json(reply.body)
            codes = refusal.get("error_codes")       # Entra ID's AADSTS numbers
            aadsts = "".join(f", AADSTS{c}" for c in codes[:3] if isinstance(c, int)) \
                if isinstance(codes, list) else ""
            raise self._unavailable(f"no token from the login service (HTTP {reply.status}: "
                                    f"{refusal.get('error', 'no error code')}{aadsts})")
        self._tokens[scope] = (issued, time.monotonic() + max(0, lifetime - 60))
        return issued

    async def _endpoint(self) -> str:
        if self._service is None:
            token = await self._token(GRAPH_SCOPE)
            reply = await self.http.request(
                "GET", f"{self.profile.intune_graph_url.rstrip('/')}/v1.0/servicePrincipals/"
                f"appId={INTUNE_APP_ID}/endpoints", headers={
                    "Authorization": f"Bearer {token}", "client-request-id": str(uuid.uuid4())})
            if reply.status == 401:
                self._tokens.pop(GRAPH_SCOPE, None)
            values = _json(reply.body).get("value") if reply.status == 200 else None
            found = [str(v["uri"]) for v in values or [] if isinstance(v, dict)
                     and v.get("providerName") == SERVICE and isinstance(v.get("uri"), str)]
            if not found:
                raise self._unavailable(f"Graph did not name the {SERVICE} (HTTP "
                                        f"{reply.status})")
            self._service = found[0].rstrip("/")
        return self._service

    async def _action(self, action: str, wrapper: str, fields: dict[str, Any]) -> dict[str, Any]:
        service, token = await self._endpoint(), await self._token(INTUNE_SCOPE)
        body = json.dumps({wrapper: {**fields, "callerInfo": CALLER}}).encode()
        reply = await self.http.request("POST", f"{service}/ScepActions/{action}", data=body,
                                        headers={"Authorization": f"Bearer {token}",
                                                 "Content-Type": "application/json",
                                                 "client-request-id": str(uuid.uuid4()),
                                                 "api-version": API_VERSION,
                                                 "UserAgent": CALLER})
        answer = _json(reply.body)
        if reply.status == 401:
            self._tokens.pop(INTUNE_SCOPE, None)
        if not 200 <= reply.status < 300 or not isinstance(answer.get("code"), str):
            self._service = None if reply.status in (404, 410) else self._service
            raise self._unavailable(f"{action} answered HTTP {reply.status}")
        return answer

    async def validate(self, transaction_id: str, csr: x509.CertificateSigningRequest) -> None:
        """Forbidden (rule intune) unless Intune answers Success for this request."""
        answer = await self._action("validateRequest", "request", {
            "transactionId": transaction_id, "certificateRequest": _b64(csr)})
        if answer["code"] != "Success":
            description = answer.get("errorDescription")
            raise Forbidden.because("intune", f"Intune refused the request: {answer['code']}"
                                    + (f" ({description})" if isinstance(description, str)
                                       and description else ""))

    async def _notify(self, action: str, fields: dict[str, Any]) -> None:
        """A notification, retried with backoff (`NOTIFY_BACKOFF`) while Intune cannot
        be reached or answers an HTTP error; UpstreamUnavailable once every try
        failed, Forbidden (rule intune) when Intune answers a code other than
        Success (not retried: Intune decided)."""
        for delay in (*NOTIFY_BACKOFF, None):
            try:
                answer = await self._action(action, "notification", fields)
                break
            except UpstreamUnavailable:
                if delay is None:
                    raise
                await deferLater(self.http.reactor, delay)
        if answer["code"] != "Success":
            raise Forbidden.because("intune", f"Intune answered {action} with "
                                    f"{answer['code']}")

    async def success(self, transaction_id: str, csr: x509.CertificateSigningRequest,
                      cert: x509.Certificate) -> None:
        """Tell Intune the certificate was issued (`_notify`)."""
        await self._notify("successNotification", {
            "transactionId": transaction_id, "certificateRequest": _b64(csr),
            "certificateThumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(),
            "certificateSerialNumber": f"{cert.serial_number:X}",
            "certificateExpirationDateUtc": cert.not_valid_after_utc.strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"),
            "issuingCertificateAuthority": cert.issuer.rfc4514_string()})

    async def failure(self, transaction_id: str, csr: x509.CertificateSigningRequest,
                      description: str) -> None:
        """Tell Intune the request was not issued (`_notify`)."""
        await self._notify("failureNotification", {
            "transactionId": transaction_id, "certificateRequest": _b64(csr),
            "hResult": E_FAIL, "errorDescription": description[:255] or "not issued"})


def _b64(csr: x509.CertificateSigningRequest) -> str:
    return base64.b64encode(csr.public_bytes(Encoding.DER)).decode()


def _json(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
