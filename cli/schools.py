"""``exchange school``, ``partnership``, ``pairing`` and ``teacher``: who takes part."""

from __future__ import annotations

from typing import Any

import click

from .help import LocalizedGroup
from .params import DAY
from .presence import where, who
from .records import Filter, done, field, has_term, list_command, make, show_command
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def school() -> None:
    """Schools and kindergartens (学校/幼儿园)."""


@school.command(name="add")
@click.argument("name")
@click.option("--region", required=True, help="County or district, e.g. 贵州省黔西南州贞丰县.")
@click.option("--stage", help="小学, 初中, 高中, 九年一贯制, 幼儿园 … or English (schools only).")
@click.option(
    "--kind",
    default="school",
    show_default=True,
    help="学校, or an organisation that employs staff: 教育局, 教师发展中心, 教研室.",
)
@click.option("--rural", is_flag=True, help="A rural school (农村学校).")
@click.option("--ref", help="The school's code, unique; names it in later commands.")
@pass_state
def add_school(
    state: State,
    name: str,
    region: str,
    stage: str | None,
    kind: str,
    rural: bool,
    ref: str | None,
) -> None:
    """Add a school, or a bureau, centre or office (--kind) that employs staff.

    \b
    Example:
        exchange school add 惠阳区半岛学校 --region 广东省惠州市惠阳区 --stage 初中 --ref HY-BD
        exchange school add 贞丰县第五中学 --region 贵州省黔西南州贞丰县 --stage 初中 --rural \\
            --ref ZF-05
        exchange school add 丹巴县教育和体育局 --region 四川省甘孜州丹巴县 --kind 教育局 \\
            --ref DB-JTJ
    """
    from exchange import School

    values = {"name": name, "region": region, "stage": stage, "kind": kind}
    done(state.tracker().add(make(School, **values, rural=rural, ref=ref)), "added")


school.add_command(
    list_command(
        "school",
        ["id", "ref", "name", "region", "stage", "rural", "kind"],
        [
            field("--region", "region", "Only this region."),
            field("--stage", "stage", "Only this stage."),
            field("--kind", "kind", "Only this kind (学校, 教育局, 教师发展中心, 教研室)."),
        ],
        "exchange school list --region 贞丰县",
    )
)
school.add_command(show_command("school", "exchange school show ZF-05"))
school.add_command(who)


@click.group(cls=LocalizedGroup)
def partnership() -> None:
    """Region-to-region partnerships (协作/帮扶关系)."""


@partnership.command(name="add")
@click.argument("name")
@click.option("--supporting", required=True, help="The region that sends help.")
@click.option("--supported", required=True, help="The region that receives it.")
@click.option(
    "--kind",
    default="paired-assistance",
    show_default=True,
    help="东西部协作, 结对帮扶 or 对口帮扶.",
)
@click.option("--started", "started_on", help="First day, e.g. 2025-03-18.")
@click.option("--ref", help="A unique code for the partnership.")
@pass_state
def add_partnership(
    state: State,
    name: str,
    supporting: str,
    supported: str,
    kind: str,
    started_on: str | None,
    ref: str | None,
) -> None:
    """Add a partnership between two regions.

    \b
    Example:
        exchange partnership add 惠阳—贞丰协作 --supporting 惠阳区 --supported 贞丰县 \\
            --kind 东西部协作 --ref HY-ZF
    """
    from exchange import Partnership

    record = make(
        Partnership,
        name=name,
        supporting_region=supporting,
        supported_region=supported,
        kind=kind,
        started_on=started_on,
        ref=ref,
    )
    done(state.tracker().add(record), "added")


partnership.add_command(
    list_command(
        "partnership",
        ["id", "ref", "name", "supporting_region", "supported_region", "kind"],
        example="exchange partnership list --json",
    )
)


@click.group(cls=LocalizedGroup)
def pairing() -> None:
    """School-to-school pairings (校校结对)."""


@pairing.command(name="add")
@click.argument("supporting")
@click.argument("supported")
@click.option("--signed", "signed_on", type=DAY, required=True, help="Day signed, e.g. 2025-03-26.")
@click.option("--partnership", help="The partnership, by id or ref.")
@click.option("--budget", "annual_budget", help="Yuan per year agreed, e.g. 100000.")
@click.option("--ref", help="A unique code for the pairing.")
@pass_state
def add_pairing(
    state: State,
    supporting: str,
    supported: str,
    signed_on: str,
    partnership: str | None,
    annual_budget: str | None,
    ref: str | None,
) -> None:
    """Pair a supporting school with a supported one (schools by id or ref).

    \b
    Example:
        exchange pairing add HY-BD ZF-05 --signed 2025-03-26 --partnership HY-ZF --ref HY-ZF-1
    """
    record = state.tracker().pair_schools(
        supporting,
        supported,
        signed_on=signed_on,
        partnership=partnership,
        annual_budget=annual_budget,
        ref=ref,
    )
    done(record, "added")


pairing.add_command(
    list_command(
        "pairing",
        ["id", "ref", "supporting_school_id", "supported_school_id", "signed_on", "annual_budget"],
        [
            field(
                "--school",
                "supported_school_id",
                "Only pairings supporting this school (id or ref).",
            ),
            field("--partnership", "partnership_id", "Only this partnership (id or ref)."),
        ],
        "exchange pairing list --partnership HY-ZF",
    )
)
pairing.add_command(show_command("pairing", "exchange pairing show HY-ZF-1"))


@click.group(cls=LocalizedGroup)
def teacher() -> None:
    """Teachers (教师)."""


@teacher.command(name="add")
@click.argument("name")
@click.option("--school", required=True, help="Home school, by id or ref.")
@click.option("--subject", "subjects", multiple=True, help="A subject taught; repeat for more.")
@click.option("--role", "roles", multiple=True, help="骨干教师, 名师, 心理教师 …; repeat for more.")
@click.option("--ref", help="Staff number (工号), unique.")
@click.option("--phone", help="Contact number (personal: see docs/privacy.md).")
@pass_state
def add_teacher(state: State, /, name: str, school: str, **values: Any) -> None:
    """Add a teacher at their home school.

    \b
    Example:
        exchange teacher add 李老师 --school HY-BD --subject 数学 --role 骨干教师 --ref T-001 \\
            --phone 13800000000
        exchange teacher add 罗明 --school ZF-05 --subject 数学 --ref T-102
    """
    from exchange import School, Teacher

    tracker = state.tracker()
    home = tracker.get(School, school)
    done(tracker.add(make(Teacher, name=name, school_id=home.id, **values)), "added")


teacher.add_command(
    list_command(
        "teacher",
        ["id", "ref", "name", "school_id", "subjects", "roles"],
        [
            field("--school", "school_id", "Only teachers of this school (id or ref)."),
            Filter("--role", "Only teachers with this role.", has_term("roles")),
        ],
        "exchange teacher list --school ZF-05",
    )
)
teacher.add_command(show_command("teacher", "exchange teacher show T-001"))
teacher.add_command(where)
