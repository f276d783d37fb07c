"""The views a store carries for browsing (migration m012_browse_views) on SQLite and
PostgreSQL, and the metadata ``exchange browse`` gives Datasette: rows written out by
hand for a small programme, every column labelled in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from backends.views import M012_WORDS, M013_WORDS, VIEW_NAMES
from exchange import Criterion, Tracker, enums
from exchange.backend import STORED_TYPES
from exchange.browsing import metadata
from exchange.browsing.labels import COLUMN_LABELS, VIEW_TITLES
from exchange.codec import columns
from exchange.i18n import localize


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Tracker]:
    """A small programme: two schools paired, a secondment, a mentor pair, an activity
    (and one archived), money granted and spent, a pairing assessed."""
    from conftest import shared_url

    with Tracker.open(shared_url(request, tmp_path)) as tracker:
        programme(tracker)
        yield tracker


def programme(tracker: Tracker) -> None:
    """The records the expected rows below are worked out from."""
    with tracker.transaction():
        east = tracker.add(_partnership())
        home = tracker.add(_school("惠阳区半岛学校", "广东省惠州市惠阳区", "HY-BD"))
        host = tracker.add(_school("贞丰县第五中学", "贵州省黔西南州贞丰县", "ZF-05"))
        chen = tracker.add(_teacher("陈老师", home.id, "T-1"))
        luo = tracker.add(_teacher("罗老师", host.id, "T-2"))
        pairing = tracker.pair_schools(
            home, host, signed_on="2025-03-18", partnership=east, annual_budget="100000"
        )
        second = tracker.second(chen, host, kind="支教", starts_on="2025-09-01",
                                ends_on="2026-07-10", pairing=pairing, ref="S-1")  # fmt: skip
        tracker.approve(second)
        tracker.start(second)
        tracker.define_programme("青蓝工程")
        tracker.pair_mentor(chen, luo, programme="青蓝工程", starts_on="2025-09-15")
        lesson = tracker.log_activity("示范课", "《函数的概念》", held_on="2025-10-09",
                                      school=host, teacher=chen, lessons=2,
                                      attendees=40)  # fmt: skip
        gone = tracker.log_activity("培训", "取消的培训", held_on="2025-11-01", school=host)
        tracker.archive("activity", gone.id)
        money = tracker.allocate(pairing, year=2025, amount="100000", source="惠阳区教育局")
        tracker.spend(money, "2400.50", category="差旅补助", spent_on="2025-09-01",
                      secondment=second)  # fmt: skip
        tracker.spend(money, "1000", category="教研活动", spent_on="2025-10-09", activity=lesson)
        rubric = tracker.define_rubric(
            "结对考核", target="pairing", criteria=[Criterion(key="a", name="甲")]
        )
        tracker.assess(rubric, pairing.id, period="2025", assessor="贞丰县教育局",
                       scores={"a": 90}, assessed_on="2026-01-20")  # fmt: skip


def _partnership() -> Any:
    from exchange import Partnership

    return Partnership(name="惠阳—贞丰", supporting_region="广东省惠州市惠阳区",
                       supported_region="贵州省黔西南州贞丰县", kind="东西部协作")  # fmt: skip


def _school(name: str, region: str, ref: str) -> Any:
    from exchange import School

    return School(name=name, region=region, stage="初中", ref=ref)


def _teacher(name: str, school_id: Any, ref: str) -> Any:
    from exchange import Teacher

    return Teacher(name=name, school_id=school_id, ref=ref)


def view(tracker: Tracker, name: str) -> list[dict[str, Any]]:
    """The rows of a view in id order, values as SQLite and PostgreSQL agree on them:
    dates as ISO text, numbers as Decimal."""
    sql = f'SELECT * FROM "{name}" ORDER BY "id"'
    backend: Any = tracker.backend
    if hasattr(backend, "connection"):  # PostgreSQL
        with backend.connection() as conn:
            cursor = conn.execute(sql)
            names = [column.name for column in cursor.description]
            found = cursor.fetchall()
    else:
        cursor = backend.database.conn.execute(sql)
        names = [column[0] for column in cursor.description]
        found = cursor.fetchall()
    return [{k: _plain(v) for k, v in zip(names, row, strict=True)} for row in found]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return Decimal(str(value))
    return value


def picked(rows: list[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(row[name] for name in names) for row in rows]


PAIR = "惠阳区半岛学校 → 贞丰县第五中学"


def test_pairings_show_their_schools_partnership_and_budget_in_yuan(store: Tracker) -> None:
    rows = view(store, "pairing_names")
    assert picked(rows, "pairing", "supported_region", "partnership", "annual_budget_yuan",
                  "archived", "archived_zh") == [
        (PAIR, "贵州省黔西南州贞丰县", "惠阳—贞丰", 100000, "no", "否")
    ]  # fmt: skip


def test_the_roster_names_teacher_schools_and_says_kind_and_status(store: Tracker) -> None:
    rows = view(store, "secondment_roster")
    assert picked(rows, "ref", "teacher", "teacher_ref", "home_school", "host_school", "kind",
                  "kind_zh", "status", "status_zh", "starts_on", "pairing") == [
        ("S-1", "陈老师", "T-1", "惠阳区半岛学校", "贞丰县第五中学", "support", "支教",
         "active", "在岗", "2025-09-01", PAIR)
    ]  # fmt: skip


def test_mentoring_pairs_name_both_and_their_schools(store: Tracker) -> None:
    rows = view(store, "mentoring_pairs")
    assert picked(rows, "mentor", "mentor_school", "mentee", "mentee_school", "programme",
                  "status", "status_zh", "meetings") == [
        ("陈老师", "惠阳区半岛学校", "罗老师", "贞丰县第五中学", "青蓝工程", "active", "进行中", 0)
    ]  # fmt: skip


def test_activities_name_their_school_and_teacher(store: Tracker) -> None:
    rows = view(store, "activity_log")
    assert picked(rows, "kind", "kind_zh", "title", "school", "teacher", "lessons",
                  "attendees", "archived", "archived_zh") == [
        ("demonstration-lesson", "示范课", "《函数的概念》", "贞丰县第五中学", "陈老师", 2, 40,
         "no", "否"),
        ("training", "培训", "取消的培训", "贞丰县第五中学", None, 0, 0, "yes", "是"),
    ]  # fmt: skip


def test_money_is_in_yuan_with_what_is_left(store: Tracker) -> None:
    """100,000 granted; 2,400.50 and 1,000 spent: 96,599.50 left."""
    rows = view(store, "allocation_balances")
    assert picked(rows, "year", "holder", "amount_yuan", "spent_yuan", "balance_yuan",
                  "source") == [
        (2025, PAIR, Decimal("100000"), Decimal("3400.5"), Decimal("96599.5"), "惠阳区教育局")
    ]  # fmt: skip
    lines = view(store, "expense_lines")
    assert picked(lines, "spent_on", "amount_yuan", "category", "category_zh",
                  "secondment_teacher", "activity", "overspend_approved") == [
        ("2025-09-01", Decimal("2400.5"), "travel", "差旅补助", "陈老师", None, "no"),
        ("2025-10-09", Decimal("1000"), "teaching-research", "教研活动", None, "《函数的概念》",
         "no"),
    ]  # fmt: skip


def test_an_assessment_names_what_it_assesses(store: Tracker) -> None:
    rows = view(store, "assessment_targets")
    assert picked(rows, "rubric", "target", "target_zh", "target_name", "period") == [
        ("结对考核", "pairing", "结对学校", PAIR, "2025")
    ]


def placements_and_users(tracker: Tracker) -> None:
    """A need of two places at the host, filled by one approved and one cancelled
    secondment; the applications of two teachers; a coordinator and a school
    administrator."""
    from exchange import Application, Need, School, Secondment, Teacher

    host = tracker.get(School, "ZF-05")
    home = tracker.get(School, "HY-BD")
    with tracker.transaction():
        need = tracker.add(
            Need(host_school_id=host.id, subject="数学", stage="初中", places=2,
                 starts_on="2026-09-01", ends_on="2027-01-15", ref="N-1")
        )  # fmt: skip
        wang = tracker.add(Teacher(name="王老师", school_id=home.id, ref="T-3"))
        li = tracker.add(Teacher(name="李老师", school_id=home.id, ref="T-4"))
        for teacher, status in ((wang, "approved"), (li, "cancelled")):
            reason = "家庭原因" if status == "cancelled" else ""
            tracker.add(
                Secondment(teacher_id=teacher.id, host_school_id=host.id, kind="support",
                           starts_on="2026-09-01", ends_on="2027-01-15", need_id=need.id,
                           status=status, reason=reason)
            )  # fmt: skip
            tracker.add(Application(teacher_id=teacher.id, year=2026, subject="数学",
                                    available_from="2026-08-20"))  # fmt: skip
        tracker.add_user(tracker.actor, "coordinator")
        tracker.add_user("adm-zf", "school-admin", school=host)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def fuller(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Tracker]:
    """The small programme with placements and users (:func:`placements_and_users`)."""
    from conftest import shared_url

    with Tracker.open(shared_url(request, tmp_path)) as tracker:
        programme(tracker)
        placements_and_users(tracker)
        yield tracker


def test_a_need_says_how_many_places_are_filled(fuller: Tracker) -> None:
    """Two places; the approved secondment takes one, the cancelled one gives it back."""
    rows = view(fuller, "need_places")
    assert picked(rows, "ref", "host_school", "host_region", "subject", "stage", "stage_zh",
                  "kind", "kind_zh", "places", "filled", "archived_zh") == [
        ("N-1", "贞丰县第五中学", "贵州省黔西南州贞丰县", "数学", "junior", "初中", "support",
         "支教", 2, 1, "否")
    ]  # fmt: skip


def test_an_application_names_the_teacher_and_home_school(fuller: Tracker) -> None:
    rows = view(fuller, "applicants")
    assert picked(rows, "teacher", "teacher_ref", "home_school", "home_region", "year",
                  "subject", "available_from", "available_until") == [
        ("王老师", "T-3", "惠阳区半岛学校", "广东省惠州市惠阳区", 2026, "数学", "2026-08-20", None),
        ("李老师", "T-4", "惠阳区半岛学校", "广东省惠州市惠阳区", 2026, "数学", "2026-08-20", None),
    ]  # fmt: skip


def test_a_user_role_is_in_words_with_its_school(fuller: Tracker) -> None:
    rows = view(fuller, "user_roles")
    assert picked(rows, "login", "role", "role_zh", "programme", "school", "teacher") == [
        (fuller.actor, "coordinator", "协调员", "", None, None),
        ("adm-zf", "school-admin", "学校管理员", "", "贞丰县第五中学", None),
    ]


# -- what the views and the metadata are made of ----------------------------------------


def test_the_words_are_the_vocabularies_of_the_enums() -> None:
    """A new member of a vocabulary needs new ``_vocabulary`` rows (a new migration)."""
    expected = {
        (cls.__name__, member.value, member.zh)
        for cls in vars(enums).values()
        if isinstance(cls, type) and issubclass(cls, enums.Term) and cls is not enums.Term
        for member in cls
    }
    assert set(M012_WORDS + M013_WORDS) == expected


def test_every_table_view_and_column_has_a_title_and_label_in_both_languages(
    tmp_path: Any,
) -> None:
    from sqlite_utils import Database

    path = tmp_path / "labels.db"
    Tracker.open(f"sqlite:///{path}").close()
    db = Database(path)
    names = [*db.table_names(), *db.view_names()]
    shown = {n: db[n].columns_dict for n in names}
    db.close()
    assert set(db_views := [n for n in names if n in VIEW_NAMES]) == set(VIEW_NAMES)
    assert set(VIEW_TITLES) == {*db_views, "_vocabulary"}
    for lang in ("en", "zh"):
        made = metadata("labels", {n: list(c) for n, c in shown.items()}, lang)
        tables = made["databases"]["labels"]["tables"]
        for name in names:
            if name.startswith(("_sqlite", "sqlite_")):
                continue
            assert list(tables[name]["columns"]) == list(shown[name]), (name, lang)
            assert tables[name]["title"], name
    for cls in STORED_TYPES:
        for column in columns(cls):
            assert localize(COLUMN_LABELS[column.name], "zh") != COLUMN_LABELS[column.name]


def test_the_metadata_speaks_the_language_asked_for() -> None:
    shown = {"schools": ["id", "name"], "secondment_roster": ["id", "host_school", "status_zh"]}
    zh = metadata("bureau", shown, "zh")
    en = metadata("bureau", shown, "en")
    tables_zh, tables_en = (m["databases"]["bureau"]["tables"] for m in (zh, en))
    assert (zh["title"], en["title"]) == ("教师交流记录", "Teacher-exchange records")
    assert (tables_zh["schools"]["title"], tables_en["schools"]["title"]) == ("学校", "schools")
    assert tables_zh["schools"]["label_column"] == "name"
    assert tables_zh["secondment_roster"]["title"] == "交流教师名单"
    assert tables_zh["secondment_roster"]["columns"]["host_school"] == "接收学校"
    assert tables_en["secondment_roster"]["columns"]["host_school"] == "host school"
    assert tables_zh["secondment_roster"]["facets"] == ["status_zh", "kind_zh", "host_school"]
    assert tables_en["secondment_roster"]["facets"] == ["status", "kind", "host_school"]
    assert zh["plugins"] == {"teacher-exchange": {"lang": "zh"}}
