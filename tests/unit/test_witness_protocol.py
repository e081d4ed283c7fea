"""The add-checkpoint request body formats and parses back, whatever it holds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.ledger.witness_protocol import AddCheckpoint, format_request, parse_request

NOTE = (
    "o.example/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "\u2014 o.example/log AAAAAAA=\n"
)


@settings(max_examples=200, deadline=None)
@given(
    old=st.integers(0, 2**63 - 1),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=63).map(tuple),
)
def test_any_request_formats_and_parses_back(old: int, proof: tuple[bytes, ...]) -> None:
    body = format_request(old, proof, NOTE).encode()
    assert parse_request(body) == AddCheckpoint(old, proof, NOTE)


def test_the_specs_example_request_parses() -> None:
    body = (
        "old 20852014\n"
        "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
        "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
        "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
        "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
        "\n"
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        "\n"
        "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN"
        "7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    )
    request = parse_request(body.encode())
    assert (request.old_size, len(request.proof)) == (20852014, 4)
    assert request.checkpoint.startswith("example.com/behind-the-sofa\n20852163\n")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"old 1", "blank line"),
        (b"old -1\n\nx", "'old <size>'"),
        (b"new 1\n\nx", "'old <size>'"),
        (b"old 1\nAAAA\n\nx", "proof line 1"),
        (b"\xff\n\n", "UTF-8"),
    ],
)
def test_a_malformed_request_is_refused_naming_why(body: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_request(body)
