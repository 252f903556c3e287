"""SCEP transactions (CertPoll, GetCert) and the senderNonces seen (replay protection)."""

from __future__ import annotations

from typing import Any, Callable, TypedDict

from estra.store.engine import StoreBase

__all__ = ["SCEP_BEGUN", "ScepSeen", "ScepTransactionRow", "ScepTransactions"]


#: `scep_nonces.outcome` of a request whose transaction was stored: answer its state.
SCEP_BEGUN = "begun"


class ScepTransactionRow(TypedDict):
    """A row of `scep_transactions`: a request CertPoll finds, owned by its signer."""

    label: str
    transaction_id: str
    signer_sha256: str         # SHA-256 of the signer's SubjectPublicKeyInfo
    at: float
    identity: str
    method: str
    operation: str
    csr: str                   # base64 DER, without the challengePassword
    serial: str | None         # once issued
    names: str                 # the request a validator's data named ('' the device's)


class ScepSeen(TypedDict):
    """What `scep_nonces` remembers of the message seen with a senderNonce."""

    message_sha256: str        # '' for rows from before migration 12
    outcome: str               # SCEP_BEGUN, "cert:SERIAL" or "fail:FAILINFO:TEXT"


class ScepTransactions(StoreBase):
    """SCEP transactions, owned by the key that signed them, and senderNonces."""

    async def scep_begin(self, label: str, transaction_id: str, signer_sha256: str,
                         identity: str, method: str, operation: str, csr_b64: str,
                         seen: tuple[bytes, str] | None = None, names: str = "") -> None:
        """Remember a SCEP request so CertPoll can find it.

        A transaction is the signer's own: keyed by label, transactionID and the
        SHA-256 of the signer's SubjectPublicKeyInfo, so another key reusing the
        transactionID starts a transaction of its own and never sees this one.
        Clients that derive the transactionID from the key reuse it when they
        renew: the newest request wins.  `csr_b64` must carry no challengePassword
        (`wire.csr_without_challenge`).  `seen`: the (senderNonce, message SHA-256)
        of the request, remembered as begun (`scep_seen`) in the same database
        transaction, so a crash leaves both or neither.  `names`: the request as a
        validator's data named it (base64, stored form), '' for the device's."""
        now = self.clock()
        begin = self.dialect.sql(
            "INSERT INTO scep_transactions (label, transaction_id, signer_sha256, at, "
            "identity, method, operation, csr, names) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT "
            "(label, transaction_id, signer_sha256) DO UPDATE SET at = excluded.at, identity = "
            "excluded.identity, method = excluded.method, operation = excluded.operation, "
            "csr = excluded.csr, names = excluded.names, serial = NULL")

        def run(cursor: Any) -> None:
            cursor.execute(begin, (label, transaction_id, signer_sha256, now, identity,
                                   method, operation, csr_b64, names))
            if seen is not None:
                self._seen(cursor, seen[0], seen[1], SCEP_BEGUN, now)
        await self._transact(run)

    def scep_issued(self, label: str, transaction_id: str, signer_sha256: str
                    ) -> Callable[[Any, str], None]:
        """The `record(on_issued=...)` hook that gives the transaction its certificate's
        serial inside the database transaction recording the issuance."""
        sql = self.dialect.sql("UPDATE scep_transactions SET serial = ? WHERE label = ? AND "
                               "transaction_id = ? AND signer_sha256 = ?")

        def update(cursor: Any, serial: str) -> None:
            cursor.execute(sql, (serial, label, transaction_id, signer_sha256))
        return update

    async def scep_transaction(self, label: str, transaction_id: str, signer_sha256: str
                               ) -> ScepTransactionRow | None:
        """The transaction `signer_sha256` owns under this transactionID, if any."""
        rows: list[ScepTransactionRow] = await self._rows(
            "SELECT * FROM scep_transactions WHERE label = ? AND transaction_id = ? AND "
            "signer_sha256 = ?", label, transaction_id, signer_sha256)
        return rows[0] if rows else None

    async def scep_owns(self, serial: str, signer_sha256: str) -> bool:
        """Whether a transaction of this signer was given the certificate `serial`."""
        rows = await self.query("SELECT 1 FROM scep_transactions WHERE serial = ? AND "
                                "signer_sha256 = ?", serial, signer_sha256)
        return bool(rows)

    async def scep_seen(self, nonce: bytes) -> ScepSeen | None:
        """The message seen with this senderNonce (`message_sha256`, '' when unknown) and
        how it was answered (`outcome`: `SCEP_BEGUN`, "cert:SERIAL" or
        "fail:FAILINFO:TEXT"), or None; one read by primary key."""
        rows: list[ScepSeen] = await self._rows(
            "SELECT message_sha256, outcome FROM scep_nonces WHERE nonce = ?", nonce.hex())
        return rows[0] if rows else None

    async def scep_remember(self, nonce: bytes, message_sha256: str, outcome: str) -> None:
        """Remember how the message with this senderNonce was answered (the first answer
        stays); the row is swept `keep` seconds later (`scep_sweep`)."""
        await self._transact(self._seen, nonce, message_sha256, outcome[:300], self.clock())

    def _seen(self, cursor: Any, nonce: bytes, message_sha256: str, outcome: str,
              now: float) -> None:
        cursor.execute(self.dialect.sql(
            "INSERT INTO scep_nonces (nonce, at, message_sha256, outcome) VALUES (?,?,?,?) "
            "ON CONFLICT DO NOTHING"), (nonce.hex(), now, message_sha256, outcome))

    async def scep_sweep(self, keep: float = 86400, batch: int = 250) -> int:
        """Forget at most `batch` senderNonces older than `keep` seconds (one short write
        transaction on the index on `at`); how many went."""
        return await self._write(
            "DELETE FROM scep_nonces WHERE nonce IN (SELECT nonce FROM scep_nonces WHERE "
            "at < ? LIMIT ?)", self.clock() - keep, batch)
