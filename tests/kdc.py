"""A real MIT Kerberos realm on loopback for tests (Debian krb5-kdc, krb5-admin-server).

`Realm.start(directory)` writes krb5.conf and kdc.conf, creates the database
(kdb5_util), adds principals with random keys and exports keytabs
(kadmin.local), and runs krb5kdc in the foreground on a free TCP and UDP port
of 127.0.0.1.  Point clients at it with KRB5_CONFIG=realm.krb5_conf.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["Realm"]

REALM = "CORP.EXAMPLE"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Realm:
    """One KDC process; `keytab(principal)` exports a principal's keys."""

    def __init__(self, directory: Path) -> None:
        self.dir, self.port, self.name = directory, _free_port(), REALM
        self.krb5_conf, self.kdc_conf = directory / "krb5.conf", directory / "kdc.conf"
        self.env = {**os.environ, "KRB5_CONFIG": str(self.krb5_conf),
                    "KRB5_KDC_PROFILE": str(self.kdc_conf)}
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, directory: Path, principals: tuple[str, ...]) -> "Realm":
        realm = cls(directory)
        realm._configure()
        for principal in principals:
            realm.admin(f"addprinc -randkey {principal}")
        realm._run()
        return realm

    def _configure(self) -> None:
        d = self.dir
        self.krb5_conf.write_text(f"""[libdefaults]
    default_realm = {REALM}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
[realms]
    {REALM} = {{
        kdc = 127.0.0.1:{self.port}
    }}
[domain_realm]
    localhost = {REALM}
""")
        self.kdc_conf.write_text(f"""[kdcdefaults]
    kdc_ports = {self.port}
    kdc_tcp_ports = {self.port}
[realms]
    {REALM} = {{
        database_name = {d}/principal
        key_stash_file = {d}/stash
        acl_file = {d}/kadm5.acl
        max_life = 1h
    }}
[logging]
    kdc = FILE:{d}/kdc.log
""")
        (d / "kadm5.acl").write_text("")
        subprocess.run(["kdb5_util", "create", "-s", "-r", REALM, "-P", "test-master-key"],
                       env=self.env, check=True, capture_output=True, timeout=60)

    def admin(self, query: str) -> None:
        subprocess.run(["kadmin.local", "-r", REALM, "-q", query], env=self.env, check=True,
                       capture_output=True, timeout=60)

    def keytab(self, principal: str) -> Path:
        path = self.dir / (principal.replace("/", "_") + ".keytab")
        self.admin(f"ktadd -k {path} {principal}")
        return path

    def _run(self) -> None:
        self.proc = subprocess.Popen(["krb5kdc", "-n", "-r", REALM], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"krb5kdc did not start: {(self.dir / 'kdc.log').read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
