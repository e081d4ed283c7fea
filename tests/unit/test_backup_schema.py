"""Comparing a backup's schema with the migrations', and reading a dump's definitions."""

from __future__ import annotations

from coldcheck.backups import RULES
from coldcheck.store.backup_postgres import dump_schema
from coldcheck.store.backup_schema import (
    DIFFERS,
    EXTRA,
    MISSING,
    ObjectKey,
    SchemaDifference,
    compare,
    shown,
)
from coldcheck.store.schema import metadata


def test_every_table_has_a_restore_rule() -> None:
    """A table added to the schema is not restored until someone decides what its rows
    are worth in a backup nobody can vouch for."""
    assert set(RULES) == set(metadata.tables)


def _table(name: str, **columns: str) -> dict[ObjectKey, str]:
    schema = {ObjectKey("table", name, name): f"CREATE TABLE {name} ({columns})"}
    schema |= {ObjectKey("column", name, c): d for c, d in columns.items()}
    return schema


def test_compare_names_what_is_extra_missing_or_different() -> None:
    expected = {
        **_table("events", seq="bigint", body="bytea"),
        ObjectKey("trigger", "events", "events_no_update"): "RAISE append-only",
        ObjectKey("trigger", "events", "events_no_delete"): "RAISE append-only",
    }
    backup = {
        **_table("events", seq="bigint", body="text", note="text"),
        **_table("backdoor", x="int"),
        ObjectKey("trigger", "events", "events_no_update"): "SELECT 1",
        ObjectKey("trigger", "events", "grant_admin"): "UPDATE accounts",
    }
    found = {(d.kind, d.table, d.name, d.change) for d in compare(backup, expected)}
    # The events table itself is not reported: its columns say what differs. The backdoor
    # table is reported once, not column by column.
    assert found == {
        ("table", "backdoor", "backdoor", EXTRA),
        ("column", "events", "body", DIFFERS),
        ("column", "events", "note", EXTRA),
        ("trigger", "events", "events_no_update", DIFFERS),
        ("trigger", "events", "events_no_delete", MISSING),
        ("trigger", "events", "grant_admin", EXTRA),
    }
    assert compare(expected, expected) == []


def test_differences_read_as_what_the_restore_did() -> None:
    assert SchemaDifference("trigger", "events", "grant_admin", EXTRA).describe() == (
        "trigger grant_admin on events: in the backup but not made by the migrations; not restored"
    )
    assert SchemaDifference("column", "accounts", "note", EXTRA).describe() == (
        "column accounts.note: in the backup but not made by the migrations; not restored"
    )
    assert SchemaDifference("table", "x", "x", MISSING).describe() == (
        "table x: missing from the backup; in place as the migrations make it"
    )


def test_a_planted_name_cannot_rewrite_the_report() -> None:
    assert shown("grant_admin") == "grant_admin"
    assert shown("x\x1b[2K\rrestored and verified") == "'x\\x1b[2K\\rrestored and verified'"


SCRIPT = """\
--
-- PostgreSQL database dump
--

\\restrict abc
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: public; Type: SCHEMA; Schema: -; Owner: pg_database_owner
--

CREATE SCHEMA public;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.accounts (
    username character varying(64) NOT NULL,
    "odd, name" text,
    CONSTRAINT sane CHECK (true)
);


ALTER TABLE public.accounts OWNER TO postgres;

--
-- Name: events grant_admin; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER grant_admin AFTER INSERT ON public.events
    FOR EACH ROW EXECUTE FUNCTION public.grant_admin();

--
-- Name: helper(); Type: FUNCTION; Schema: evil; Owner: postgres
--

CREATE FUNCTION evil.helper() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;
"""


def test_a_dump_script_is_read_object_by_object() -> None:
    schema = dump_schema(SCRIPT)
    assert set(schema) == {
        ObjectKey("table", "accounts", "accounts"),
        ObjectKey("column", "accounts", "username"),
        ObjectKey("column", "accounts", "odd, name"),
        ObjectKey("constraint", "accounts", "sane"),
        ObjectKey("trigger", "events", "grant_admin"),
        ObjectKey("function", "", "evil.helper()"),
    }
    assert schema[ObjectKey("column", "accounts", "username")] == "character varying(64) NOT NULL"
    assert schema[ObjectKey("trigger", "events", "grant_admin")] == (
        "CREATE TRIGGER grant_admin AFTER INSERT ON public.events FOR EACH ROW EXECUTE "
        "FUNCTION public.grant_admin();"
    )
    assert "OWNER" not in schema[ObjectKey("table", "accounts", "accounts")]
