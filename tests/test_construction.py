"""The generated constructors (exchange.construction) against attrs' own, and the
trusted row decoder (exchange.codec.from_row) against the checked one."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import codec, construction, models
from exchange.enums import Role, SecondmentKind, Stage
from exchange.models import (
    RECORD_TYPES,
    Criterion,
    Extension,
    GradeBand,
    Milestone,
    Secondment,
    Teacher,
)
from exchange.testing import strategies as xs
from exchange.testing.machine import shape

BUILT = (*RECORD_TYPES, Extension, Milestone, Criterion, GradeBand)
LINKS = {cls.table: st.integers(1, 99) for cls in RECORD_TYPES}

MESSY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([2**63 - 1, 2**63, 10**12, 10**12 + 1, 1.5, 0.0]),
    st.text(max_size=6),
    st.sampled_from([" 惠阳 ", "", " ", "\u3000", "a\x00", "\ud800", "x" * 201, "x" * 10_001]),
    st.sampled_from(["2024-02-30", "2024-12-01", " 2024-12-01 ", "12", "-1", "十"]),
    st.sampled_from(["support", "支教", "SUPPORT", " support ", "小学", "backbone", "骨干教师"]),
    st.sampled_from([SecondmentKind.SUPPORT, Stage.JUNIOR, Role.BACKBONE]),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, dt.timezone.utc])),
    st.sampled_from([decimal.Decimal("1.5"), decimal.Decimal("-1"), decimal.Decimal("0.001")]),
    st.lists(st.sampled_from(["语文", " 数学", "语文", "", "a\x00", "backbone", 3]), max_size=3),
    st.lists(st.sampled_from(["语文", "数学", Role.BACKBONE, Role.BACKBONE]), max_size=3).map(
        tuple
    ),
)
"""Values of every kind, right and wrong, for any field."""


def _outcome(build: Any) -> tuple[str, Any]:
    try:
        return "built", shape(build())
    except Exception as error:  # the comparison is of what each path raises
        return type(error).__name__, str(error)


def _attrs_build(cls: type[Any], kwargs: dict[str, Any]) -> Any:
    instance = object.__new__(cls)
    construction.attrs_init(cls)(instance, **kwargs)
    return instance


def _valid_kwargs(draw: st.DrawFn, cls: type[Any]) -> dict[str, Any]:
    if cls in RECORD_TYPES:
        record = draw(xs.records(cls, LINKS))
        return {f.name: getattr(record, f.name) for f in attrs.fields(cls)}
    return {}


@given(data=st.data())
def test_the_generated_constructor_builds_and_refuses_as_attrs_does(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(BUILT))
    kwargs = _valid_kwargs(data.draw, cls)
    names = [f.name for f in attrs.fields(cls)]
    for name in data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        kwargs[name] = data.draw(MESSY)
    for name in data.draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
        kwargs.pop(name, None)
    assert _outcome(lambda: cls(**kwargs)) == _outcome(lambda: _attrs_build(cls, kwargs))


@given(bad=xs.invalid_inputs())
def test_bad_inputs_are_refused_with_attrs_messages(bad: xs.BadInput) -> None:
    kwargs = dict(bad.kwargs)
    generated = _outcome(bad.build)
    assert generated[0] == "InvalidRecord"
    assert generated == _outcome(lambda: _attrs_build(bad.cls, kwargs))


def test_every_record_type_has_a_generated_constructor() -> None:
    for cls in BUILT:
        assert construction.attrs_init(cls) is not cls.__init__, cls


def test_unknown_and_missing_arguments_read_as_before() -> None:
    with pytest.raises(TypeError, match=r"Secondment.__init__\(\) missing 4 required"):
        Secondment(teacher_id=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Secondment(colour=1)  # type: ignore[call-arg]


@given(data=st.data())
def test_trusted_rows_decode_as_the_checked_path_builds(data: st.DataObject) -> None:
    for record in data.draw(xs.populations()):
        row = codec.to_row(record)
        trusted = codec.from_row(type(record), row)
        assert shape(trusted) == shape(codec.from_row_checked(type(record), row))
        assert shape(trusted) == shape(record)


@given(
    subjects=st.lists(st.text()).map(tuple),
    roles=st.lists(st.sampled_from(list(Role)), unique=True).map(tuple),
)
def test_lists_of_texts_are_stored_as_json_writes_them(
    subjects: tuple[str, ...], roles: tuple[Role, ...]
) -> None:
    def dumps(values: list[Any]) -> str:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    assert codec.encode(Teacher, "subjects", subjects) == dumps(list(subjects))
    assert codec.encode(Teacher, "roles", roles) == dumps([r.value for r in roles])


def test_a_type_is_compiled_on_its_first_construction_only() -> None:
    """Start-up compiles nothing: the first construction of a type swaps in its compiled
    constructor, which the signature shows throughout."""
    import inspect
    import subprocess
    import sys

    probe = (
        "from exchange import School; import inspect;"
        "before = School.__init__.__name__;"
        "School(name='x', region='y', stage='primary');"
        "fields = list(inspect.signature(School).parameters)[:3];"
        "print(before, School.__init__.__qualname__, fields)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split(" ", 2)[:2] == ["first", "School.__init__"]
    assert "['id', 'ref', 'archived']" in out.stdout
    assert list(inspect.signature(models.School).parameters)[:3] == ["id", "ref", "archived"]
