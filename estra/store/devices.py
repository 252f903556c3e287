"""The console's device view (estra/console/devices.py): records found by name or
serial, and a device's story across its records."""

from __future__ import annotations

from typing import Any, TypedDict

from estra.store.engine import StoreBase, fetch, marks, with_sans
from estra.store.enrollments import EnrollmentRow
from estra.store.pending import PendingRow
from estra.store.revocations import RevocationRow

__all__ = ["DeviceStory", "Devices"]


class DeviceStory(TypedDict):
    """A device's story (`Devices.device`), each list oldest first."""

    records: list[EnrollmentRow]
    held: list[PendingRow]
    revoked: list[RevocationRow]


class Devices(StoreBase):
    """Records by the names they are searched by, and the records linked to one."""

    async def find_records(self, prefix: str, serial: str | None, limit: int,
                           scan: int = 1000) -> list[EnrollmentRow]:
        """Records, newest first, with a name (`record_names`) starting with `prefix`
        (lower case; among the first `scan` such names) or the certificate `serial` (of
        the record, or the one a renewal authenticated with): index ranges only."""
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else ""
        return with_sans(await self._rows(
            "SELECT * FROM enrollments WHERE id IN (SELECT enrollment FROM (SELECT "
            "enrollment FROM device_names WHERE name >= ? AND name < ? LIMIT ?) AS n UNION "
            "SELECT id FROM enrollments WHERE serial = ? UNION SELECT id FROM enrollments "
            "WHERE auth_serial = ?) ORDER BY id DESC LIMIT ?",
            prefix, after, scan if prefix else 0, serial, serial, limit))

    async def device(self, record_id: int, most: int = 500) -> DeviceStory:
        """A device's story from one of its records: every record linked to it, across
        identities (a renewal to the certificate it authenticated with, both ways; the
        same key under the same identity), at most `most`, oldest first; the held
        requests of those keys and identities, and the revocations of their serials."""
        def run(cursor: Any) -> DeviceStory:
            found: dict[int, EnrollmentRow] = {}
            frontier = [record_id]
            while frontier and len(found) < most:
                rows = fetch(cursor, self.dialect, "SELECT * FROM enrollments WHERE id IN "
                              f"({marks(frontier)})", *frontier)
                found.update((int(r["id"]), r) for r in rows)
                serials = sorted({str(r["serial"]) for r in rows if r["serial"]})
                renewed = sorted({str(r["auth_serial"]) for r in rows if r["auth_serial"]})
                pairs = sorted({(str(r["key_sha256"]), str(r["identity"])) for r in rows})
                parts, args = [], []
                if renewed:
                    parts.append("SELECT id FROM enrollments WHERE decision = 'issued' AND "
                                 f"serial IN ({marks(renewed)})")
                    args += renewed
                if serials:
                    parts.append(f"SELECT id FROM enrollments WHERE auth_serial IN "
                                 f"({marks(serials)})")
                    args += serials
                for key, identity in pairs:
                    parts.append("SELECT id FROM enrollments WHERE key_sha256 = ? AND "
                                 "identity = ?")
                    args += [key, identity]
                linked = fetch(cursor, self.dialect, " UNION ".join(parts), *args) \
                    if parts else []
                frontier = sorted({int(r["id"]) for r in linked} - set(found))[
                    :most - len(found)]
            records = sorted(found.values(), key=lambda r: int(r["id"]))
            pairs = sorted({(str(r["key_sha256"]), str(r["identity"])) for r in records})
            serials = sorted({str(r["serial"]) for r in records if r["serial"]})
            held: list[PendingRow] = fetch(cursor, self.dialect, " UNION ".join(
                ["SELECT * FROM pending WHERE key_sha256 = ? AND identity = ?"] * len(pairs)),
                *[v for pair in pairs for v in pair]) if pairs else []
            revoked: list[RevocationRow] = fetch(
                cursor, self.dialect, f"SELECT * FROM revocations WHERE serial IN "
                f"({marks(serials)}) ORDER BY id", *serials) if serials else []
            return {"records": with_sans(records),
                    "held": with_sans(sorted(held, key=lambda r: r["id"])),
                    "revoked": revoked}
        result: DeviceStory = await self._run(run)
        return result
