"""/metrics cannot be grown by what clients send (security issue #9, finding 1)."""

from __future__ import annotations

import random
import string
from typing import Any

from prometheus_client import generate_latest
from treq.testing import StubTreq
from twisted.trial.unittest import SynchronousTestCase

from estra.config import Profile
from estra.metrics import REGISTRY, allow_labels, observe_request
from estra.scep.resource import scep_root


def _junk(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits)
                   for _ in range(rng.randint(1, 40)))


class MetricsBoundsTests(SynchronousTestCase):
    def test_junk_scep_requests_do_not_grow_metrics(self) -> None:
        """3,000 SCEP requests with random ?operation= values and path labels add no
        time series: the /metrics text grows by a bounded amount, not per request."""
        rng = random.Random(9)
        profiles = {"default": Profile("default"), "vpn": Profile("vpn")}
        allow_labels(profiles)
        http = StubTreq(scep_root(None, profiles, ["/scep"]))
        before = len(generate_latest(REGISTRY))
        for _ in range(3000):
            d: Any = http.get(f"http://ra.test/scep/{_junk(rng)}?operation={_junk(rng)}")
            self.assertIn(self.successResultOf(d).code, (400, 404))
        after = len(generate_latest(REGISTRY))
        self.assertLess(after - before, 20_000, f"/metrics grew from {before} to {after}")

    def test_values_outside_the_known_sets_are_other(self) -> None:
        """observe_request itself maps unknown protocol, operation, label and status to
        "other", whatever the caller passes."""
        observe_request("gopher", "x\nforged", "no-such-profile", 299, 0.01)
        text = generate_latest(REGISTRY).decode()
        self.assertIn('estra_requests_total{label="other",operation="other",'
                      'protocol="other",status="other"}', text)
        self.assertNotIn("forged", text)
        self.assertNotIn("no-such-profile", text)

    def test_configured_labels_and_known_operations_are_kept(self) -> None:
        """A configured profile label and a real operation are counted under their names."""
        allow_labels(["branch-7"])
        observe_request("scep", "PKIOperation", "branch-7", 200, 0.01)
        self.assertIn('estra_requests_total{label="branch-7",operation="PKIOperation",'
                      'protocol="scep",status="200"}', generate_latest(REGISTRY).decode())
