"""Users and roles (exchange.access): who may write what, once a store has users.

The expected table below is written out by hand from the roles docs/privacy.md
describes, not derived from the code under test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from test_concurrency import run_workers

from cli.main import cli
from exchange import Grant, Meeting, School, Teacher, Tracker
from exchange.errors import ExchangeError, NotFound, NotPermitted, RuleViolation

USERS = ("coord", "coord-百千万", "adm-A", "mentor-A", "mentee-B", "auditor")

# operation → the users allowed to make it (every other user is refused)
EXPECTED: dict[str, set[str]] = {
    "teacher at A": {"coord", "coord-百千万", "adm-A"},
    "teacher at B": {"coord", "coord-百千万"},
    "move a teacher from A to B": {"coord", "coord-百千万"},
    "rename school A": {"coord", "coord-百千万", "adm-A"},
    "rename school B": {"coord", "coord-百千万"},
    "log a meeting of 百千万 pair A→B": {"coord", "coord-百千万", "mentor-A"},
    "log a meeting of 青蓝 pair C→A": {"coord"},
    "confirm the meeting of pair A→B": {"mentee-B"},
    "confirm it with fewer minutes": set(),
    "add a user": {"coord"},
    "define a programme": {"coord"},
    "set the capacity of 百千万": {"coord", "coord-百千万"},
    "archive teacher C": {"coord", "coord-百千万", "adm-A"},
    "delete teacher D": {"coord", "coord-百千万", "adm-A"},
    "second teacher C (of A) to B": {"coord", "coord-百千万", "adm-A"},
    "second teacher B (of B) to A": {"coord", "coord-百千万"},
    "second teacher C for 青蓝工程": {"coord", "adm-A"},
    "log an activity of 青蓝工程": {"coord"},
    "log an activity of 百千万": {"coord", "coord-百千万"},
    "archive the confirmed meeting of pair C→A": {"coord"},
    "archive the confirmed meeting of pair A→B": {"coord", "coord-百千万"},
    "set a goal of pair A→B": {"coord", "coord-百千万", "mentor-A"},
}


def build(url: str) -> Tracker:
    """Schools A and B; teachers A (at A), B (at B), C and D (at A); pairs A→B in 百千万
    and C→A in 青蓝工程, each with an unconfirmed meeting (C→A with a confirmed one
    too); and the six users."""
    tracker = Tracker.open(url, actor="coord")
    a = tracker.add(School(name="半岛学校", region="惠阳区", stage="初中", ref="A"))
    b = tracker.add(School(name="贞丰五中", region="贞丰县", stage="初中", ref="B"))
    for ref, school in (("TA", a), ("TB", b), ("TC", a), ("TD", a)):
        tracker.add(Teacher(name=f"教师{ref}", school_id=school.id or 0, ref=ref))
    tracker.define_programme("百千万")
    tracker.define_programme("青蓝工程")
    ab = tracker.pair_mentor("TA", "TB", programme="百千万", starts_on="2025-09-01", ref="AB")
    ca = tracker.pair_mentor("TC", "TA", programme="青蓝工程", starts_on="2025-09-01", ref="CA")
    tracker.log_meeting(ab, held_on="2025-10-01", minutes=90, kind="听课", ref="M-AB")
    tracker.confirm_meeting(
        tracker.log_meeting(ab, held_on="2025-09-20", minutes=30, kind="评课", ref="M-AB-OK")
    )
    tracker.log_meeting(ca, held_on="2025-10-01", minutes=90, kind="听课", ref="M-CA")
    confirmed = tracker.log_meeting(
        ca, held_on="2025-10-08", minutes=45, kind="评课", ref="M-CA-OK"
    )
    tracker.confirm_meeting(confirmed)
    tracker.add_user("coord", "coordinator")
    tracker.add_user("coord-百千万", "coordinator", programme="百千万")
    tracker.add_user("adm-A", "school-admin", school="A")
    tracker.add_user("mentor-A", "mentor", teacher="TA")
    tracker.add_user("mentee-B", "mentee", teacher="TB")
    tracker.add_user("auditor", "auditor")
    return tracker


def as_user(tracker: Tracker, actor: str) -> Tracker:
    return Tracker(tracker.backend, plugins=tracker.plugins, actor=actor)


def _second(tracker: Tracker, teacher: str, host: str, programme: str = "") -> Any:
    return tracker.second(
        teacher,
        host,
        kind="support",
        starts_on="2026-02-01",
        ends_on="2026-07-01",
        programme=programme,
    )


def _renamed(ref: str) -> Callable[[Tracker], Any]:
    return lambda t: t.update(attrs.evolve(t.get(School, ref), name="新名字"))


OPERATIONS: dict[str, Callable[[Tracker], Any]] = {
    "teacher at A": lambda t: t.add(Teacher(name="新教师", school_id=t.get(School, "A").id)),
    "teacher at B": lambda t: t.add(Teacher(name="新教师", school_id=t.get(School, "B").id)),
    "move a teacher from A to B": lambda t: t.update(
        attrs.evolve(t.get(Teacher, "TC"), school_id=t.get(School, "B").id)
    ),
    "rename school A": _renamed("A"),
    "rename school B": _renamed("B"),
    "log a meeting of 百千万 pair A→B": lambda t: t.log_meeting(
        "AB", held_on="2025-11-01", minutes=45, kind="评课"
    ),
    "log a meeting of 青蓝 pair C→A": lambda t: t.log_meeting(
        "CA", held_on="2025-11-01", minutes=45, kind="评课"
    ),
    "confirm the meeting of pair A→B": lambda t: t.confirm_meeting("M-AB"),
    "confirm it with fewer minutes": lambda t: t.update(
        attrs.evolve(t.get(Meeting, "M-AB"), minutes=30, confirmed_by=t.get(Teacher, "TB").id)
    ),
    "add a user": lambda t: t.add_user("someone", "auditor"),
    "define a programme": lambda t: t.define_programme("两个全覆盖"),
    "set the capacity of 百千万": lambda t: t.update(
        attrs.evolve(t.programme("百千万"), mentor_capacity=5)
    ),
    "archive teacher C": lambda t: t.archive(Teacher, "TC"),
    "delete teacher D": lambda t: t.delete(Teacher, "TD"),
    "second teacher C (of A) to B": lambda t: _second(t, "TC", "B"),
    "second teacher B (of B) to A": lambda t: _second(t, "TB", "A"),
    "second teacher C for 青蓝工程": lambda t: _second(t, "TC", "B", programme="青蓝工程"),
    "log an activity of 青蓝工程": lambda t: t.log_activity(
        "培训", "青蓝培训", held_on="2025-11-02", school="A", programme="青蓝工程"
    ),
    "log an activity of 百千万": lambda t: t.log_activity(
        "培训", "百千万培训", held_on="2025-11-02", school="A", programme="百千万"
    ),
    "archive the confirmed meeting of pair C→A": lambda t: t.archive(Meeting, "M-CA-OK"),
    "archive the confirmed meeting of pair A→B": lambda t: t.archive(Meeting, "M-AB-OK"),
    "set a goal of pair A→B": lambda t: t.set_goal("AB", "上好公开课"),
}


def test_the_table_covers_every_operation() -> None:
    assert set(EXPECTED) == set(OPERATIONS)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_each_role_writes_what_it_may_and_nothing_else(operation: str, user: str) -> None:
    store = build("memory:")
    head = store.head()
    if user in EXPECTED[operation]:
        OPERATIONS[operation](as_user(store, user))
        assert store.head() != head
    else:
        with pytest.raises(NotPermitted, match=f"^{user} may not"):
            OPERATIONS[operation](as_user(store, user))
        assert store.head() == head  # nothing written, not even a log entry


def test_an_open_store_takes_every_actor_and_its_first_user_is_a_coordinator() -> None:
    tracker = Tracker.open("memory:", actor="anyone")
    school = tracker.add(School(name="半岛学校", region="惠阳区", stage="初中", ref="A"))
    with pytest.raises(NotPermitted, match="first user of a store is a coordinator"):
        tracker.add_user("adm", "school-admin", school=school)
    assert tracker.count(Grant) == 0
    archived = tracker.add(Grant(login="old", role="coordinator", archived=True))
    tracker.update(attrs.evolve(archived, role="auditor"))  # the store stays open
    tracker.delete(Grant, archived.id or 0)
    tracker.add_user("anyone", "coordinator")
    tracker.add_user("adm", "school-admin", school=school)
    assert tracker.count(Grant) == 2
    tracker = as_user(tracker, "somebody else")
    with pytest.raises(
        NotPermitted, match="somebody else may not add this teacher: somebody else is not a user"
    ):
        tracker.add(Teacher(name="某", school_id=school.id or 0))


def test_the_last_coordinator_of_every_programme_stays() -> None:
    store = build("memory:")
    with pytest.raises(NotPermitted, match="coord is the last coordinator"):
        as_user(store, "coord").remove_user("coord")
    store.add_user("coord-2", "coordinator")
    as_user(store, "coord-2").remove_user("coord")
    with pytest.raises(NotPermitted, match="coord may not"):
        as_user(store, "coord").add(Teacher(name="某", school_id=1))
    with pytest.raises(NotFound, match="nobody holds no such role"):
        as_user(store, "coord-2").remove_user("nobody")


def test_purge_and_retention_need_a_coordinator_of_every_programme() -> None:
    store = build("memory:")
    for user in ("coord-百千万", "adm-A", "auditor"):
        with pytest.raises(NotPermitted, match="only a coordinator of every programme may purge"):
            as_user(store, user).purge("TB")


def test_a_bulk_load_with_one_row_of_another_school_is_refused_whole(tmp_path: Path) -> None:
    store = build(f"sqlite:///{tmp_path / 'a.db'}")
    a, b = store.get(School, "A").id or 0, store.get(School, "B").id or 0
    rows = [Teacher(name=f"新{i}", school_id=a) for i in range(5)] + [
        Teacher(name="外校", school_id=b)
    ]
    before = store.count(Teacher)
    with pytest.raises(NotPermitted, match="adm-A may not add this teacher"):
        as_user(store, "adm-A").bulk_add(rows)
    assert store.count(Teacher) == before
    as_user(store, "adm-A").bulk_add(rows[:5])
    assert store.count(Teacher) == before + 5


# -- confirmation codes ---------------------------------------------------------------


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_code_confirms_its_meeting_once_and_only_the_newest_works(
    backend: str, tmp_path: Path
) -> None:
    store = build("memory:" if backend == "memory" else f"sqlite:///{tmp_path / 'c.db'}")
    mentor, stranger = as_user(store, "mentor-A"), as_user(store, "auditor")
    with pytest.raises(NotPermitted, match="auditor may not change meeting M-AB"):
        stranger.issue_code("M-AB")
    with pytest.raises(NotPermitted, match="no confirmation code was issued"):
        stranger.confirm_meeting("M-AB", code="AAAAA-AAAAA")
    old, new = mentor.issue_code("M-AB"), mentor.issue_code("M-AB")
    assert old != new and len(new) == 11 and new[5] == "-"
    for wrong in (old, "AAAAA-AAAAA", ""):
        with pytest.raises(NotPermitted, match="not the confirmation code of meeting"):
            stranger.confirm_meeting("M-AB", code=wrong)
    assert store.get(Meeting, "M-AB").confirmed_by is None
    typed = " " + new.lower().replace("-", " ").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    confirmed = stranger.confirm_meeting("M-AB", code=typed)
    assert confirmed.confirmed_by == store.get(Teacher, "TB").id
    with pytest.raises(RuleViolation, match="meeting 1 is confirmed already"):
        stranger.confirm_meeting("M-AB", code=new)  # frozen: a code works once
    log = "".join(f"{c.after}{c.before}" for c in store.changes())
    assert new not in log and old not in log and new.replace("-", "") not in log
    assert store.verify_log() > 0 and not list(store.verify_records())


def test_the_mentee_confirms_under_their_own_login_and_nobody_else_does() -> None:
    store = build("memory:")
    with pytest.raises(NotPermitted, match="mentor-A may not change meeting M-AB"):
        as_user(store, "mentor-A").confirm_meeting("M-AB")
    as_user(store, "mentee-B").confirm_meeting("M-AB")
    with pytest.raises(NotPermitted):
        as_user(store, "mentee-B").confirm_meeting("M-CA")


# -- the command line ---------------------------------------------------------------


def test_the_command_line_manages_users_and_refuses_in_one_line(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "u.db")]
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, [*db, *args], catch_exceptions=False)

    assert (
        run(
            "school", "add", "半岛学校", "--region", "惠阳区", "--stage", "初中", "--ref", "A"
        ).exit_code
        == 0
    )
    assert (
        run("--actor", "李主任", "users", "add", "李主任", "--role", "coordinator").exit_code == 0
    )
    done = run("--actor", "李主任", "users", "add", "hy", "--role", "学校管理员", "--school", "A")
    assert done.output == "granted hy the role school-admin (grant 2)\n"
    listed = run("users", "list")
    assert "hy" in listed.output and "school-admin" in listed.output and "半岛学校" in listed.output
    refused = run(
        "--lang", "zh", "--actor", "hy", "school", "add", "外校", "--region", "x", "--stage", "初中"
    )
    assert refused.exit_code == 1
    assert refused.output == "错误：hy 无权新增该学校：hy 的身份是：半岛学校的学校管理员\n"
    assert run("--actor", "hy", "teacher", "add", "张老师", "--school", "A").exit_code == 0
    gone = run("--actor", "李主任", "users", "remove", "hy")
    assert gone.output == "removed 1 roles of hy\n"
    again = run("--actor", "hy", "teacher", "add", "李老师", "--school", "A")
    assert again.exit_code == 1 and "hy is not a user of this store" in again.output


# -- many hands: two coordinators remove each other at once -----------------------------


def remove_the_other(url: str, me: str, other: str, barrier: Any, results: Any) -> None:
    """At the barrier's signal, ``me`` takes ``other``'s role away; report the outcome."""
    try:
        with Tracker.open(url, actor=me) as tracker:
            barrier.wait()
            try:
                tracker.remove_user(other)
                results.put((me, "ok", ""))
            except ExchangeError as error:
                results.put((me, type(error).__name__, str(error)))
    except BaseException as error:
        results.put((me, "crashed", repr(error)))


def test_two_coordinators_removing_each_other_at_once_leave_one(shared_store: str) -> None:
    """The last-coordinator rule reads before it writes: released together by a barrier,
    exactly one of the two removals wins and the store keeps a coordinator."""
    with Tracker.open(shared_store, actor="甲") as tracker:
        tracker.add_user("甲", "coordinator")
        tracker.add_user("乙", "coordinator")
    outcomes = run_workers(
        remove_the_other, [(shared_store, "甲", "乙"), (shared_store, "乙", "甲")]
    )
    assert sorted(o for _, o, _ in outcomes) == ["NotPermitted", "ok"], outcomes
    [(loser, _, text)] = [o for o in outcomes if o[1] != "ok"]
    assert text.startswith(f"{loser} may not change grant")  # no longer a user at all
    with Tracker.open(shared_store, actor="check") as tracker:
        assert [g.login for g in tracker.find(Grant)] == [w for w, o, _ in outcomes if o == "ok"]
        assert not list(tracker.verify_records())


def test_the_installed_command_confirms_with_a_code(tmp_path: Path) -> None:
    """The mentor issues a code through the installed ``exchange``; the mentee, who has
    no login, confirms with it; a second use and a guess are refused in one line."""
    store = build(f"sqlite:///{tmp_path / 'i.db'}")
    store.close()
    exe = Path(sys.executable).parent / "exchange"
    env = {**os.environ, "EXCHANGE_DB": f"sqlite:///{tmp_path / 'i.db'}", "LANG": "en_US.UTF-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env)

    issued = run("--actor", "mentor-A", "mentor", "code", "M-AB")
    assert issued.returncode == 0, issued.stderr
    code = issued.stdout.strip()
    guessed = run("--actor", "anyone", "mentor", "confirm", "M-AB", "--code", "22222-22222")
    assert guessed.returncode == 1 and guessed.stderr.count("\n") == 1
    assert guessed.stderr.startswith("Error: that is not the confirmation code of meeting 1")
    done = run("--actor", "anyone", "mentor", "confirm", "M-AB", "--code", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "confirmed meeting 1; the pair has 120 confirmed minutes\n"
    again = run("--actor", "anyone", "mentor", "confirm", "M-AB", "--code", code)
    assert again.returncode == 1 and again.stderr == "Error: meeting 1 is confirmed already\n"


@pytest.mark.parametrize("kept", ["not json", '{"salt": "zz", "digest": "00"}', "{}", "[]"])
def test_a_code_entry_edited_by_hand_confirms_nothing(tmp_path: Path, kept: str) -> None:
    """A code entry rewritten with SQL matches no code (and the audit names the entry)."""
    import sqlite3

    path = tmp_path / "edited.db"
    store = build(f"sqlite:///{path}")
    code = as_user(store, "mentor-A").issue_code("M-AB")
    store.close()
    with sqlite3.connect(path) as db:  # past the append-only triggers, as a hostile editor
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'changes'"
        for (name,) in db.execute(triggers).fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("UPDATE changes SET after = ? WHERE record_type = 'meeting_codes'", (kept,))
    with Tracker.open(f"sqlite:///{path}", actor="auditor") as again:
        with pytest.raises(NotPermitted, match="not the confirmation code of meeting 1"):
            again.confirm_meeting("M-AB", code=code)
        assert again.get(Meeting, "M-AB").confirmed_by is None
        with pytest.raises(ExchangeError, match="entry"):
            again.verify_log()


@pytest.mark.parametrize(
    ("user", "operation", "says"),
    [
        (
            "adm-A",
            "rename school B",
            "adm-A may not change school B: adm-A is school-admin of 半岛学校",
        ),
        (
            "coord-百千万",
            "log an activity of 青蓝工程",
            "coord-百千万 may not add this activity: coord-百千万 is coordinator in 百千万",
        ),
        (
            "mentor-A",
            "archive the confirmed meeting of pair C→A",
            "mentor-A may not change meeting M-CA-OK: mentor-A is mentor",
        ),
        ("auditor", "delete teacher D", "auditor may not change teacher TD: auditor is auditor"),
        (
            "mentee-B",
            "rename school A",
            "mentee-B may not change school A: mentee-B is mentee; auditor in 百千万",
        ),
    ],
)
def test_a_refusal_names_the_record_and_every_role_of_the_actor(
    user: str, operation: str, says: str
) -> None:
    store = build("memory:")
    store.add_user("mentee-B", "auditor", programme="百千万")  # a second role
    with pytest.raises(NotPermitted) as refused:
        OPERATIONS[operation](as_user(store, user))
    assert str(refused.value) == says


def test_refusals_in_chinese_name_the_school_and_the_roles() -> None:
    from exchange.i18n import localize

    store = build("memory:")
    with pytest.raises(NotPermitted) as refused:
        OPERATIONS["rename school B"](as_user(store, "adm-A"))
    assert (
        localize(refused.value, "zh")
        == "adm-A 无权修改学校 B：adm-A 的身份是：半岛学校的学校管理员"
    )
    with pytest.raises(NotPermitted) as purge:
        as_user(store, "adm-A").purge("TB")
    assert str(purge.value) == (
        "only a coordinator of every programme may purge personal data; "
        "adm-A is school-admin of 半岛学校"
    )


def test_roles_without_a_lookup_name_the_school_by_id() -> None:
    """``Access.roles()`` reads no store when given no lookup: a school by its id."""
    from exchange.access import Access
    from exchange.i18n import localize

    grants = (
        Grant(login="adm", role="school-admin", school_id=7),
        Grant(login="adm", role="coordinator", programme="青蓝工程"),
    )
    roles = Access(actor="adm", grants=grants, open=False).roles()
    assert str(roles) == "school-admin of 7; coordinator in 青蓝工程"
    assert localize(roles, "zh").startswith("7的学校管理员")


def test_the_access_of_an_open_store_and_of_one_with_users() -> None:
    """``Tracker.access`` and ``Access.load`` say who writes and whether the store is
    open, exactly."""
    from exchange.access import Access

    with Tracker.open("memory:", actor="甲") as tracker:
        first = tracker.access
        assert (first.actor, first.grants, first.open, first.everything) == ("甲", (), True, True)
        tracker.add_user("甲", "coordinator")
        tracker.add_user("丙", "auditor")
        auditor = Access.load(tracker.backend, "丙")
        assert (auditor.actor, auditor.open, auditor.everything) == ("丙", False, False)
        assert [g.role for g in auditor.grants] == ["auditor"]
        stranger = Access.load(tracker.backend, "丁")
        assert (stranger.grants, stranger.open, stranger.everything) == ((), False, False)
