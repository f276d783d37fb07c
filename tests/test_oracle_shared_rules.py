"""The shared rules on every record type they apply to, found from the declared fields.

A link to a missing record and a ``ref`` used twice are refused for every record
type. The cases come from the fields each model declares (``exchange.fields`` marks
links and refs), so a record type or link added later is tested without anyone
remembering to list it here.
"""

from __future__ import annotations

import re

import attrs
import pytest
from conftest import programme_tracker

from exchange import Tracker, errors
from exchange.backend import STORED_TYPES
from exchange.codec import columns
from exchange.models import Allocation, Secondment, Stored

RECORD_TYPES = [cls for cls in STORED_TYPES if "ref" in attrs.fields_dict(cls)]
LINKS = [(cls, c.name) for cls in RECORD_TYPES for c in columns(cls) if c.kind == "link"]
MISSING = 9_999


def test_the_declared_fields_give_the_cases() -> None:
    assert len(RECORD_TYPES) >= 15
    assert (Secondment, "teacher_id") in LINKS
    assert len(LINKS) >= 20


def _first(tracker: Tracker, cls: type[Stored], holding: str = "id") -> Stored:
    """The first record of ``cls`` whose ``holding`` field holds a value, else the first
    (a grant names a school or a teacher only for the roles that have one)."""
    found = list(tracker.find(cls))
    return next((r for r in found if getattr(r, holding) is not None), found[0])


def _count(tracker: Tracker, cls: type[Stored]) -> int:
    return tracker.count(cls)


@pytest.mark.parametrize(("cls", "field"), LINKS, ids=lambda v: getattr(v, "__name__", v))
def test_a_link_to_a_missing_record_is_refused(
    programme_store: Tracker, cls: type[Stored], field: str
) -> None:
    before = _count(programme_store, cls)
    holder = {"pairing_id": None} if field == "school_id" and cls is Allocation else {}
    bad = attrs.evolve(
        _first(programme_store, cls, field), id=None, ref=None, **holder, **{field: MISSING}
    )
    pattern = rf" {field} names \w+ {MISSING}, which does not exist$"
    with pytest.raises(errors.NotFound, match=pattern):
        programme_store.add(bad)
    assert _count(programme_store, cls) == before


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda cls: cls.__name__)
def test_a_ref_is_used_once_per_type(cls: type[Stored]) -> None:
    with programme_tracker("memory:") as tracker:
        last = list(tracker.find(cls))[-1]  # of the users, not the only coordinator
        held = tracker.update(attrs.evolve(last, ref="R-1"))
        for archived in (True, False):  # updates that keep the ref
            held = tracker.update(attrs.evolve(held, archived=archived))
        copy = attrs.evolve(held, id=None, revision=0)
        pattern = rf"ref 'R-1' is already used by .*\b{held.id}\b"
        with pytest.raises(errors.DuplicateRef, match=pattern):
            tracker.add(copy)
        with pytest.raises(errors.DuplicateRef, match=re.escape("'R-1'")):
            tracker.bulk_add([copy])
        assert [r.id for r in tracker.find(cls, ref="R-1")] == [held.id]
