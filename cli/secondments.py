"""``exchange secondment``: propose, move through the lifecycle, extend, list."""

from __future__ import annotations

import click

from .help import LocalizedGroup
from .params import DAY
from .records import done, field, list_command, show_command, year_between
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def secondment() -> None:
    """Teacher secondments (支教, 跟岗, 挂职, 送教) and their lifecycle."""


@secondment.command(name="add")
@click.argument("teacher")
@click.argument("host")
@click.option(
    "--kind", required=True, help="支教, 跟岗, 挂职 or 送教 (or support/shadow/post/visit)."
)
@click.option("--from", "starts_on", type=DAY, required=True, help="First day, e.g. 2025-09-01.")
@click.option("--to", "ends_on", type=DAY, required=True, help="Planned last day, e.g. 2026-07-10.")
@click.option("--pairing", help="The pairing it serves, by id or ref.")
@click.option(
    "--partnership",
    help="The partnership it counts under, by id or ref (default: the pairing's).",
)
@click.option("--post", default="", help="Post held at the host, for 挂职 (e.g. 副校长).")
@click.option("--programme", default="", help="The programme it belongs to, by name.")
@click.option("--ref", help="A unique code for the secondment.")
@click.option("--need", help="The host school's need it fills, by id or ref.")
@pass_state
def add(
    state: State,
    teacher: str,
    host: str,
    kind: str,
    starts_on: str,
    ends_on: str,
    pairing: str | None,
    partnership: str | None,
    programme: str,
    post: str,
    ref: str | None,
    need: str | None,
) -> None:
    """Propose a secondment of TEACHER to the HOST school (both by id or ref).

    \b
    Example:
        exchange secondment add T-001 ZF-05 --kind 支教 --from 2025-09-01 --to 2026-07-10 --ref S-1
        exchange secondment add T-102 HY-BD --kind 跟岗 --from 2025-10-08 --to 2025-12-31 --ref S-2
        exchange secondment add T-103 HY-BD --kind 跟岗 --from 2026-03-02 --to 2026-03-06 --ref S-3
    """
    record = state.tracker().second(
        teacher,
        host,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        pairing=pairing,
        partnership=partnership,
        programme=programme,
        post=post,
        ref=ref,
        need=need,
    )
    done(record, "proposed")


def _move(name: str, past: str, text: str, *keys: str) -> None:
    lines = "".join(f"\n    exchange secondment {name} {key}" for key in keys)
    help = f"{text}\n\n\b\nExample:{lines}"

    @secondment.command(name=name, help=help)
    @click.argument("key")
    @pass_state
    def command(state: State, key: str) -> None:
        done(getattr(state.tracker(), name)(key), past)


_move(
    "approve", "approved", "proposed → approved; the teacher's period is now taken.", "S-1", "S-2"
)
_move("start", "started", "approved → active: the teacher has arrived at the host.", "S-1", "S-2")
_move("complete", "completed", "active → completed: served to the planned end.", "S-1")


@secondment.command()
@click.argument("key")
@click.option("--reason", required=True, help="Why it is cancelled.")
@pass_state
def cancel(state: State, key: str, reason: str) -> None:
    """proposed or approved → cancelled, before it starts.

    \b
    Example:
        exchange secondment cancel S-3 --reason 家庭原因
    """
    done(state.tracker().cancel(key, reason=reason), "cancelled")


@secondment.command()
@click.argument("key")
@click.option("--reason", required=True, help="Why the teacher returned early.")
@click.option("--returned", "returned_on", type=DAY, required=True, help="The actual last day.")
@pass_state
def withdraw(state: State, key: str, reason: str, returned_on: str) -> None:
    """active → withdrawn: an early return with its reason and last day.

    \b
    Example:
        exchange secondment withdraw S-2 --reason 病假 --returned 2025-12-31
    """
    done(state.tracker().withdraw(key, reason=reason, returned_on=returned_on), "withdrew")


@secondment.command()
@click.argument("key")
@click.option("--to", "new_end", type=DAY, required=True, help="The new planned last day.")
@click.option("--reason", required=True, help="Why it is extended.")
@pass_state
def extend(state: State, key: str, new_end: str, reason: str) -> None:
    """Move the planned end later; the earlier end is kept as history.

    \b
    Example:
        exchange secondment extend S-2 --to 2026-01-16 --reason 延长一学期
    """
    done(state.tracker().extend(key, to=new_end, reason=reason), "extended")


secondment.add_command(
    list_command(
        "secondment",
        ["id", "ref", "teacher_id", "host_school_id", "kind", "status", "starts_on", "ends_on"],
        [
            field("--status", "status", "Only this status (proposed, approved, 在岗 …)."),
            field("--kind", "kind", "Only this kind (支教, 跟岗, 挂职, 送教)."),
            field("--teacher", "teacher_id", "Only this teacher (id or ref)."),
            field("--host", "host_school_id", "Only this host school (id or ref)."),
            year_between("--year", "starts_on", "ends_on", "Only those running in this year."),
        ],
        "exchange secondment list --status active --year 2025",
    )
)
secondment.add_command(show_command("secondment", "exchange secondment show S-1"))
