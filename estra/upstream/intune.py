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
not take is kept in the store and tried again (estra/scep/notifications.py), then
given up: the certificate stays issued, and it is logged and audited
("notification-undelivered").  The same tokens and discovery reach the
"PkiConnectorFEService" for Intune's revocation requests (`revocation_requests`,
`revocation_results`; polled by estra/upstream/intune_revocation.py).  Verified
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

from estra import __version__
from estra.config import Profile
from estra.credentials import AppCertificate
from estra.errors import Forbidden, UpstreamUnavailable
from estra.upstream.http import UpstreamHTTP

__all__ = ["IntuneValidator", "AppCertificate", "ASSERTION_TYPE", "INTUNE_APP_ID", "SERVICE",
           "API_VERSION", "E_FAIL", "SUCCESS", "FAILURE", "NOTIFICATIONS", "success_fields",
           "failure_fields"]

INTUNE_APP_ID = "0000000a-0000-0000-c000-000000000000"
SERVICE = "ScepRequestValidationFEService"
API_VERSION = "2018-02-20"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
INTUNE_SCOPE = "https://api.manage.microsoft.com//.default"
#: the HRESULT a failure notification carries (E_FAIL: the CA did not issue)
E_FAIL = 0x80004005
CALLER = f"estra/{__version__}"
#: Intune's service for CAs' requests (revocations), its paths and version
PKI_CONNECTOR = "PkiConnectorFEService"
CA_REQUESTS = "CertificateAuthorityRequests"
REVOCATION_API_VERSION = "5019-05-05"
#: the two notifications (`IntuneValidator.notify`)
SUCCESS, FAILURE = "successNotification", "failureNotification"
NOTIFICATIONS = (SUCCESS, FAILURE)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: how long a client assertion is good for (Entra ID takes short-lived ones)


class IntuneValidator:
    """One profile's Intune tenant: tokens, the service address, the SCEP actions."""

    def __init__(self, http: UpstreamHTTP, profile: Profile) -> None:
        self.http, self.profile = http, profile
        self._tokens: dict[str, tuple[str, float]] = {}
        self._services: dict[str, str] = {}
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

    async def _endpoint(self, name: str = SERVICE) -> str:
        """The address of Intune's service `name`, from Graph (kept until a call fails)."""
        if name not in self._services:
            token = await self._token(GRAPH_SCOPE)
            reply = await self.http.request(
                "GET", f"{self.profile.intune_graph_url.rstrip('/')}/v1.0/servicePrincipals/"
                f"appId={INTUNE_APP_ID}/endpoints", headers={
                    "Authorization": f"Bearer {token}", "client-request-id": str(uuid.uuid4())})
            if reply.status == 401:
                self._tokens.pop(GRAPH_SCOPE, None)
            values = _json(reply.body).get("value") if reply.status == 200 else None
            found = [str(v["uri"]) for v in values or [] if isinstance(v, dict)
                     and v.get("providerName") == name and isinstance(v.get("uri"), str)]
            if not found:
                raise self._unavailable(f"Graph did not name the {name} (HTTP "
                                        f"{reply.status})")
            self._services[name] = found[0].rstrip("/")
        return self._services[name]

    async def _post(self, service: str, path: str, version: str,
                    body: dict[str, Any]) -> dict[str, Any]:
        """POST `body` to `path` of Intune's `service` as the libraries do (Bearer token
        for Intune, a new client-request-id, api-version, UserAgent); its JSON object,
        UpstreamUnavailable for an HTTP error (the address is looked up again after a
        404 or 410, the token fetched again after a 401)."""
        where, token = await self._endpoint(service), await self._token(INTUNE_SCOPE)
        reply = await self.http.request("POST", f"{where}/{path}",
                                        data=json.dumps(body).encode(),
                                        headers={"Authorization": f"Bearer {token}",
                                                 "Content-Type": "application/json",
                                                 "client-request-id": str(uuid.uuid4()),
                                                 "api-version": version,
                                                 "UserAgent": CALLER})
        if reply.status == 401:
            self._tokens.pop(INTUNE_SCOPE, None)
        if not 200 <= reply.status < 300:
            if reply.status in (404, 410):
                self._services.pop(service, None)
            raise self._unavailable(f"{path.rpartition('/')[2]} answered HTTP {reply.status}")
        return _json(reply.body)

    async def _action(self, action: str, wrapper: str, fields: dict[str, Any]) -> dict[str, Any]:
        answer = await self._post(SERVICE, f"ScepActions/{action}", API_VERSION,
                                  {wrapper: {**fields, "callerInfo": CALLER}})
        if not isinstance(answer.get("code"), str):
            raise self._unavailable(f"{action} answered without a code")
        return answer

    async def revocation_requests(self, most: int, issuer: str | None) -> list[dict[str, str]]:
        """Intune's pending revocation requests for certificates of `issuer` (at most
        `most`, 1 to 500): `requestContext`, `serialNumber`, `issuerName`,
        `caConfiguration` each (PkiConnectorFEService's downloadRevocationRequests)."""
        answer = await self._post(PKI_CONNECTOR, f"{CA_REQUESTS}/downloadRevocationRequests",
                                  REVOCATION_API_VERSION, {"downloadParameters": {
                                      "maxRequests": most, "issuerName": issuer}})
        found = answer.get("value")
        if not isinstance(found, list):
            raise self._unavailable("downloadRevocationRequests answered no list")
        return [{k: str(v.get(k) or "") for k in ("requestContext", "serialNumber",
                                                   "issuerName", "caConfiguration")}
                for v in found if isinstance(v, dict) and v.get("requestContext")]

    async def revocation_results(self, results: list[dict[str, Any]]) -> None:
        """Tell Intune what became of its revocation requests (uploadRevocationResults:
        `requestContext`, `succeeded`, `errorCode`, `errorMessage` each);
        UpstreamUnavailable unless it answers true."""
        answer = await self._post(PKI_CONNECTOR, f"{CA_REQUESTS}/uploadRevocationResults",
                                  REVOCATION_API_VERSION, {"results": results})
        if answer.get("value") is not True:
            raise self._unavailable("uploadRevocationResults did not answer true")

    async def validate(self, transaction_id: str, csr: x509.CertificateSigningRequest) -> None:
        """Forbidden (rule intune) unless Intune answers Success for this request."""
        answer = await self._action("validateRequest", "request", {
            "transactionId": transaction_id, "certificateRequest": _b64(csr)})
        if answer["code"] != "Success":
            description = answer.get("errorDescription")
            raise Forbidden.because("intune", f"Intune refused the request: {answer['code']}"
                                    + (f" ({description})" if isinstance(description, str)
                                       and description else ""))

    async def notify(self, action: str, fields: dict[str, Any]) -> None:
        """One try of a notification (`success_fields`, `failure_fields`):
        UpstreamUnavailable while Intune cannot be reached or answers an HTTP error
        (estra/scep/notifications.py tries again), Forbidden (rule intune) when it
        answers a code other than Success (not tried again: Intune decided)."""
        if action not in NOTIFICATIONS:
            raise Forbidden.because("intune", f"no Intune notification {action!r}")
        answer = await self._action(action, "notification", fields)
        if answer["code"] != "Success":
            raise Forbidden.because("intune", f"Intune answered {action} with "
                                    f"{answer['code']}")


def success_fields(transaction_id: str, csr: x509.CertificateSigningRequest,
                   cert: x509.Certificate) -> dict[str, Any]:
    """What `successNotification` tells Intune: the certificate was issued."""
    return {"transactionId": transaction_id, "certificateRequest": _b64(csr),
            "certificateThumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(),
            "certificateSerialNumber": f"{cert.serial_number:X}",
            "certificateExpirationDateUtc": cert.not_valid_after_utc.strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"),
            "issuingCertificateAuthority": cert.issuer.rfc4514_string()}


def failure_fields(transaction_id: str, csr: x509.CertificateSigningRequest,
                   description: str) -> dict[str, Any]:
    """What `failureNotification` tells Intune: the request was not issued."""
    return {"transactionId": transaction_id, "certificateRequest": _b64(csr),
            "hResult": E_FAIL, "errorDescription": description[:255] or "not issued"}


def _b64(csr: x509.CertificateSigningRequest) -> str:
    return base64.b64encode(csr.public_bytes(Encoding.DER)).decode()


def _json(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
