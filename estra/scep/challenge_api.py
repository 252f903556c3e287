"""The JSON challenge API for MDMs that integrate by API (issue #21), on the EST
listener beside the NDES page (estra/scep/ndes.py), for the same challenge clients:

- ``POST /api/v1/challenges`` (role issue), body ``{"profile", "ttl", "subject",
  "sans", "device_id"}`` all optional: 201 ``{"id", "challenge", "profile",
  "expires", "bound"}``, the challenge shown this once;
- ``GET /api/v1/challenges`` (role list): 200 ``{"challenges": [...]}``, the
  client's own (the latest 1000), never the challenges themselves;
- ``DELETE /api/v1/challenges/<id>`` (role revoke): 204, or 404 when the client
  has no such unused challenge;
- ``POST /api/v1/devices/revoke`` (role retire), ``{"device_id", "reason"}``: the
  device's certificates from the challenge profiles revoked (`ChallengeIssuer.retire`);
  the same URL takes Jamf Pro's MobileDeviceUnEnrolled webhook body as it is.

Errors are text/plain with the status that says what is wrong (400 bad JSON or
values, 401, 403 a missing role, 404, 405, 413, 429 quota or cache full).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from twisted.web.resource import Resource
from twisted.web.server import Request

from estra.ra.challenges import ISSUE, LIST, RETIRE, REVOKE, ChallengeIssuer, binding
from estra.errors import BadRequest, MethodNotAllowed, NotFound, Unauthorized
from estra.store.codes import BoundCodeRow
from estra.asn1.wire import REVOCATION_REASONS as REASONS
from estra.web.http import (NotFoundResource, answer_error, log_request, read_body, respond,
                            run_async)

__all__ = ["ChallengeApi", "DeviceApi", "API_PATH", "mount_api", "JAMF_UNENROLLED"]

API_PATH = (b"api", b"v1", b"challenges")
_ID = re.compile(r"[0-9]{1,18}")           # ASCII digits: "²".isdigit() but int() refuses it
_FIELDS = frozenset({"profile", "ttl", "subject", "sans", "device_id"})
_JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}
#: the Jamf Pro webhook event of a mobile device that left management (computers have none)
JAMF_UNENROLLED = "MobileDeviceUnEnrolled"


def _time(seconds: float | None) -> str | None:
    """ISO 8601 UTC, to the second (None stays None)."""
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc) \
        .isoformat().replace("+00:00", "Z")


class _Api(Resource):
    """One error mapper and one request line for every API call (`handle` does it)."""

    isLeaf = True
    operation = ""

    def __init__(self, issuer: ChallengeIssuer) -> None:
        super().__init__()
        self.issuer = issuer

    def render(self, request: Request) -> Any:
        return run_async(request, lambda: self._run(request))

    async def _run(self, request: Request) -> None:
        address = str(getattr(request.getClientAddress(), "host", "?"))
        method = request.method.decode("ascii", "replace")
        rest = [p.decode("utf-8", "replace") for p in request.postpath or [] if p]
        who = ["-"]                      # the client, once authenticated
        try:
            status, reason = await self.handle(request, address, method, rest, who)
        except Exception as e:  # noqa: BLE001 - answer_error decides
            err = answer_error(e, request)
            status, reason = (err.status, err.reason) if err else (499, "client left")
            if isinstance(e, Unauthorized) and e.attempted:
                who[0] = str(e.attempted)
        log_request(request, "api", f"{self.operation} {method}", "-", status, who[0], "basic",
                    reason)

    async def handle(self, request: Request, address: str, method: str, rest: list[str],
                     who: list[str]) -> tuple[int, str]:
        raise NotImplementedError

    async def _client(self, request: Request, address: str, role: str,
                      who: list[str]) -> str:
        who[0] = await self.issuer.client(request.getHeader(b"authorization"), address, role)
        return who[0]


class ChallengeApi(_Api):
    """`/api/v1/challenges[/<id>]`."""

    allowedMethods = (b"GET", b"HEAD", b"POST", b"DELETE")
    operation = "challenges"

    async def handle(self, request: Request, address: str, method: str, rest: list[str],
                     who: list[str]) -> tuple[int, str]:
        if len(rest) > 1 or rest and not _ID.fullmatch(rest[0]):
            raise NotFound("no such challenge; try /api/v1/challenges")
        if rest and method != "DELETE" or not rest and method == "DELETE":
            raise MethodNotAllowed(f"{method} is not allowed here",
                                   ["DELETE"] if rest else ["GET", "POST"])
        client = await self._client(request, address, {"POST": ISSUE, "DELETE": REVOKE}.get(
            method, LIST), who)
        if method == "POST":
            return 201, await self._issue(request, client, address)
        if method == "DELETE":
            if not await self.issuer.revoke(client, int(rest[0]), address):
                raise NotFound(f"challenge client {client!r} has no unused challenge {rest[0]}")
            respond(request, 204, b"", {"Cache-Control": "no-store"})
            return 204, f"challenge {rest[0]} revoked"
        rows = await self.issuer.issued(client)
        now = self.issuer.store.clock()
        respond(request, 200, json.dumps({"challenges": [_listed(r, now) for r in rows]})
                .encode(), _JSON)
        return 200, ""

    async def _issue(self, request: Request, who: str, address: str) -> str:
        asked = _object(read_body(request))
        unknown = sorted(set(asked) - _FIELDS)
        if unknown:
            raise BadRequest(f"unknown fields {unknown}; known: {sorted(_FIELDS)}")
        profile, ttl = asked.get("profile"), asked.get("ttl")
        if profile is not None and not isinstance(profile, str) or \
                ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool)):
            raise BadRequest("profile must be a string and ttl an integer of seconds")
        bound = binding(asked.get("subject"), asked.get("sans"), asked.get("device_id"))
        issued = await self.issuer.issue(who, address, profile, bound, ttl, via="api")
        respond(request, 201, json.dumps({
            "id": issued.id, "challenge": issued.challenge, "profile": issued.profile,
            "expires": _time(issued.expires), "bound": json.loads(bound or "{}")}).encode(),
            _JSON)
        return f"challenge {issued.id} issued"


def _object(body: bytes) -> dict[str, Any]:
    """A JSON object body (an empty body: {}); 400 for anything else."""
    try:
        asked = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the body is not JSON: {e}") from None
    if not isinstance(asked, dict):
        raise BadRequest("the body must be a JSON object")
    return asked


def _listed(row: BoundCodeRow, now: float) -> dict[str, Any]:
    """A stored challenge as the API lists it: its state, never the challenge."""
    state = ("used" if row["used_at"] is not None else "revoked" if row["revoked"]
             else "expired" if row["expires"] <= now else "open")
    return {"id": row["id"], "profile": str(row["identity"]).split(":")[1], "state": state,
            "created": _time(row["created"]), "expires": _time(row["expires"]),
            "used": _time(row["used_at"]), "bound": json.loads(row["bound"] or "{}")}


def mount_api(root: Resource, issuer: ChallengeIssuer) -> None:
    """Serve the API under `root` at /api/v1/challenges and /api/v1/devices; other /api
    paths are 404."""
    node = root
    for segment in API_PATH[:-1]:
        child = Resource()
        child.getChild = lambda path, request: NotFoundResource(  # type: ignore[method-assign]
            "not an API path; try /api/v1/challenges")
        node.putChild(segment, child)
        node = child
    node.putChild(API_PATH[-1], ChallengeApi(issuer))
    node.putChild(b"devices", DeviceApi(issuer))


class DeviceApi(_Api):
    """`POST /api/v1/devices/revoke` `{"device_id", "reason"}` (role retire): a device the
    MDM retired loses every certificate the challenge profiles issued it."""

    allowedMethods = (b"POST",)
    operation = "devices"

    async def handle(self, request: Request, address: str, method: str, rest: list[str],
                     who: list[str]) -> tuple[int, str]:
        if rest != ["revoke"]:
            raise NotFound("try POST /api/v1/devices/revoke")
        client = await self._client(request, address, RETIRE, who)
        asked = _object(read_body(request))
        if "webhook" in asked:
            return await self._jamf(request, client, address, asked)
        device, why = asked.get("device_id"), asked.get("reason", "cessationOfOperation")
        if set(asked) - {"device_id", "reason"} or not isinstance(device, str) or not (
                1 <= len(device) <= 128 and device.isprintable()) or why not in REASONS:
            raise BadRequest('send {"device_id": 1 to 128 printable characters, "reason": '
                             f'one of {", ".join(REASONS)} (default cessationOfOperation)}}')
        outcome = await self.issuer.retire(client, device, why, address)
        respond(request, 200, json.dumps({"device_id": device, **outcome}).encode(), _JSON)
        return 200, f"device retired: {len(outcome['revoked'])} revoked"

    async def _jamf(self, request: Request, client: str, address: str,
                    asked: dict[str, Any]) -> tuple[int, str]:
        """Jamf Pro's MobileDeviceUnEnrolled webhook (`{"webhook": {"webhookEvent",
        ...}, "event": {"udid", "serialNumber", ...}}`): the device is retired by its
        UDID and by its serial number, each a device id (`ChallengeIssuer.retire`)."""
        hook, event = asked.get("webhook"), asked.get("event")
        kind = hook.get("webhookEvent") if isinstance(hook, dict) else None
        if kind != JAMF_UNENROLLED or not isinstance(event, dict):
            raise BadRequest(f"Jamf webhook event {str(kind)[:64]!r} retires no device: "
                             f"subscribe this URL to {JAMF_UNENROLLED} only")
        ids = list(dict.fromkeys(v for v in (event.get("udid"), event.get("serialNumber"))
                                 if isinstance(v, str) and 1 <= len(v) <= 128 and
                                 v.isprintable()))
        if not ids:
            raise BadRequest(f"{JAMF_UNENROLLED}: the event names no udid or serialNumber")
        outcome: dict[str, list[str]] = {"revoked": [], "already": [], "failed": []}
        for device in ids:
            for key, serials in (await self.issuer.retire(
                    client, device, "cessationOfOperation", address)).items():
                outcome[key] += [s for s in serials if s not in outcome[key]]
        respond(request, 200, json.dumps({"device_ids": ids, **outcome}).encode(), _JSON)
        return 200, f"device retired (Jamf): {len(outcome['revoked'])} revoked"
