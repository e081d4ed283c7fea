"""C2SP signed notes and checkpoints: the spec's own example, round trips, refusals."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.ledger import (
    EMPTY_ROOT,
    Ed25519Verifier,
    InvalidSignatureError,
    MalformedNoteError,
    Note,
    SignedCheckpoint,
    SigningKey,
    TreeHead,
    UnverifiedNoteError,
    checkpoint_note,
    leaf_hash,
    log_verifier,
    open_checkpoint,
    open_note,
    origin_for,
    parse_note,
    sign_note,
)

# c2sp.org/signed-note, "Verifier keys: Example".
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZX"
    "sYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
# c2sp.org/tlog-checkpoint's example body (its signature's key is not published).
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)

KEY = SigningKey.generate()
OTHER = SigningKey.generate()


def test_the_specs_example_note_verifies_under_its_vkey() -> None:
    verifier = Ed25519Verifier.from_vkey(SPEC_VKEY)
    assert verifier.name == "example.com/foo"
    assert verifier.key_id.hex() == "530d903a"
    assert verifier.vkey() == SPEC_VKEY
    note = open_note(SPEC_NOTE, [verifier])
    assert note.text == "This is an example message.\n"
    assert str(parse_note(SPEC_NOTE)) == SPEC_NOTE


def test_the_specs_example_note_altered_by_one_character_is_refused() -> None:
    verifier = Ed25519Verifier.from_vkey(SPEC_VKEY)
    with pytest.raises(InvalidSignatureError, match=r"example\.com/foo \(530d903a\)"):
        open_note(SPEC_NOTE.replace("example message", "example massage"), [verifier])


def test_the_specs_checkpoint_body_parses_and_formats_back() -> None:
    head = TreeHead.parse(SPEC_CHECKPOINT)
    assert (head.origin, head.size) == ("example.com/behind-the-sofa", 20852163)
    assert head.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert head.body() == SPEC_CHECKPOINT


def test_key_id_is_the_specs_hash_of_name_type_and_key() -> None:
    pub = KEY.public_key_bytes()
    verifier = Ed25519Verifier("coldcheck.d/p", pub)
    assert verifier.key_id == hashlib.sha256(b"coldcheck.d/p\n\x01" + pub).digest()[:4]
    encoded = base64.b64encode(b"\x01" + pub).decode()
    assert verifier.vkey() == f"coldcheck.d/p+{verifier.key_id.hex()}+{encoded}"


def test_a_checkpoint_note_is_our_signed_head_under_the_origin() -> None:
    signed = SignedCheckpoint.sign(KEY, "cold-creek", 7, leaf_hash(b"r"), 1)
    origin = origin_for("set.example", "cold-creek")
    assert origin == "coldcheck.set.example/cold-creek"
    text = checkpoint_note(KEY, origin, signed)
    assert text.startswith(f"{origin}\n7\n{base64.b64encode(signed.root).decode()}\n\n\u2014 ")
    assert text == checkpoint_note(KEY, origin, signed), "Ed25519 is deterministic"
    head, note = open_checkpoint(text, [log_verifier(origin, KEY.public_key_bytes())], origin)
    assert (head.size, head.root, head.extensions) == (7, signed.root, ())
    assert [s.name for s in note.signatures] == [origin]


def test_an_empty_log_has_the_empty_root() -> None:
    signed = SignedCheckpoint.sign(KEY, "p", 0, EMPTY_ROOT, 1)
    text = checkpoint_note(KEY, "coldcheck.x/p", signed)
    assert text.startswith("coldcheck.x/p\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")


def test_another_logs_checkpoint_is_refused_by_origin() -> None:
    signed = SignedCheckpoint.sign(KEY, "p", 1, leaf_hash(b"r"), 1)
    text = checkpoint_note(KEY, "coldcheck.x/p", signed)
    with pytest.raises(MalformedNoteError, match=r"not of 'coldcheck\.x/q'"):
        open_checkpoint(
            text, [log_verifier("coldcheck.x/p", KEY.public_key_bytes())], "coldcheck.x/q"
        )


def test_unknown_keys_are_ignored_and_a_note_no_known_key_signed_is_refused() -> None:
    text = "hello\n"
    mine = sign_note(text, "me.example/a", KEY)
    theirs = sign_note(text, "them.example/b", OTHER)
    note = str(Note(text, (theirs, mine)))
    opened = open_note(note, [Ed25519Verifier("me.example/a", KEY.public_key_bytes())])
    assert opened.signatures == (mine,)
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [Ed25519Verifier("me.example/c", KEY.public_key_bytes())])


def test_a_known_name_and_id_with_a_bad_signature_refuses_the_whole_note() -> None:
    text = "hello\n"
    mine = sign_note(text, "me.example/a", KEY)
    forged = type(mine)(mine.name, mine.key_id, OTHER.sign(text.encode()))
    note = str(Note(text, (sign_note(text, "me.example/b", OTHER), forged)))
    verifiers = [
        Ed25519Verifier("me.example/a", KEY.public_key_bytes()),
        Ed25519Verifier("me.example/b", OTHER.public_key_bytes()),
    ]
    with pytest.raises(InvalidSignatureError):
        open_note(note, verifiers)


@pytest.mark.parametrize(
    ("note", "why"),
    [
        ("no blank line\n\u2014 a AAAAAAA=\n", "blank line"),
        ("text\n\n\u2014 a AAAAAAA=", "newline"),
        ("text\n\n- a AAAAAAA=\n", "em dash"),
        ("text\n\n\u2014 a+b AAAAAAA=\n", "'\\+'"),
        ("text\n\n\u2014 a AAAA\n", "4-byte key ID"),
        ("text\n\n\u2014 a A*AAAAA=\n", "base64"),
        ("text\n\n\u2014 a \n", "empty"),
        ("te\x1bxt\n\n\u2014 a AAAAAAA=\n", "control"),
        (b"te\xffxt\n\n\xe2\x80\x94 a AAAAAAA=\n", "UTF-8"),
        ("t\n\n" + "\u2014 a AAAAAAA=\n" * 101, "at most 100"),
    ],
)
def test_a_malformed_note_is_refused_naming_why(note: str | bytes, why: str) -> None:
    with pytest.raises(MalformedNoteError, match=why):
        parse_note(note)


@pytest.mark.parametrize(
    ("vkey", "why"),
    [
        ("a+530d903a", "<name>"),
        ("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "hex"),
        ("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "match"),
        ("example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "base64"),
        ("example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "0x01"),
    ],
)
def test_a_bad_vkey_is_refused_naming_why(vkey: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        Ed25519Verifier.from_vkey(vkey)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("o\n1\n", "origin, a tree size"),
        ("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "leading zeroes"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "base64"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", "32 bytes"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "non-empty"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "ends in a newline"),
    ],
)
def test_a_bad_checkpoint_body_is_refused_naming_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        TreeHead.parse(text)


@pytest.mark.parametrize("name", ["", "Cold.Creek", "a b", "-x", "x-", "a+b", "a/b", "x" * 101])
def test_a_deployment_name_that_cannot_stand_in_an_origin_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="deployment name"):
        origin_for(name, "p")


# Any text a note may hold: no control characters but newlines, ending in a newline.
_texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32)])
    | st.just("\n"),
    max_size=200,
).map(lambda s: s + "\n")
_names = st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters="+"),
    min_size=1,
    max_size=40,
).filter(lambda s: not any(ch.isspace() for ch in s))


@settings(max_examples=200, deadline=None)
@given(text=_texts, names=st.lists(_names, min_size=1, max_size=4, unique=True))
def test_any_signed_note_formats_parses_and_opens_back(text: str, names: list[str]) -> None:
    sigs = tuple(sign_note(text, name, KEY) for name in names)
    formatted = str(Note(text, sigs))
    assert parse_note(formatted) == Note(text, sigs)
    assert parse_note(formatted.encode()) == Note(text, sigs)
    verifiers = [Ed25519Verifier(n, KEY.public_key_bytes()) for n in names]
    assert open_note(formatted, verifiers).signatures == sigs
    assert Ed25519Verifier.from_vkey(verifiers[0].vkey()) == verifiers[0]


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(0, 2**63 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_names, max_size=3).map(tuple),
)
def test_any_checkpoint_body_formats_and_parses_back(
    size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    head = TreeHead("coldcheck.x/p", size, root, extensions)
    assert TreeHead.parse(head.body()) == head
