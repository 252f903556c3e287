"""Issue #20: the console's lists scale.  Keyset pages (tests/test_console_dmz.py walks
them both ways), sortable columns, case-insensitive filters with closed sets as
<select>s, CSV and JSON export of the current filter (audited: who exported what), and
an index under every page query (the query plans of SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
import time
from typing import Any

from twisted.python.filepath import FilePath

from estra.console import lists
from estra.store.database import (POSTGRES, EnrollmentRecord, migrate_blocking, open_store,
                                  run_blocking)
from tests.test_console import ConsoleFixture, deferred_test

PROFILES = ("default", "manual")


class ListTests(ConsoleFixture):
    async def seed(self) -> None:
        """Records of basic:alice (issued), basic:Bob (rejected) and a subject that a
        spreadsheet would run as a formula; Ann (viewer) logged in."""
        await self.start()
        self.console.listings = lists.standard_listings(lambda: PROFILES)
        for n, (who, decision, subject, label) in enumerate((
                ("basic:alice", "issued", "CN=dev-1", "default"),
                ("basic:Bob", "rejected", "CN=dev-2", "manual"),
                ("basic:alice", "rejected", "CN=dev-3", "default"),
                ("basic:carol", "issued", "CN=dev-4", "default"))):
            await self.store.record(EnrollmentRecord(
                at=self.now[0] + n, identity=who, method="basic", peer="192.0.2.1",
                label=label, operation="simpleenroll", csr_sha256="c", key_sha256=f"k{n}",
                subject=subject, sans=[], decision=decision, rule=decision,
                reason="=HYPERLINK(1)" if subject == "CN=dev-3" else ""))
        self.b = self.browser()
        await self.b.login("view")

    async def identities(self, query: str) -> list[str]:
        code, _, body = await self.b.go("GET", f"/console/enrollments?{query}")
        self.assertEqual(code, 200, body)
        rows = body.split("<tbody>")[1]
        return re.findall(r"<td>[^<]*</td><td>(basic:[^<]*)</td>", rows)

    @deferred_test
    async def test_sortable_columns(self) -> None:
        """A header link sorts by its column, each way, and says which (aria-sort)."""
        await self.seed()
        self.assertEqual(await self.identities(""),
                         ["basic:carol", "basic:alice", "basic:Bob", "basic:alice"])
        self.assertEqual(await self.identities("sort=identity&dir=asc"),
                         ["basic:Bob", "basic:alice", "basic:alice", "basic:carol"])
        self.assertEqual(await self.identities("sort=identity&dir=desc"),
                         ["basic:carol", "basic:alice", "basic:alice", "basic:Bob"])
        _, _, body = await self.b.go("GET", "/console/enrollments?sort=identity&dir=asc")
        self.assertIn('aria-sort="ascending"', body)
        self.assertIn("sort=identity&amp;dir=desc", body)       # press again: the other way

    @deferred_test
    async def test_filters_ignore_case_and_closed_sets_are_selects(self) -> None:
        """Identity prefix and subject substring in any case; decision, operation and
        profile are <select>s of their values, the chosen one selected."""
        await self.seed()
        self.assertEqual(await self.identities("identity=BASIC%3AA"),
                         ["basic:alice", "basic:alice"])
        self.assertEqual(await self.identities("identity=basic%3Ab"), ["basic:Bob"])
        self.assertEqual(await self.identities("subject=DEV-2"), ["basic:Bob"])
        self.assertEqual(await self.identities("decision=rejected&label=default"),
                         ["basic:alice"])
        self.assertEqual(await self.identities("rule=REJECTED"), ["basic:alice", "basic:Bob"])
        _, _, body = await self.b.go("GET", "/console/enrollments?decision=rejected")
        select = re.findall(r'<select name="decision">.*?</select>', body)[0]
        self.assertEqual(re.findall(r'value="([^"]*)"', select),
                         ["", *lists.DECISIONS])
        self.assertIn('<option value="rejected" selected="selected">', select)
        self.assertIn('<select name="label">', body)
        self.assertIn('<option value="manual">', body)

    @deferred_test
    async def test_exports_hold_the_filter_and_are_audited(self) -> None:
        """CSV and JSON hold the rows of the current filter and sort (a cell starting
        with "=" is defused); each export is an audit event naming who, which list,
        which filter and how many rows."""
        await self.seed()
        code, headers, body = await self.b.go(
            "GET", "/console/enrollments?identity=basic%3Aalice&sort=when&dir=asc&format=csv")
        self.assertEqual(code, 200)
        self.assertEqual(headers.getRawHeaders("content-type"), ["text/csv; charset=utf-8"])
        self.assertIn('filename="enrollments.csv"', headers.getRawHeaders(
            "content-disposition")[0])
        table = list(csv.DictReader(io.StringIO(body)))
        self.assertEqual([(r["identity"], r["subject"], r["reason"]) for r in table],
                         [("basic:alice", "CN=dev-1", ""),
                          ("basic:alice", "CN=dev-3", "'=HYPERLINK(1)")])
        code, headers, body = await self.b.go(
            "GET", "/console/enrollments?decision=issued&format=json")
        self.assertEqual(headers.getRawHeaders("content-type"), ["application/json"])
        self.assertEqual([r["identity"] for r in json.loads(body)],
                         ["basic:carol", "basic:alice"])
        _, _, audit = await self.b.go("GET", "/console/audit?kind=console-export")
        events = [json.loads(html.unescape(d)) for d in re.findall(
            r"<td>operator:view</td><td>([^<]*)</td>", audit)]
        self.assertEqual(sorted((e["format"], e["rows"], e["filter"].get("identity", ""))
                                for e in events),
                         [("csv", 2, "basic:alice"), ("json", 2, "")], events)
        self.assertTrue(all(e["list"] == "enrollments" for e in events))


def page_queries(dialect: Any) -> list[tuple[str, str, list[Any]]]:
    """(what, SQL, arguments) of the first page of every list in every sort, and of
    the lists under each filter (in the dialect's SQL)."""
    listings = lists.standard_listings(lambda: PROFILES)
    samples = {"choice": "default", "equals": "auth", "prefix": "basic:a",
               "serial": "0A1B", "since": "2026-01-01T00:00", "until": "2026-01-01T00:00"}
    queries = []
    for listing in listings.values():
        for sort in listing.sorts:
            for f in (None, *listing.filters):
                if f is not None and (sort != listing.default_sort or f.kind == "contains"):
                    continue            # filters under the default sort; substrings scan
                values = {f.name: samples[f.kind]} if f is not None else {}
                if f is not None and f.kind == "choice":
                    values[f.name] = next(iter(f.choices()))
                numeric = listing.sorts[sort].endswith(("id", "at", "count"))
                query = lists.Query(values, sort, True, after=(5, 5) if numeric else ("x", 5))
                where, args = lists.conditions(listing, query, dialect.bytewise)
                sql, values_, _ = lists.page_sql(listing, query, where, args, 51)
                queries.append((f"{listing.name} by {sort}"
                                f"{' with ' + f.name if f else ''}", dialect.sql(sql),
                                values_))
    return queries


class QueryPlanTests(ConsoleFixture):
    def test_every_page_query_walks_an_index_sqlite(self) -> None:
        """SQLite's plan of every list page, in every sort and under each filter but a
        substring, walks an index (never a scan of the table); unfiltered or filtered
        by a closed set or an exact name, it sorts nothing (a prefix or a time range
        sorts the rows it matches, as do the processed requests: four statuses)."""
        store = open_store("", FilePath(tempfile.mkdtemp()), time.time)
        migrate_blocking(store)

        def plans(cursor: Any, dialect: Any) -> dict[str, str]:
            found = {}
            for what, sql, args in page_queries(dialect):
                cursor.execute("EXPLAIN QUERY PLAN " + sql, args)
                found[what] = " | ".join(str(row[-1]) for row in cursor.fetchall())
            return found
        for what, plan in run_blocking(store, plans).items():
            if not re.search("with (identity|address|since|until)$|^processed", what):
                self.assertNotIn("TEMP B-TREE FOR ORDER BY", plan, what)
            self.assertIsNone(re.search(r"SCAN (enrollments|audit|attempts|pending|p)\b(?! USING)",
                                        plan), f"{what}: {plan}")


def test_every_page_query_walks_an_index_postgres(database: str) -> None:
    """PostgreSQL's plan of every list page (sequential scans off, as a planner on a
    large table chooses): an index scan, never a sort of the whole table."""
    store = open_store(database, FilePath(tempfile.mkdtemp()), time.time)
    migrate_blocking(store)

    def plans(cursor: Any, dialect: Any) -> dict[str, str]:
        cursor.execute("SET enable_seqscan = off")
        found = {}
        for what, sql, args in page_queries(POSTGRES):
            cursor.execute("EXPLAIN " + sql, args)
            found[what] = " | ".join(str(row[0]) for row in cursor.fetchall())
        return found
    for what, plan in run_blocking(store, plans).items():
        assert "Seq Scan" not in plan, f"{what}: {plan}"

