"""C2SP Ed25519 cosignatures (cosignature/v1): the signed message as the spec writes it,
the key ID's type byte, and a cosignature opened as a note signature."""

from __future__ import annotations

import hashlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.ledger import (
    CosignatureVerifier,
    Ed25519Verifier,
    InvalidSignatureError,
    Note,
    SigningKey,
    UnverifiedNoteError,
    cosign,
    cosigned_at,
    open_note,
    sign_note,
)
from coldcheck.ledger.cosignature import cosigned_message

# c2sp.org/tlog-cosignature, "Ed25519 signed message".
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_MESSAGE = (
    "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
LOG = SigningKey.generate()
WITNESS = SigningKey.generate()


def test_the_signed_message_is_the_specs() -> None:
    assert cosigned_message(SPEC_BODY, 1679315147) == SPEC_MESSAGE.encode()


def test_a_cosignature_is_a_timestamped_signature_under_type_0x04() -> None:
    line = cosign(SPEC_BODY, "witness.example/w1", WITNESS, 1679315147)
    pub = WITNESS.public_key_bytes()
    assert line.key_id == hashlib.sha256(b"witness.example/w1\n\x04" + pub).digest()[:4]
    assert line.signature[:8] == struct.pack(">Q", 1679315147)
    assert cosigned_at(line) == 1679315147
    verifier = CosignatureVerifier("witness.example/w1", pub)
    assert verifier.verify(SPEC_BODY.encode(), line.signature)
    assert CosignatureVerifier.from_vkey(verifier.vkey()) == verifier
    assert verifier.vkey().split("+")[1] == line.key_id.hex()


def test_a_cosigned_checkpoint_opens_with_the_log_and_the_witness_keys() -> None:
    body = "coldcheck.x/p\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    log_line = sign_note(body, "coldcheck.x/p", LOG)
    witness_line = cosign(body, "w.example/1", WITNESS, 1_800_000_000)
    note = str(Note(body, (log_line, witness_line)))
    log = Ed25519Verifier("coldcheck.x/p", LOG.public_key_bytes())
    witness = CosignatureVerifier("w.example/1", WITNESS.public_key_bytes())
    assert open_note(note, [log, witness]).signatures == (log_line, witness_line)
    assert open_note(note, [witness]).signatures == (witness_line,)
    # The same key under the Ed25519 type is another key: the cosignature is not its.
    with pytest.raises(UnverifiedNoteError):
        open_note(
            str(Note(body, (witness_line,))),
            [Ed25519Verifier("w.example/1", WITNESS.public_key_bytes())],
        )


def test_a_cosignature_with_its_time_changed_does_not_verify() -> None:
    body = "coldcheck.x/p\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    line = cosign(body, "w.example/1", WITNESS, 1_800_000_000)
    moved = type(line)(
        line.name, line.key_id, struct.pack(">Q", 1_800_000_001) + line.signature[8:]
    )
    witness = CosignatureVerifier("w.example/1", WITNESS.public_key_bytes())
    with pytest.raises(InvalidSignatureError):
        open_note(str(Note(body, (moved,))), [witness])


@pytest.mark.parametrize("at", [0, -1, 2**63])
def test_a_cosignature_time_out_of_range_is_refused(at: int) -> None:
    with pytest.raises(ValueError, match="time"):
        cosign(SPEC_BODY, "w.example/1", WITNESS, at)


@settings(max_examples=100, deadline=None)
@given(at=st.integers(1, 2**63 - 1), size=st.integers(0, 2**63 - 1))
def test_any_cosignature_verifies_at_its_own_time(at: int, size: int) -> None:
    body = f"coldcheck.x/p\n{size}\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    line = cosign(body, "w.example/1", WITNESS, at)
    witness = CosignatureVerifier("w.example/1", WITNESS.public_key_bytes())
    assert cosigned_at(open_note(str(Note(body, (line,))), [witness]).signatures[0]) == at
