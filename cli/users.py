"""``exchange users``: who may write what (docs/privacy.md, :mod:`exchange.access`)."""

from __future__ import annotations

import click

from .help import LocalizedGroup
from .i18n import _
from .records import field, list_command
from .state import State, pass_state

_ROLES = (
    "coordinator, school-admin, mentor, mentee or auditor (协调员, 学校管理员, 导师, 徒弟, 审计员)"
)


@click.group(cls=LocalizedGroup)
def users() -> None:
    """Users and their roles: once a store has one, every write is checked."""


@users.command(name="add")
@click.argument("login")
@click.option("--role", required=True, help=f"The role: {_ROLES}.")
@click.option("--programme", default="", help="Only within this programme (default: every).")
@click.option("--school", help="The organisation a school administrator administers.")
@click.option("--teacher", help="The teacher a mentor or mentee is, by id or ref.")
@click.option("--notes", default="", help="Why, or who asked.")
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="PostgreSQL: ask for the new login's password (not echoed).",
)
@pass_state
def add_user(
    state: State,
    login: str,
    role: str,
    programme: str,
    school: str | None,
    teacher: str | None,
    notes: str,
    ask_password: bool,
) -> None:
    """Grant LOGIN a role. The first user of a store is a coordinator of every
    programme; from then on only such a coordinator adds users, and every write is
    checked against the actor's roles. LOGIN is who the change log records: the
    operating-system user or --actor on SQLite, the database login on PostgreSQL
    (created there, and admitted to the store).

    \b
    Example:
        exchange --actor 李主任 users add 李主任 --role coordinator
        exchange --actor 李主任 users add hy-bd --role school-admin --school HY-BD
        exchange --actor 李主任 users add 罗明 --role mentee --teacher T-102
    """
    password = (
        click.prompt(_("password"), hide_input=True, confirmation_prompt=True)
        if ask_password
        else None
    )
    grant = state.tracker().add_user(
        login,
        role,
        programme=programme,
        school=school,
        teacher=teacher,
        notes=notes,
        password=password,
    )
    click.echo(
        _(
            "granted {login} the role {role} (grant {id})",
            login=grant.login,
            role=grant.role,
            id=grant.id,
        )
    )


@users.command(name="remove")
@click.argument("login")
@click.option("--role", help="Only this role (default: every role LOGIN holds).")
@pass_state
def remove_user(state: State, login: str, role: str | None) -> None:
    """Take LOGIN's roles away (archived: the change log keeps who held what).

    \b
    Example:
        exchange --actor 李主任 users remove hy-bd
    """
    removed = state.tracker().remove_user(login, role=role)
    click.echo(_("removed {count} roles of {login}", count=len(removed), login=login))


users.add_command(
    list_command(
        "grant",
        ["id", "login", "role", "programme", "school_id", "teacher_id"],
        [
            field("--login", "login", "Only the roles of this login."),
            field("--role", "role", "Only this role."),
        ],
        "exchange users list",
    )
)
