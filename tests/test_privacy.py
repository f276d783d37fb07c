"""Personal data: sealed in the change log, purged everywhere (the files' bytes too),
retention, and the refusals of each (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Criterion, School, Teacher, Tracker
from exchange.fields import personal_names
from exchange.models import RECORD_TYPES
from exchange.personal import subject
from exchange.sealing import ERASED, PersonalKey, Sealer

SECRETS = {
    "phone": "13912345678",
    "notes": "家访记录：母亲住院",
    "reason": "家中老人病重需照顾",
    "pair": "师徒关系提前结束的缘由",
    "goal": "目标备注：教学反思不足",
    "meeting": "听课后谈心：情绪低落",
    "assessment": "考核评语：课堂管理欠佳",
}
"""Every personal value the store below holds about 陈老师, one per personal field."""
BULK_PHONE = "13700000042"


def build(url: str) -> None:
    """A store whose teacher T-001 has a value in every personal field, each changed
    once so the log holds it sealed, and 100 teachers loaded in bulk with phones."""
    with Tracker.open(url, actor="惠阳区教育局") as tracker:
        home = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage="初中"))
        host = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
        chen = tracker.add(Teacher(name="陈老师", school_id=home.id or 0, ref="T-001"))
        tracker.update(attrs.evolve(chen, phone=SECRETS["phone"], notes=SECRETS["notes"]))
        mentor = tracker.add(Teacher(name="王老师", school_id=host.id or 0, phone="13800000001"))
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=host.id or 0, phone=f"137000000{i:02d}")
            for i in range(100)
        )
        secondment = tracker.second(
            chen, host, kind="支教", starts_on="2025-09-01", ends_on="2026-07-10"
        )
        tracker.cancel(secondment, reason=SECRETS["reason"])
        pair = tracker.pair_mentor(mentor, chen, programme="青蓝工程", starts_on="2025-09-01")
        tracker.set_goal(pair, "上好公开课", notes=SECRETS["goal"])
        tracker.log_meeting(pair, held_on="2025-10-01", minutes=60, kind="听课",
                            notes=SECRETS["meeting"])  # fmt: skip
        tracker.end_mentorship(pair, reason=SECRETS["pair"], on="2025-12-01")
        criteria = [Criterion(key="t", name="教学", weight=1)]
        rubric = tracker.define_rubric("交流教师考核", target="secondment", criteria=criteria)
        tracker.assess(rubric, secondment.id or 0, period="2025", assessor="贞丰县教育局",
                       scores={"t": 80}, assessed_on="2026-01-10",
                       notes=SECRETS["assessment"])  # fmt: skip
        tracker.add(Teacher(name="林老师", school_id=host.id or 0, ref="T-103"))  # nothing personal


def store_files(path: Path) -> bytes:
    """The bytes of a SQLite store: its file, write-ahead log and shared memory."""
    return b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))


def erased_from(data: bytes, keys: list[str]) -> list[str]:
    """Which of the secrets and ``keys`` are still in ``data``."""
    needles = [*SECRETS.values(), BULK_PHONE, *keys]
    return [needle for needle in needles if needle.encode() in data]


def keys_of(url: str) -> list[str]:
    with Tracker.open(url) as tracker:
        return [k.key for k in tracker.backend.find(PersonalKey, {})]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bureau.db"
    build(f"sqlite:///{path}")
    return path


def invoke(db: Path | str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# -- sealing ----------------------------------------------------------------------


def test_the_log_holds_personal_values_sealed_and_verifies(db: Path) -> None:
    with Tracker.open(str(db)) as tracker:
        entries = list(tracker.changes())
        text = "\n".join(f"{e.before}{e.after}" for e in entries)
        assert not [v for v in SECRETS.values() if v in text]
        assert tracker.verify_log() == len(entries) and not list(tracker.verify_records())
        sealer = Sealer(tracker.backend)
        last = [e for e in entries if e.record_type == "teachers" and e.record_id == 1][-1]
        assert sealer.opened("teachers", last.after)["phone"] == SECRETS["phone"]


def test_every_type_with_personal_fields_has_a_subject_rule() -> None:
    from exchange.testing.strategies import samples

    personal = {cls for cls in RECORD_TYPES if personal_names(cls)}
    assert {cls.table for cls in personal} >= {"teachers", "secondments", "assessments"}
    tracker, seen = Tracker.open("memory:"), set()
    for record in samples():
        if not hasattr(record, "actor"):
            stored = tracker.backend.add(record)
            subject(stored, tracker.backend)  # no TypeError: each has its rule
            seen.add(type(record))
    assert personal <= seen


def test_a_tampered_personal_value_is_still_found_by_the_audit(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE teachers SET phone = '13000000000' WHERE id = 1")
    with Tracker.open(str(db)) as tracker:
        [finding] = tracker.verify_records()
        assert "phone is 13000000000 here but 13912345678 in the change log" in str(finding)


# -- purge ------------------------------------------------------------------------


def test_purge_erases_the_bytes_from_the_sqlite_files_and_the_audit_passes(db: Path) -> None:
    keys = keys_of(str(db))
    assert SECRETS["phone"].encode() in store_files(db)  # there before: the check can see it
    code, out, err = invoke(db, "--actor", "惠阳区教育局", "purge", "T-001")
    assert code == 0, err
    assert out.startswith("purged teacher 1: 6 records blanked")
    code, out, err = invoke(db, "purge", "45")  # a teacher loaded in bulk, BULK_PHONE
    assert code == 0, err
    assert erased_from(store_files(db), keys[:1]) == []
    code, out, err = invoke(db, "audit", "verify")
    assert code == 0 and "Traceback" not in err, out + err
    with Tracker.open(str(db)) as tracker:
        chen = tracker.get(Teacher, "T-001")
        assert (chen.phone, chen.notes, chen.name) == (None, "", "陈老师")
        purges = [c for c in tracker.changes() if c.action == "purge"]
        assert len(purges) == 7 and {c.actor for c in purges} >= {"惠阳区教育局"}


def test_purge_through_the_installed_command(db: Path) -> None:
    exchange = Path(sys.executable).with_name("exchange")
    env = {**os.environ, "EXCHANGE_DB": str(db), "LANG": "C.UTF-8"}
    done = subprocess.run([exchange, "purge", "T-001"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([exchange, "purge", "T-001"], env=env, capture_output=True, text=True)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        "Error: teacher 1 has no personal data to erase (purged already?)"
    ]


def test_after_a_purge_the_sealed_values_cannot_be_opened(db: Path) -> None:
    with Tracker.open(str(db)) as tracker:
        sealed = [c for c in tracker.changes() if c.record_type == "teachers" and c.record_id == 1]
        purged = tracker.purge(1)
        assert attrs.astuple(purged) == (1, 6, True, True)
        opened = Sealer(tracker.backend).opened("teachers", sealed[-1].after)
        assert opened["phone"] is ERASED and opened["name"] == "陈老师"
        assert tracker.verify_log() and not list(tracker.verify_records())


def test_a_deleted_teacher_is_purged_by_id(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Tracker.open(str(path)) as tracker:
        school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
        gone = tracker.add(Teacher(name="赵老师", school_id=school.id or 0, phone=SECRETS["phone"]))
        tracker.delete(Teacher, gone.id or 0)
        assert tracker.purge(gone.id or 0).key
        assert not list(tracker.verify_records()) and tracker.verify_log() == 3
    assert erased_from(store_files(path), []) == []


def test_purge_refusals_are_one_line_and_change_nothing(db: Path) -> None:
    def state() -> tuple[int, int, int]:
        with Tracker.open(str(db)) as tracker:
            return (tracker.verify_log(), len(keys_of(str(db))), tracker.count(Teacher))

    before = state()
    for args, expected in [
        (["purge", "T-404"], "Error: no teacher with ref 'T-404'"),
        (["purge", "9999"], "Error: no teacher with ref or id '9999'"),
        (["purge", "T-103"], "Error: teacher 103 has no personal data to erase (purged already?)"),
    ]:
        code, _, err = invoke(db, *args)
        assert (code, err.strip().splitlines()) == (1, [expected])
        assert state() == before
    assert invoke(db, "purge", "T-001")[0] == 0
    code, _, err = invoke(db, "purge", "T-001")
    assert code == 1 and err.startswith("Error: teacher 1 has no personal data")


def test_a_key_made_in_a_transaction_undone_is_not_used_again(tmp_path: Path) -> None:
    with Tracker.open(f"sqlite:///{tmp_path / 'u.db'}") as tracker:
        school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
        with pytest.raises(ZeroDivisionError), tracker.transaction():
            tracker.add(Teacher(name="钱老师", school_id=school.id or 0, phone="13900000000"))
            1 / 0  # noqa: B018
        teacher = tracker.add(Teacher(name="孙老师", school_id=school.id or 0, phone="13900000001"))
        assert [k.person_id for k in tracker.backend.find(PersonalKey, {})] == [teacher.id]
        assert not list(tracker.verify_records())


@pytest.mark.postgresql
def test_purge_erases_the_values_from_a_postgresql_dump(postgres_server: str) -> None:
    from backends.postgresql.testing import with_options

    url = with_options(postgres_server, schema="privacy_dump")
    build(url)
    keys = keys_of(url)

    def dump() -> bytes:
        return subprocess.run(
            ["pg_dump", "--no-owner", "-d", postgres_server], capture_output=True, check=True
        ).stdout

    assert SECRETS["phone"].encode() in dump()
    with Tracker.open(url) as tracker:
        tracker.purge("T-001")
        tracker.purge(45)
        assert tracker.verify_log() and not list(tracker.verify_records())
    assert erased_from(dump(), keys[:1]) == []


# -- retention --------------------------------------------------------------------


def _retention(db: Path, *args: str) -> tuple[int, str, str]:
    return invoke(db, "retention", *args)


def test_retention_lists_then_purges_who_is_due(db: Path) -> None:
    with Tracker.open(str(db)) as tracker:
        from exchange import retention

        later = dt.date.today() + dt.timedelta(days=366 * 3)
        due = retention.due(tracker, 2, as_of=later)
        assert [d.teacher_id for d in due] == [1, 2, *range(3, 103)]
        assert retention.due(tracker, 2) == []  # nobody is two years old yet
        entries = tracker.verify_log()
        assert [d.teacher_id for d in retention.apply(tracker, 2, as_of=later)][:2] == [1, 2]
        assert retention.due(tracker, 2, as_of=later) == []
        assert tracker.verify_log() > entries and not list(tracker.verify_records())
    assert erased_from(store_files(db), []) == []


def test_a_pair_still_going_keeps_its_teachers(tmp_path: Path) -> None:
    with Tracker.open(f"sqlite:///{tmp_path / 'r.db'}") as tracker:
        from exchange import retention

        school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
        a, b = (
            tracker.add(Teacher(name=n, school_id=school.id or 0, phone="1390000000" + n[-1]))
            for n in ("周1", "吴2")
        )
        tracker.pair_mentor(a, b, programme="青蓝工程", starts_on="2010-09-01")
        assert retention.due(tracker, 1, as_of=dt.date(2040, 1, 1)) == []


def test_retention_dry_run_erases_nothing(db: Path) -> None:
    before = store_files(db)
    code, out, _ = _retention(db, "--years", "5", "--dry-run")
    assert (code, out) == (0, "0 teachers due (nothing erased)\n")
    assert SECRETS["phone"].encode() in store_files(db) and len(before) > 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--years", "0", "--apply"], "Error: years must be a whole number from 1 to 200, not 0"),
        (["--years", "-3", "--dry-run"], "Error: years must be a whole number from 1 to 200"),
        (["--years", "abc", "--dry-run"], "'abc' is not a valid integer"),
        (["--years", "5"], "give --dry-run to list who is due, or --apply to erase"),
        (["--years", "5", "--dry-run", "--apply"], "give --dry-run to list who is due, or"),
        (["--dry-run"], "Missing option '--years'"),
    ],
)
def test_bad_retention_is_one_line_and_changes_nothing(
    db: Path, args: list[str], needle: str
) -> None:
    with Tracker.open(str(db)) as tracker:
        entries = tracker.verify_log()
    code, out, err = _retention(db, *args)
    assert code in (1, 2) and needle in err and "Traceback" not in err and out == ""
    with Tracker.open(str(db)) as tracker:
        assert tracker.verify_log() == entries


def test_the_registry_drives_the_purge(db: Path) -> None:
    """Every declared personal field of every record about the teacher is blank after."""
    from exchange.personal import about

    with Tracker.open(str(db)) as tracker:
        tracker.purge("T-001")
        records = list(about(tracker.backend, 1))
        assert {type(r).table for r in records} == {
            "teachers", "secondments", "mentorships", "goals", "meetings", "assessments"
        }  # fmt: skip
        assert all(not getattr(r, n) for r in records for n in personal_names(type(r)))


@pytest.mark.postgresql
def test_on_postgresql_the_actor_is_the_login_unless_given(postgres_server: str) -> None:
    from backends.postgresql.testing import with_options

    url = with_options(postgres_server, schema="privacy_actor")
    with Tracker.open(url) as tracker:
        tracker.add(School(name="甲校", region="乙县", stage="小学"))
        [entry] = tracker.changes()
        [(login,)] = tracker.backend._fetch("SELECT session_user")  # type: ignore[attr-defined]
        assert entry.actor == login == "exchange"
    with Tracker.open(url, actor="惠阳区教育局") as tracker:
        tracker.add(School(name="丙校", region="乙县", stage="小学"))
        assert list(tracker.changes())[-1].actor == "惠阳区教育局"


def test_a_bulk_load_digested_before_sealing_still_verifies(tmp_path: Path) -> None:
    """A load written by an earlier release digested the personal fields: its entry
    has no ``personal`` key, and the audit checks it with them."""
    from exchange import changelog
    from exchange.loads import stored_row

    with Tracker.open(f"sqlite:///{tmp_path / 'old.db'}") as tracker:
        school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
        with tracker.transaction():
            teachers = [Teacher(name=f"教师{i}", school_id=school.id or 0, phone=f"1{i:010d}")
                        for i in range(20)]  # fmt: skip
            result = tracker.backend.bulk_insert(Teacher, teachers)
            digest = changelog.RowDigest()  # as before: every field
            for stored in tracker.find(Teacher):
                digest.add(stored_row(Teacher, stored))
            old = attrs.evolve(result, digest=digest.hexdigest())
            tracker._log("bulk", Teacher, None, None, changelog.canonical(attrs.asdict(old)))
        assert not list(tracker.verify_records())
        tracker.update(attrs.evolve(tracker.get(Teacher, 3), phone="13000000000"))
        assert not list(tracker.verify_records())  # its first entry's before is opened
