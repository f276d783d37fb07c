"""The change log's hash chain against hashes worked out from its written rule:
SHA-256 of the previous hash, a newline and the entry's canonical JSON (sorted keys,
no spaces, Chinese unescaped)."""

from __future__ import annotations

import datetime as dt
import getpass
from hashlib import sha256

import attrs
import pytest

from exchange import errors
from exchange.changelog import (
    GENESIS,
    RowDigest,
    canonical,
    default_actor,
    make_change,
    verify,
)

AT = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
FIRST_JSON = (
    '{"action":"add","actor":"李老师","after":"{\\"name\\":\\"甲校\\"}",'
    '"at":"2025-01-01T00:00:00+00:00","before":null,"record_id":1,"record_type":"schools"}'
)


def _entry(prev_hash: str, record_id: int, **changes: object) -> object:
    fields: dict[str, object] = {
        "prev_hash": prev_hash,
        "actor": "李老师",
        "action": "add",
        "record_type": "schools",
        "record_id": record_id,
        "before": None,
        "after": '{"name":"甲校"}',
        "at": AT,
    }
    return make_change(**{**fields, **changes})  # type: ignore[arg-type]


def test_canonical_json() -> None:
    assert canonical({"b": "中", "a": [1, 2], "c": None}) == '{"a":[1,2],"b":"中","c":null}'


def test_the_first_hash_by_hand() -> None:
    first = _entry(GENESIS, 1)
    assert GENESIS == "0" * 64
    assert canonical(first.content()) == FIRST_JSON  # type: ignore[attr-defined]
    assert first.hash == sha256(f"{GENESIS}\n{FIRST_JSON}".encode()).hexdigest()  # type: ignore[attr-defined]
    assert first.prev_hash == GENESIS  # type: ignore[attr-defined]


def test_a_new_entry_is_dated_now_in_utc() -> None:
    before = dt.datetime.now(dt.timezone.utc)
    entry = _entry(GENESIS, 1, at=None)
    assert entry.at.utcoffset() == dt.timedelta(0)  # type: ignore[attr-defined]
    assert before <= entry.at <= dt.datetime.now(dt.timezone.utc)  # type: ignore[attr-defined]


def _chain() -> list:  # type: ignore[type-arg]
    first = _entry(GENESIS, 1)
    second = _entry(first.hash, 2, action="update", before='{"name":"乙"}')  # type: ignore[attr-defined]
    third = _entry(second.hash, 3, action="delete")  # type: ignore[attr-defined]
    return [attrs.evolve(e, id=n) for n, e in enumerate([first, second, third], 1)]


def test_a_whole_chain_verifies() -> None:
    assert verify(_chain()) == 3
    assert verify([]) == 0


def test_an_edited_entry_is_named() -> None:
    first, second, third = _chain()
    edited = attrs.evolve(second, actor="王老师")
    with pytest.raises(errors.ChainBroken) as broken:
        verify([first, edited, third])
    assert str(broken.value) == "change log entry 2 was edited after it was written"


@pytest.mark.parametrize(("keep", "named"), [((0, 2), 3), ((1, 2), 2)])
def test_a_removed_entry_breaks_the_link_after_it(keep: tuple[int, int], named: int) -> None:
    chain = _chain()
    with pytest.raises(errors.ChainBroken) as broken:
        verify([chain[i] for i in keep])
    assert str(broken.value) == (
        f"change log entry {named} does not follow the entry before it "
        "(an entry was removed, inserted or edited)"
    )


def test_the_row_digest_is_sha256_of_the_rows_reprs() -> None:
    digest = RowDigest()
    assert digest.hexdigest() == sha256(b"").hexdigest()
    digest.add((1, "甲校", None))
    digest.add((2, "乙校", True))
    expected = sha256("(1, '甲校', None)(2, '乙校', True)".encode()).hexdigest()
    assert digest.hexdigest() == expected


@pytest.mark.parametrize("user", ["", OSError("no user"), KeyError("uid")])
def test_the_actor_is_unknown_without_a_user(monkeypatch: pytest.MonkeyPatch, user: object) -> None:
    def getuser() -> str:
        if isinstance(user, Exception):
            raise user
        return str(user)

    monkeypatch.setattr(getpass, "getuser", getuser)
    assert default_actor() == "unknown"
    monkeypatch.setattr(getpass, "getuser", lambda: "coordinator")
    assert default_actor() == "coordinator"
