"""The SCEP front end against two real Debian SCEP clients.

* micromdm's `scepclient` (Debian `scep`): PKCSReq with a challenge, RenewalReq
  signed with the certificate it got, a wrong challenge, and a PENDING answer
  (it then resends the very same message every 30 s).
* certmonger (Debian `certmonger`): its `scep-submit` helper alone (GetCACaps,
  GetCACert), then the daemon itself on a D-Bus of the test's own (a
  `dbus-daemon` with a minimal session config, certmonger in session mode with
  every state directory in the test's temporary directory): enroll, resubmit,
  rekey, manual approval, and how it reads FAILURE and PENDING answers.

Client quirks the tests work around:

* scepclient 2.1 encrypts its request to *every* certificate GetCACert returns
  unless `-ca-fingerprint` picks one; estra's embedded CA has an EC key, and the
  client would panic ("interface {} is *ecdsa.PublicKey, not *rsa.PublicKey").
  estra answers its GetCACert (User-Agent Go-http-client) with the RA
  certificate alone then; the tests run it both with the RA certificate's
  SHA-256 fingerprint, as an NDES user would, and without.
* scepclient keeps csr.pem and self.pem next to its key and reuses csr.pem (its
  challenge included) on the next run: one directory per device.
* scepclient's transactionID is a hash of the key, so its renewal reuses the
  transactionID of the first enrollment.
* certmonger sends PKCSReq (not RenewalReq) for resubmit and rekey, signed with
  the certificate it holds and carrying the challenge again; it uses GET for
  PKIOperation; after PENDING it schedules its next poll a week later, so the
  test asks for it with `getcert refresh`.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from estra.asn1.wire import serial_hex
from estra.ra.renewal import cert_id
from tests.conftest import SCEP_CONFIG as CONFIG
from tests.conftest import Server, estra_cli, parse_http

RA_CN = "estra SCEP RA"
SCEP_SUBMIT = ("/usr/libexec/certmonger/scep-submit", "/usr/lib/certmonger/scep-submit")
CAPS = ["POSTPKIOperation", "Renewal", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "AES",
        "DES3", "SCEPStandard"]


def tool(name: str, *candidates: str) -> str:
    """The path of a client program; missing fails in CI and skips elsewhere."""
    found = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    found = found or next((c for c in candidates if os.access(c, os.X_OK)), None)
    if found is None:
        reason = (f"{name} is not installed (apt-get install -y scep certmonger dbus)")
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must provide it")
        pytest.skip(reason)
    return found


def run(cmd: list[str], timeout: float = 60, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30,
             every: float = 0.2) -> Any:
    """check() until it returns something true; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def cn_of(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def same_key(cert: x509.Certificate, key_file: Path) -> bool:
    key = serialization.load_pem_private_key(key_file.read_bytes(), None)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return (cert.public_key().public_bytes(serialization.Encoding.DER, spki) ==
            key.public_key().public_bytes(serialization.Encoding.DER, spki))


class Scep:
    """A running estra with its SCEP front end."""

    def __init__(self, server: Server) -> None:
        self.server = server
        log = wait_for("the SCEP ready line", lambda: re.search(
            r"estra SCEP ready on http://[^:/]+:(\d+)/", server.log.read_text(errors="replace")),
            timeout=15)
        self.base = f"http://127.0.0.1:{log.group(1)}"
        self.url = self.base + "/scep"
        with urllib.request.urlopen(self.url + "?operation=GetCACert", timeout=30) as reply:
            assert reply.headers["Content-Type"] == "application/x-x509-ca-ra-cert"
            certs = pkcs7.load_der_pkcs7_certificates(reply.read())
        self.ra = next(c for c in certs if cn_of(c) == RA_CN)
        self.ra_fingerprint = self.ra.fingerprint(hashes.SHA256()).hex()

    def verify(self, cert_file: Path) -> None:
        """`openssl verify -CAfile <state>/ca.pem` accepts the certificate."""
        done = run(["openssl", "verify", "-CAfile", str(self.server.ca), str(cert_file)], 30)
        assert done.returncode == 0, done.stdout + done.stderr

    def cli(self, *args: str) -> Any:
        done = estra_cli("--state-dir", str(self.server.state), *args)
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout) if "--json" in args else done.stdout

    def enrollments(self, cn: str) -> list[dict[str, Any]]:
        """Records of requests for CN=`cn`, newest first (a SCEP password names no one:
        the identity of such a request is the profile's, not the device's)."""
        records: list[dict[str, Any]] = self.cli("enrollments", "list", "--limit", "1000",
                                                 "--json")
        return [r for r in records if f"CN={cn}" in r["subject"].split(",")]

    def pending(self, cn: str) -> dict[str, Any] | None:
        held = [p for p in self.cli("pending", "list", "--json")
                if f"CN={cn}" in p["subject"].split(",") and p["status"] == "pending"]
        return held[0] if held else None

    def log(self) -> str:
        return self.server.log.read_text(errors="replace")


@pytest.fixture
def scep(start_estra: Callable[..., Server]) -> Iterator[Scep]:
    server = start_estra(CONFIG)
    yield Scep(server)
    assert server.alive(), server.log.read_text(errors="replace")
    assert "sesame" not in server.log.read_text(errors="replace")


# -- micromdm scepclient -----------------------------------------------------

class ScepClient:
    """One device: a directory holding scepclient's PKCS#1 key, csr.pem and cert."""

    def __init__(self, scep: Scep, directory: Path, fingerprint: bool = True) -> None:
        self.exe = tool("scepclient")
        self.scep, self.dir, self.fingerprint = scep, directory, fingerprint
        directory.mkdir()
        self.key, self.cert = directory / "dev.key", directory / "dev.pem"
        key = rsa.generate_private_key(65537, 2048)
        self.key.write_bytes(key.private_bytes(             # scepclient reads PKCS#1 only
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))

    def command(self, *args: str, path: str = "/scep") -> list[str]:
        pick = ["-ca-fingerprint", self.scep.ra_fingerprint] if self.fingerprint else []
        return [self.exe, "-server-url", self.scep.base + path, "-private-key", str(self.key),
                "-certificate", str(self.cert), *pick, *args]

    def run(self, *args: str, path: str = "/scep") -> subprocess.CompletedProcess[str]:
        return run(self.command(*args, path=path), timeout=60)


@pytest.mark.parametrize("path,fingerprint", [
    ("/scep", True), ("/certsrv/mscep/mscep.dll", True), ("/scep", False),
    ("/cgi-bin/pkiclient.exe", False)])
def test_scepclient_enrolls_then_renews(scep: Scep, tmp_path: Path, path: str,
                                        fingerprint: bool) -> None:
    """Enroll, then renew; with -ca-fingerprint, and as a stock run without it."""
    device = ScepClient(scep, tmp_path / "dev1", fingerprint)
    done = device.run("-challenge", "sesame", "-cn", "scep-dev1", "-organization", "lab",
                      path=path)
    assert done.returncode == 0, done.stdout + done.stderr
    first = load_cert(device.cert)
    scep.verify(device.cert)
    assert cn_of(first) == "scep-dev1" and same_key(first, device.key)

    # The certificate file exists now: scepclient sends a RenewalReq signed with it.
    done = device.run("-cn", "scep-dev1", "-organization", "lab", path=path)
    assert done.returncode == 0, done.stdout + done.stderr
    second = load_cert(device.cert)
    scep.verify(device.cert)
    assert second.serial_number != first.serial_number
    assert second.subject == first.subject and same_key(second, device.key)
    renewal, enrollment = scep.enrollments("scep-dev1")[:2]
    assert (enrollment["operation"], enrollment["method"], enrollment["decision"],
            enrollment["serial"]) == ("scep-pkcsreq", "scep-static", "issued",
                                      serial_hex(first.serial_number))
    assert (renewal["operation"], renewal["method"], renewal["decision"],
            renewal["serial"]) == ("scep-renewalreq", "issued", "issued",
                                   serial_hex(second.serial_number))


def test_scepclient_wrong_challenge_fails_cleanly(scep: Scep, tmp_path: Path) -> None:
    device = ScepClient(scep, tmp_path / "bad")
    done = device.run("-challenge", "not-sesame", "-cn", "scep-bad")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PKCSReq (19) request failed, failInfo: badRequest" in done.stdout + done.stderr
    assert not device.cert.exists()
    assert "scep-challenge: the challengePassword is not valid (static)" in scep.log()
    assert scep.server.alive()
    # ... and the next device is served as usual
    good = ScepClient(scep, tmp_path / "good")
    done = good.run("-challenge", "sesame", "-cn", "scep-good")
    assert done.returncode == 0, done.stdout + done.stderr
    scep.verify(good.cert)


def test_scepclient_pending_then_approved(scep: Scep, tmp_path: Path) -> None:
    """Manual approval: PENDING, the operator approves, the client's next try gets it.

    scepclient sleeps 30 s between tries, so this test takes about 35 s."""
    device = ScepClient(scep, tmp_path / "held")
    client = subprocess.Popen(device.command("-challenge", "sesame", "-cn", "scep-held",
                                             path="/scep/manual"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        held = wait_for("the held request", lambda: scep.pending("scep-held"))
        assert held["operation"] == "scep-pkcsreq"
        scep.cli("approve", str(held["id"]))
        out, _ = client.communicate(timeout=75)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    assert "pkiStatus=PENDING" in out
    assert client.returncode == 0, out
    scep.verify(device.cert)


# -- certmonger ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/scep", "/certsrv/mscep/mscep.dll", "/scep/manual"])
def test_scep_submit_caps_and_ca_certificates(scep: Scep, path: str) -> None:
    helper = tool("scep-submit", *SCEP_SUBMIT)
    done = run([helper, "-u", scep.base + path, "-c"], 30)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == CAPS

    done = run([helper, "-u", scep.base + path, "-C"], 30)
    assert done.returncode == 0, done.stdout + done.stderr
    certs = x509.load_pem_x509_certificates(done.stdout.encode())
    ca = load_cert(scep.server.ca)
    assert certs[0] == scep.ra and certs[1] == ca, [c.subject for c in certs]
    assert scep.ra.issuer == ca.subject


class Certmonger:
    """certmonger in session mode on a private dbus-daemon, all state in `home`."""

    BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

    def __init__(self, home: Path) -> None:
        dbus_daemon = tool("dbus-daemon")
        certmonger = tool("certmonger", "/usr/sbin/certmonger")
        self.getcert_exe = tool("getcert")
        self.home = home
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DBUS_", "CERTMONGER_"))}
        self.env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
        for var, sub in (("CONFIG_DIR", "config"), ("REQUESTS_DIR", "requests"),
                         ("CAS_DIR", "cas"), ("LOCAL_CA_DIR", "local"), ("TMPDIR", "tmp")):
            (home / sub).mkdir(parents=True, exist_ok=True)
            self.env[f"CERTMONGER_{var}"] = str(home / sub)
        # Even in session mode certmonger locks /var/lib/certmonger/lock unless told
        # otherwise, and would wait there for a system certmonger holding it.
        self.env["CERTMONGER_SYSTEM_LOCK_FILE"] = str(home / "lock")
        self.procs: list[subprocess.Popen[bytes]] = []
        self.bus_log = open(home / "dbus.log", "wb")
        self.log_path = home / "certmonger.log"
        self.log_file = open(self.log_path, "wb")
        # A unix socket path must stay short (108 bytes): not under pytest's tmp_path.
        self.bus_dir = Path(tempfile.mkdtemp(prefix="estra-bus-"))
        try:
            socket, config = self.bus_dir / "bus", home / "bus.conf"
            config.write_text(self.BUS_CONFIG.format(socket=socket))
            self.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={socket}"
            self.procs.append(subprocess.Popen(
                [dbus_daemon, f"--config-file={config}", "--nofork"], env=self.env,
                stdout=self.bus_log, stderr=subprocess.STDOUT, start_new_session=True))
            wait_for("the private D-Bus socket", socket.exists, timeout=15, every=0.05)
            # -s session bus, -n foreground, -B no idle exit, -d 2 log to stderr
            self.procs.append(subprocess.Popen(
                [certmonger, "-s", "-n", "-B", "-d", "2"], env=self.env,
                stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True))
            wait_for("certmonger on the private bus", self._up, timeout=30, every=0.3)
        except BaseException:
            self.stop()
            raise

    def _up(self) -> bool:
        if any(p.poll() is not None for p in self.procs):
            pytest.fail("dbus-daemon or certmonger exited:\n" + self.log())
        return self.getcert("list-cas", timeout=10).returncode == 0

    def getcert(self, command: str, *args: str, timeout: float = 60
                ) -> subprocess.CompletedProcess[str]:
        return run([self.getcert_exe, command, "-s", *args], timeout, self.env)

    def add_scep_ca(self, name: str, url: str) -> None:
        done = self.getcert("add-scep-ca", "-c", name, "-u", url)
        assert done.returncode == 0, done.stdout + done.stderr
        # certmonger fetches the RA/CA certificates (scep-submit -C) in the background
        wait_for(f"certmonger to fetch {name}'s certificates", lambda: "thumbprint" in
                 self.getcert("list-cas", "-c", name, timeout=10).stdout, timeout=30)

    def status(self, nick: str) -> tuple[str, str]:
        """(status, ca-error) of a tracked request."""
        out = self.getcert("list", "-i", nick, timeout=10).stdout
        status = re.search(r"^\s*status: (\S+)", out, re.M)
        error = re.search(r"^\s*ca-error: (.*)$", out, re.M)
        return (status.group(1) if status else "?"), (error.group(1) if error else "")

    def wait_status(self, nick: str, *wanted: str, timeout: float = 60) -> str:
        seen: list[tuple[str, str]] = []

        def reached() -> str | None:
            seen.append(self.status(nick))
            return seen[-1][0] if seen[-1][0] in wanted else None
        try:
            status: str = wait_for(f"{nick} to reach {wanted}", reached, timeout=timeout,
                                   every=0.5)
            return status
        except pytest.fail.Exception:
            pytest.fail(f"{nick} stayed {seen[-1]} instead of {wanted}:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        for proc in reversed(self.procs):           # certmonger, then its bus
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)   # its own session: helpers too
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.bus_log.close()
        self.log_file.close()
        shutil.rmtree(self.bus_dir, ignore_errors=True)


@pytest.fixture
def certmonger(tmp_path: Path) -> Iterator[Certmonger]:
    cm = Certmonger(tmp_path / "certmonger")
    try:
        yield cm
    finally:
        cm.stop()


def test_certmonger_enrolls_resubmits_rekeys(scep: Scep, certmonger: Certmonger,
                                             tmp_path: Path) -> None:
    certmonger.add_scep_ca("estra", scep.url)
    cert, key = tmp_path / "cm-dev.pem", tmp_path / "cm-dev.key"
    done = certmonger.getcert("request", "-c", "estra", "-I", "cm-dev", "-f", str(cert),
                              "-k", str(key), "-L", "sesame", "-N", "CN=cm-dev", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    assert certmonger.status("cm-dev")[0] == "MONITORING"
    scep.verify(cert)
    first = load_cert(cert)
    assert cn_of(first) == "cm-dev" and same_key(first, key)

    # resubmit: the same key. certmonger derives the transactionID from the key, so an
    # identical request is the same transaction again, which RFC 8894 answers with the
    # same certificate (never a second one); a changed request is a new enrollment.
    done = certmonger.getcert("resubmit", "-i", "cm-dev", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    second = load_cert(cert)
    scep.verify(cert)
    assert same_key(second, key)
    issued_before_rekey = [r["serial"] for r in scep.enrollments("cm-dev")
                           if r["decision"] == "issued"]
    if second.serial_number == first.serial_number:
        assert issued_before_rekey == [serial_hex(first.serial_number)]
    else:
        assert issued_before_rekey == [serial_hex(c.serial_number) for c in (second, first)]

    # rekey: a new key, and a certificate for it
    old_key = key.read_bytes()
    done = certmonger.getcert("rekey", "-i", "cm-dev", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    third = load_cert(cert)
    scep.verify(cert)
    assert key.read_bytes() != old_key and same_key(third, key)
    assert cn_of(third) == "cm-dev"
    issued = [r["serial"] for r in scep.enrollments("cm-dev") if r["decision"] == "issued"]
    assert issued == [serial_hex(third.serial_number), *issued_before_rekey]


def test_certmonger_manual_approval(scep: Scep, certmonger: Certmonger,
                                    tmp_path: Path) -> None:
    """PENDING; the operator approves; certmonger's next poll brings the certificate."""
    certmonger.add_scep_ca("estra-manual", scep.url + "/manual")
    cert, key = tmp_path / "cm-held.pem", tmp_path / "cm-held.key"
    done = certmonger.getcert("request", "-c", "estra-manual", "-I", "cm-held", "-f",
                              str(cert), "-k", str(key), "-L", "sesame", "-N", "CN=cm-held")
    assert done.returncode == 0, done.stdout + done.stderr
    held = wait_for("the held request", lambda: scep.pending("cm-held"))
    assert not cert.exists()
    scep.cli("approve", str(held["id"]))
    # certmonger would poll again only days later: ask it now
    done = certmonger.getcert("refresh", "-i", "cm-held")
    assert done.returncode == 0, done.stdout + done.stderr
    certmonger.wait_status("cm-held", "MONITORING", timeout=60)
    scep.verify(cert)
    assert cn_of(load_cert(cert)) == "cm-held" and same_key(load_cert(cert), key)


def test_certmonger_reads_failure_and_pending(scep: Scep, certmonger: Certmonger,
                                              tmp_path: Path) -> None:
    certmonger.add_scep_ca("estra", scep.url)
    certmonger.add_scep_ca("estra-manual", scep.url + "/manual")
    done = certmonger.getcert("request", "-c", "estra", "-I", "cm-bad", "-f",
                              str(tmp_path / "bad.pem"), "-k", str(tmp_path / "bad.key"),
                              "-L", "not-sesame", "-N", "CN=cm-bad", "-w")
    assert "scep-challenge: the challengePassword is not valid" in scep.log()
    assert scep.server.alive()
    assert not (tmp_path / "bad.pem").exists()
    status, error = certmonger.status("cm-bad")
    held_done = certmonger.getcert("request", "-c", "estra-manual", "-I", "cm-wait", "-f",
                                   str(tmp_path / "wait.pem"), "-k",
                                   str(tmp_path / "wait.key"), "-L", "sesame", "-N",
                                   "CN=cm-wait")
    assert held_done.returncode == 0, held_done.stdout + held_done.stderr
    wait_for("the held request", lambda: scep.pending("cm-wait"))
    wait_for("certmonger to read the answer", lambda: certmonger.status("cm-wait")[0] in (
        "CA_WORKING", "CA_UNREACHABLE", "CA_REJECTED"), timeout=30)
    held_status, held_error = certmonger.status("cm-wait")
    assert (status, done.returncode) == ("CA_REJECTED", 2), error
    assert held_status == "CA_WORKING", held_error


RENEWS_BEFORE = 2419200       # certmonger.conf(5): the first of its default enroll_ttls


def test_certmonger_renews_inside_the_renewal_window(start_estra: Callable[..., Server],
                                                     certmonger: Certmonger,
                                                     tmp_path: Path) -> None:
    """A profile whose SCEP devices are certmonger (scep_renews_before = its first
    enroll_ttl, 28 days): the certificate certmonger gets ends 28 days after a moment
    inside the renewal-info window estra serves for it, and lives less than the
    profile's 365 days; without the setting certmonger would renew 337 days in, past
    the window (50-75 % of the lifetime, shifted up to 10 %)."""
    server = start_estra(CONFIG + f"""
[profiles.cmrenew]
scep_password = "sesame"
validity_days = 365
scep_renews_before = {RENEWS_BEFORE}
""")
    scep = Scep(server)
    certmonger.add_scep_ca("estra-renew", scep.url + "/cmrenew")
    cert, key = tmp_path / "cm-win.pem", tmp_path / "cm-win.key"
    done = certmonger.getcert("request", "-c", "estra-renew", "-I", "cm-win", "-f", str(cert),
                              "-k", str(key), "-L", "sesame", "-N", "CN=cm-win", "-w", "-v")
    assert done.returncode == 0, done.stdout + done.stderr + certmonger.log()
    got = load_cert(cert)
    life = (got.not_valid_after_utc - got.not_valid_before_utc).total_seconds()
    assert life < 365 * 86400 - RENEWS_BEFORE
    status, _, body = parse_http(server.curl(f"cmrenew/renewal-info/{cert_id(got)}").stdout)
    assert status == 200, body
    window = json.loads(body)["suggestedWindow"]
    start, end = (datetime.datetime.strptime(window[k], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc) for k in ("start", "end"))
    renews = got.not_valid_after_utc - datetime.timedelta(seconds=RENEWS_BEFORE)
    assert start < renews < end, (start, renews, end)
