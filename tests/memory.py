"""What the tests that used to start `twistd estra` for one face need from the in-memory
RA (estra.testing.MemoryRA): user alice, `Server.post`'s answer shape, the operator
commands' JSON and the log."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from cryptography import x509
from twisted.internet.interfaces import IProtocolFactory

from estra.testing import DeviceTLS, LogLines, MemoryRA
from tests import pki
from tests.conftest import PASSWORD

ALICE = ("alice", PASSWORD)
PKCS10 = "application/pkcs10"


class MemoryServer:
    """An RA in memory from `config`, with user alice; keeps every log event."""

    def __init__(self, config: str, tmp: Path,
                 upstreams: Mapping[str, IProtocolFactory | None] | None = None) -> None:
        """`upstreams`: the peers its upstream adapters reach (MemoryRA's)."""
        self.logged = LogLines().start()
        self._made = (config, tmp, upstreams)
        self.ra = MemoryRA(config, state_dir=str(tmp / "srv"), upstreams=upstreams)
        self.ra.add_user(*ALICE)
        self.state = Path(self.ra.settings.state_dir.path)
        self.ca = self.state / "ca.pem"

    def restart(self) -> None:
        """A new RA on the same state directory (store, users, issuers kept on disk), as
        `Server.restart` with the same configuration."""
        config, tmp, upstreams = self._made
        self.ra = MemoryRA(config, state_dir=str(tmp / "srv"), upstreams=upstreams)

    def send(self, path: str, body: bytes, content_type: str = PKCS10,
             tls: DeviceTLS | None = None, user: tuple[str, str] | None = ALICE,
             wait: float = 0) -> tuple[int, dict[str, str], bytes]:
        """POST `body` to an EST operation as `user` (None: no credentials) or as the
        TLS client `tls`: (status, headers lower-cased, body) as `Server.post` gives;
        up to `wait` seconds may pass on the clock for the answer (MemoryRA.result)."""
        auth: dict[str, Any] = {"tls": tls} if tls else {"user": user}
        reply = self.ra.post(f"/.well-known/est/{path}", body,
                             headers={"Content-Type": content_type}, wait=wait, **auth)
        return reply.code, dict(reply.headers), reply.body

    def post(self, path: str, req: x509.CertificateSigningRequest,
             tls: DeviceTLS | None = None, wait: float = 0
             ) -> tuple[int, dict[str, str], bytes]:
        """POST a CSR (base64) as alice, or as the TLS client `tls` when given."""
        return self.send(path, pki.b64(req), tls=tls, wait=wait)

    def get(self, path: str, user: tuple[str, str] | None = None,
            tls: DeviceTLS | None = None, face: str = "est", wait: float = 0
            ) -> tuple[int, dict[str, str], bytes]:
        """GET an EST operation (`path` relative to /.well-known/est/, or absolute on
        `face`): (status, headers lower-cased, body) as `parse_http(Server.curl(...))`."""
        auth: dict[str, Any] = {"tls": tls} if tls else {"user": user}
        reply = self.ra.get(path if path.startswith("/") else f"/.well-known/est/{path}",
                            face=face, wait=wait, **auth)
        return reply.code, dict(reply.headers), reply.body

    def wait_log(self, pattern: str) -> re.Match[str]:
        """The first match of `pattern` in the log (as `Server.wait_log`; in memory
        whatever a request logs is there once it is answered)."""
        found = re.search(pattern, self.logged.text())
        assert found is not None, self.logged.text()
        return found

    def enrollments_json(self) -> str:
        """What `estra enrollments list --json` prints (the same store call)."""
        return json.dumps(self.ra.run(self.ra.store.enrollments(limit=50)), indent=2,
                          default=str)

    def stop(self) -> str:
        """Stop keeping log events; the log."""
        return self.logged.stop()
