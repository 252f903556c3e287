"""`estra ca rollover` and `estra ca retire-old`: the files of this node's state
directory and the record in the store that every other node follows
(estra/ca/sync.py)."""

from __future__ import annotations

import argparse
import time
from typing import Callable

from cryptography import x509

from estra.ca.sync import SyncLock, record, record_retired
from estra.config import Settings
from estra.cli.operate import emit, fail
from estra.ca.rollover import RolloverError, retire_old, rollover
from estra.store.database import NoStore, Store, open_store, require_current, run_blocking
from estra.ca.local import ROLLOVER_FILES, LocalCA

__all__ = ["run"]


def _store_of(settings: Settings) -> Store | None:
    """The configured store, migrated; None without one (a state directory whose
    server never started has no SQLite database, and no other node)."""
    try:
        store = open_store(settings.store_url, settings.state_dir, time.time, create=False)
    except NoStore:
        return None
    require_current(store)
    return store


def run(settings: Settings, args: argparse.Namespace) -> int:
    """`estra ca rollover|retire-old`: the files here and the record in the store;
    0, or 2 and one line why."""
    store: Store | None = None
    try:
        store = _store_of(settings)
        with SyncLock(settings):
            if args.action == "retire-old":
                return _retire(settings, args, store)
            new = rollover(settings, args.force, args.days,
                           publish=None if store is None else _publisher(store))
    except (RolloverError, OSError, ValueError) as e:
        return fail(args, str(e), 2)
    finally:        # only blocking connections were used: the pool must not start later
        if store is not None:
            store.pool.close()
    subject = new.cert.subject.rfc4514_string()
    emit(args, {"subject": subject, "cert": settings.ca_cert.path,
                "links": [settings.ca_cert.sibling(n).path for n in ROLLOVER_FILES[:2]]},
         f"estra: new CA {subject} in {settings.ca_cert.path}; the old root and the "
         "NewWithOld/OldWithNew links are served from /cacerts until it expires or "
         "`estra ca retire-old`; running estra nodes on this store pick it up within "
         "[ca] sync_seconds (or at once on SIGHUP)")
    return 0


def _publisher(store: Store) -> Callable[[LocalCA, LocalCA, list[x509.Certificate]], None]:
    def publish(old: LocalCA, new: LocalCA, links: list[x509.Certificate]) -> None:
        try:
            run_blocking(store, record(old, new, links, time.time()))
        except RolloverError:
            raise
        except Exception as e:
            raise RolloverError(f"cannot record the rollover in the store, nothing changed: "
                                f"{e}") from e
    return publish


def _retire(settings: Settings, args: argparse.Namespace, store: Store | None) -> int:
    if store is not None and settings.ca_cert.exists():
        root = x509.load_pem_x509_certificate(settings.ca_cert.getContent())
        run_blocking(store, record_retired(root, time.time()))
    removed = retire_old(settings)
    emit(args, {"removed": removed},
         "estra: removed " + ", ".join(removed) + "; running estra nodes on this store "
         "follow within [ca] sync_seconds (or at once on SIGHUP)" if removed
         else "estra: no old CA to retire")
    return 0
