"""Every CA provider implements ICertificateAuthority (zope.interface verifyObject), and
declares exactly the optional capabilities (estra.interfaces) whose methods it has."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest
from twisted.internet import reactor
from twisted.python.filepath import FilePath
from zope.interface.interface import InterfaceClass
from zope.interface.verify import verifyObject

from estra.config import KIND_OPTIONS, Upstream
from estra import interfaces
from estra.interfaces import ICertificateAuthority
from estra.upstream.issuers import IAllIssuers
from estra.ca.local import LocalCA


def test_local_ca_provides_interface(tmp_path: Path) -> None:
    ca = LocalCA.load_or_create(FilePath(str(tmp_path / "ca.pem")),
                                FilePath(str(tmp_path / "ca.key")), 30, time.time)
    assert verifyObject(ICertificateAuthority, ca)


@pytest.mark.parametrize("kind", sorted(set(KIND_OPTIONS) - {"local"}))
def test_upstream_kinds_provide_interface(kind: str) -> None:
    options = {key: default for key, (_, default) in KIND_OPTIONS[kind].items()}
    options.update(role="r", ca_name="c", certificate_profile="p", end_entity_profile="e",
                   template="t", token="t")
    config = Upstream(name=kind, kind=kind, url="https://127.0.0.1:9", options=options)
    ca = importlib.import_module(f"estra.upstream.{kind}").from_config(reactor, config, time.time)
    assert verifyObject(ICertificateAuthority, ca)
    for capability in CAPABILITIES:
        method = next(iter(capability.names()))
        assert capability.providedBy(ca) == callable(getattr(ca, method, None)), \
            (kind, capability.__name__)
        if capability.providedBy(ca):
            assert verifyObject(capability, ca)


#: every optional capability of a CA (a method a CA has is a capability it declares)
CAPABILITIES = [getattr(interfaces, name) for name in interfaces.__all__
                if isinstance(getattr(interfaces, name), InterfaceClass)
                and name not in ("ICertificateAuthority", "IEstraReactor")] + [IAllIssuers]
