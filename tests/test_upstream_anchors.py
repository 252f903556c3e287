"""An EST upstream's TLS trust follows its root rollover only through a NewWithOld link
signed by an anchor the RA already trusts (estra/upstream/anchors.py), in process."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from twisted.python.filepath import FilePath

from estra.upstream.anchors import LearnedAnchors, anchors_file, endorsed_roots
from estra.upstream.http import ClientTLSPolicy
from tests import pki

NOW = pki.NOW


def rollover(old: pki.CA, cn: str = "Upstream CA G2", **validity: datetime.datetime
             ) -> tuple[pki.CA, x509.Certificate]:
    """A new root and its NewWithOld link (new subject and key, signed by `old`)."""
    new = pki.CA(cn)
    return new, old.issue(new.cert.subject, new.key.public_key(), **validity)


def learner(tmp_path: Path, anchors: list[x509.Certificate]
            ) -> tuple[LearnedAnchors, ClientTLSPolicy]:
    policy = ClientTLSPolicy(anchors)
    return LearnedAnchors("corp", policy, anchors_file(FilePath(str(tmp_path)), "corp"),
                          NOW.timestamp), policy


def test_a_root_endorsed_by_an_anchor_is_trusted_and_kept(tmp_path: Path) -> None:
    old = pki.CA("Upstream CA")
    new, link = rollover(old)
    learned, policy = learner(tmp_path, [old.cert])
    learned.take([new.cert, link, old.cert])
    assert policy.anchors == [old.cert, new.cert]
    # after a restart with the same `trust`: the kept pair is taken back
    again, policy = learner(tmp_path, [old.cert])
    assert policy.anchors == [old.cert, new.cert] and again.pairs == [(link, new.cert)]


def test_a_second_rollover_chains_through_the_first(tmp_path: Path) -> None:
    g1 = pki.CA("Upstream CA")
    g2, link2 = rollover(g1)
    g3, link3 = rollover(g2, "Upstream CA G3")
    learned, policy = learner(tmp_path, [g1.cert])
    learned.take([g2.cert, link2])
    learned.take([g3.cert, link3])
    assert policy.anchors == [g1.cert, g2.cert, g3.cert]
    assert learner(tmp_path, [g1.cert])[1].anchors == [g1.cert, g2.cert, g3.cert]


def test_roots_without_an_endorsement_are_not_trusted(tmp_path: Path) -> None:
    """An attacker's root, however it comes: alone, with a link it signed itself, with
    a link signed by another CA, with a link for another key, or with an expired link."""
    old, other = pki.CA("Upstream CA"), pki.CA("Someone else")
    new, good_link = rollover(old)
    forged = [
        [new.cert],
        [new.cert, new.issue(new.cert.subject, new.key.public_key())],
        [new.cert, other.issue(new.cert.subject, new.key.public_key())],
        [new.cert, old.issue(new.cert.subject, pki.ec_key().public_key())],
        [new.cert, old.issue(new.cert.subject, new.key.public_key(),
                             not_before=NOW - datetime.timedelta(days=20),
                             not_after=NOW - datetime.timedelta(days=1))],
        [good_link],                                # a link alone is no root
        [old.issue(new.cert.subject, new.key.public_key()), good_link],
    ]
    assert endorsed_roots([new.cert, good_link], [old.cert], NOW) == [(good_link, new.cert)]
    for certs in forged:
        assert endorsed_roots(certs, [old.cert], NOW) == [], certs
    learned, policy = learner(tmp_path, [old.cert])
    for certs in forged[:5]:
        learned.take(certs)
    assert policy.anchors == [old.cert]
    assert not anchors_file(FilePath(str(tmp_path)), "corp").exists()


def test_kept_roots_are_dropped_when_trust_names_another_ca(tmp_path: Path) -> None:
    old = pki.CA("Upstream CA")
    new, link = rollover(old)
    learner(tmp_path, [old.cert])[0].take([new.cert, link])
    elsewhere = pki.CA("Another upstream CA")
    learned, policy = learner(tmp_path, [elsewhere.cert])
    assert policy.anchors == [elsewhere.cert] and learned.pairs == []


def test_a_damaged_file_is_ignored(tmp_path: Path) -> None:
    path = anchors_file(FilePath(str(tmp_path)), "corp")
    path.setContent(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    old = pki.CA("Upstream CA")
    assert learner(tmp_path, [old.cert])[1].anchors == [old.cert]


def test_the_file_name_is_safe_for_any_upstream_name(tmp_path: Path) -> None:
    state = FilePath(str(tmp_path))
    assert anchors_file(state, "../../etc/x").parent() == state
    assert anchors_file(state, "corp-1").basename() == "upstream-corp-1-anchors.pem"
