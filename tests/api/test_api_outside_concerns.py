"""A concern raised outside ColdCheck through the API: the original uploaded first, the
command naming its hash, delivered as any concern, read back checked, as a download."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from coldcheck.store.attachments import AttachmentStore
from support import web_client as web
from support.api_client import BASE, PID, PREFIX, Api, problem

EMAIL = b"From: 1st AC\nSubject: misfires\n\nTwo discharges on Saturday. <script>x</script>"
UPLOAD = f"{BASE}/attachments"


@pytest.fixture(scope="module")
def kept(api: Api, tmp_path_factory: pytest.TempPathFactory) -> AttachmentStore:
    store = AttachmentStore(tmp_path_factory.mktemp("attachments"))
    api.service.attachments = store
    return store


def upload(api: Api, data: bytes, user: str = "dan") -> Any:
    return api.client.post(UPLOAD, content=data, headers=api.auth(user))


def body(api: Api, sha: str, **fields: Any) -> dict[str, Any]:
    return {
        "channel": "email",
        "said_at": api.service.state("cold-creek").created_at,
        "text": "Two accidental discharges on Saturday; nobody investigated.",
        "author": "the camera crew",
        "attachments": [{"sha256": sha, "filename": "misfires.eml", "media_type": "text/html"}],
        **fields,
    }


def test_upload_then_record_then_download_checked(api: Api, kept: AttachmentStore) -> None:
    r = upload(api, EMAIL)
    assert r.status_code == 201, r.text
    sha = r.json()["sha256"]
    assert sha == hashlib.sha256(EMAIL).hexdigest()
    r = api.command("record-outside-concern", body(api, sha), "dan")
    assert r.status_code == 200, r.text
    types = [e["type"] for e in r.json()["events"]]
    assert types[:2] == ["ConcernRaised", "ConcernReceivedOutside"]
    assert set(types[2:]) == {"ConcernDelivered"}
    assert not any(EMAIL.decode() in str(e) for e in api.events())  # only the hash is logged
    r = api.get(f"{UPLOAD}/{sha}", "lane")
    assert r.status_code == 200
    assert r.content == EMAIL
    assert r.headers["content-disposition"].startswith('attachment; filename="misfires.eml"')
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-type"] == "application/octet-stream"  # never rendered as HTML


def test_a_tampered_original_is_reported_not_served(api: Api, kept: AttachmentStore) -> None:
    data = EMAIL + b"\nsecond copy"
    sha = upload(api, data).json()["sha256"]
    assert api.command("record-outside-concern", body(api, sha), "dan").status_code == 200
    path: Path = kept.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"nothing happened")
    problem(api.get(f"{UPLOAD}/{sha}", "dan"), 503, "integrity")
    path.unlink()
    problem(api.get(f"{UPLOAD}/{sha}", "dan"), 404, "not-found")


def test_a_hash_the_store_does_not_hold_is_refused(api: Api, kept: AttachmentStore) -> None:
    before = api.head()
    r = api.command("record-outside-concern", body(api, "e" * 64), "dan")
    assert "upload the file first" in problem(r, 422, "invalid")["detail"]
    assert api.head() == before


def test_a_time_still_to_come_is_refused(api: Api, kept: AttachmentStore) -> None:
    future = api.service.clock() + 3_600_000_000
    r = api.command(
        "record-outside-concern", body(api, "e" * 64, attachments=[], said_at=future), "dan"
    )
    assert problem(r, 409, "refused")["violations"][0]["code"] == "OUT-1"


def test_only_what_the_record_names_is_served(api: Api, kept: AttachmentStore) -> None:
    sha = upload(api, b"uploaded, never named").json()["sha256"]
    problem(api.get(f"{UPLOAD}/{sha}", "dan"), 404, "not-found")
    problem(api.get(f"{UPLOAD}/not-a-hash", "dan"), 404, "not-found")


def test_upload_limits_and_bad_input(api: Api, kept: AttachmentStore) -> None:
    problem(upload(api, b""), 422, "invalid")
    small = AttachmentStore(kept.root, max_bytes=4)
    api.service.attachments = small
    try:
        problem(upload(api, b"12345"), 413, "too-large")
    finally:
        api.service.attachments = kept


def test_outsiders_and_strangers_are_refused(api: Api, kept: AttachmentStore) -> None:
    problem(api.client.post(UPLOAD, content=EMAIL), 401)
    other = f"{PREFIX}/productions/elsewhere/attachments"
    problem(api.client.post(other, content=EMAIL, headers=api.auth("dan")), 404)


def test_the_tablet_shows_where_it_came_from_and_links_the_checked_file(
    api: Api, kept: AttachmentStore
) -> None:
    data = EMAIL + b"\nfor the tablet"
    sha = upload(api, data).json()["sha256"]
    assert api.command("record-outside-concern", body(api, sha), "dan").status_code == 200
    tablet = api.new_client()
    assert web.login(tablet, "lane").status_code in (302, 303)
    page = tablet.get(f"/p/{PID}/concerns")
    assert page.status_code == 200
    assert "Raised outside ColdCheck: email" in page.text
    assert "from the camera crew; recorded by" in page.text
    link = f"{UPLOAD}/{sha}"
    assert f'href="{link}" download' in page.text
    assert sha in page.text
    got = tablet.get(link)
    assert got.status_code == 200
    assert got.content == data


def test_the_tablet_form_records_it_with_the_original(api: Api, kept: AttachmentStore) -> None:
    tablet = api.new_client()
    web.login(tablet, "dan")
    form = tablet.get(f"/p/{PID}/concerns/outside/new")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert "checked" not in form.text
    assert "selected" not in form.text  # nothing answered for the person
    letter = b"I resign: two discharges and no safety meeting. (1st AC)"
    fields = {
        "channel": "resignation",
        "said_at": "2021-10-21T09:00",
        "author": "the 1st camera assistant",
        "text": "Resigns over two discharges and no safety meetings.",
    }
    before = api.head()
    no_token = tablet.post(
        f"/p/{PID}/concerns/outside",
        headers={"Origin": web.ORIGIN},
        data=fields,
        files={"original": ("letter.txt", letter, "text/plain")},
    )
    assert no_token.status_code == 403
    assert api.head() == before
    sent = tablet.post(
        f"/p/{PID}/concerns/outside",
        headers={"Origin": web.ORIGIN},
        data={"csrf_token": web.token_in(form.text), **fields},
        files={"original": ("letter.txt", letter, "text/plain")},
        follow_redirects=False,
    )
    assert sent.status_code in (200, 303), sent.text
    added = api.events(after=before)
    origin = next(e for e in added if e["type"] == "ConcernReceivedOutside")
    sha = hashlib.sha256(letter).hexdigest()
    assert origin["data"]["attachments"][0]["sha256"] == sha
    assert origin["data"]["channel"] == "resignation"
    raised = next(e for e in added if e["type"] == "ConcernRaised")
    assert raised["data"]["blocking"] is True
    assert raised["actor"] == "dan"
    assert kept.get(sha) == letter
