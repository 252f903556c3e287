"""Fuzzing in the normal test run: a few seconds per target, the corpus of past
findings replayed, and hypothesis over the byte-level parsers.  The long run is
`PYTHONPATH=. python3 bench/fuzz.py --target all --runs 100000` (see its docstring)."""

from __future__ import annotations

import base64
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from tests.fuzzing import CORPUS, TARGETS, Finding, load_corpus, run
from tests.fuzzing import shared_world as world

#: inputs per target in the normal run (about three seconds in all)
QUICK_RUNS = {"body": 300, "csr": 300, "cmc": 60, "fullcmc": 30, "scep": 40,
              "multipart": 200, "auth": 300, "est-http": 60, "scep-http": 30,
              "ocsp": 300, "crl": 300, "console": 300, "forwarded": 150, "challenges": 200}



class QuickFuzzTests(SynchronousTestCase):
    def test_every_target_has_a_quick_run(self) -> None:
        """Every fuzz target is exercised by the normal test run."""
        self.assertEqual(set(QUICK_RUNS), set(TARGETS))

    def test_quick_run(self) -> None:
        """A short mutation run per target finds no HTTP 500, traceback or hang."""
        warnings.simplefilter("ignore")
        for target, runs in QUICK_RUNS.items():
            result = run(world(), target, runs, seed=len(target))
            self.assertEqual((result["http500"], result["traceback"], result["hang"]),
                             (0, 0, 0), f"{target}: {result['first']}")
            self.assertEqual(result["inputs"], runs)


class CorpusTests(SynchronousTestCase):
    def test_corpus_replays(self) -> None:
        """Every input a fuzzer once crashed on (tests/fuzz_corpus/<target>/) is answered
        without an HTTP 500, a traceback or a hang."""
        warnings.simplefilter("ignore")
        replayed = 0
        for folder in sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []:
            self.assertIn(folder.name, TARGETS, f"{folder}: no such target")
            for data in load_corpus(folder.name):
                try:
                    TARGETS[folder.name](world(), data)
                except Finding as f:
                    self.fail(f"{folder.name}: {f}")
                replayed += 1
        self.assertGreater(replayed, 0)


_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])


class HypothesisTests(SynchronousTestCase):
    @_SETTINGS
    @given(st.binary(max_size=600))
    def test_body_decoding(self, data: bytes) -> None:
        """Any body decodes or is a 400 (base64, PEM, DER)."""
        TARGETS["body"](world(), data)

    @_SETTINGS
    @given(st.binary(max_size=600))
    def test_csr(self, data: bytes) -> None:
        """Any bytes as a CSR are a CSR whose fields all read, or a 400."""
        TARGETS["csr"](world(), data)

    @_SETTINGS
    @given(st.binary(max_size=300))
    def test_authorization(self, data: bytes) -> None:
        """Any Authorization header is parsed or ignored, never an exception."""
        TARGETS["auth"](world(), data)
        TARGETS["auth"](world(), b"Basic " + base64.b64encode(data))

    @_SETTINGS
    @given(st.binary(max_size=600))
    def test_cms(self, data: bytes) -> None:
        """Any bytes as CMC or SCEP are a CmcError or ScepError, never another exception."""
        TARGETS["cmc"](world(), data)
        TARGETS["scep"](world(), data)

    @settings(max_examples=100, deadline=None, derandomize=True)
    @given(st.binary(max_size=400), st.sampled_from(["simpleenroll", "serverkeygen",
                                                      "fullcmc", "strict/simpleenroll"]))
    def test_est_bodies(self, body: bytes, op: str) -> None:
        """Any body POSTed to an EST operation gets an answer that is not a 500."""
        from tests.fuzzing import encode_http
        TARGETS["est-http"](world(), encode_http(
            "POST", f"/.well-known/est/{op}", {"Authorization": world().basic}, body))
