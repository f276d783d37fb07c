"""The columns an import file may have, per record type, in English and Chinese.

Headers are matched loosely: case, spaces, ``_`` and ``-`` are ignored,
full-width characters count as their plain forms (``金额（元）`` is
``金额(元)``) and a ``*`` marking a required column is dropped. A linked
record is named by a column without ``_id`` (``school``, ``所在学校``: by ref,
id or, for schools and partnerships, name) or by the ``_id`` column (an id
only). ``docs/importing.md`` shows these tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import attrs

from ..codec import per_type
from ..enums import (
    ActivityKind,
    ExpenseCategory,
    MentorshipStatus,
    OrganisationKind,
    PartnershipKind,
    Role,
    SecondmentKind,
    SecondmentStatus,
    Stage,
)
from ..errors import InvalidRecord
from ..i18n import joined, message, table_noun
from ..models import (
    Activity,
    Allocation,
    Application,
    Expense,
    Mentorship,
    Need,
    Pairing,
    Partnership,
    Record,
    School,
    Secondment,
    Teacher,
    record_type,
)
from . import cells
from .links import Link

IGNORED = frozenset({"序号", "#", "no", "no.", "id", "revision"})
"""Headers of columns left out of every import: row counters spreadsheets carry, and the
id and revision an exact export writes (the store gives its own)."""


@attrs.frozen
class Column:
    """A column a file may have: its headers, the field it fills and how a cell is read."""

    field: str
    english: tuple[str, ...]
    chinese: tuple[str, ...]
    read: cells.Read | Link

    @property
    def label(self) -> str:
        """``所在学校 (school)``: how messages name the column."""
        return f"{self.chinese[0]} ({self.english[0]})" if self.chinese else self.english[0]

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header accepted for the column."""
        return (*self.english, *self.chinese)


def normal(header: str) -> str:
    """The form headers are compared in: ``" School ID "`` and ``school_id`` are the same."""
    plain = unicodedata.normalize("NFKC", header).strip().strip("*:").lower()
    return re.sub(r"[\s_\-]+", "", plain)


def _col(field: str, english: str, chinese: str, read: cells.Read | Link) -> Column:
    return Column(field, tuple(english.split()), tuple(chinese.split()), read)


def _linked(field: str, english: str, chinese: str, target: type[Record]) -> list[Column]:
    """A link column named by ref/id (or name) and its ``_id`` twin named by id only."""
    by_name = target in (School, Partnership)
    return [
        _col(field, english, chinese, Link(target, names=by_name)),
        _col(field, field, "", Link(target, ids_only=True)),
    ]


def _ref(chinese: str) -> Column:
    return _col("ref", "ref code", chinese, cells.key)


def _programme() -> Column:
    """The programme a secondment, activity or expense belongs to, by name."""
    return _col("programme", "programme program", "所属项目 项目名称", cells.text)


def _period(start: str, end: str) -> list[Column]:
    return [
        _col(start, f"{start} start start_date", "开始日期 起始日期", cells.day),
        _col(end, f"{end} end end_date", "结束日期 截止日期", cells.day),
    ]


_TABLES: dict[type[Record], list[Column]] = {
    School: [
        _ref("学校代码 学校编号 编号 代码"),
        _col("name", "name school school_name", "学校名称 学校 名称 校名", cells.text),
        _col("region", "region county district", "所属地区 地区 所在地区 区县", cells.text),
        _col("stage", "stage", "学段", cells.choice(Stage)),
        _col("rural", "rural", "是否农村 农村学校 农村", cells.flag),
        _col("kind", "kind organisation", "单位类型 机构类型", cells.choice(OrganisationKind)),
        _col("keep_at_home", "keep_at_home", "留校最少人数 最少留校人数", cells.whole),
    ],
    Teacher: [
        _ref("工号 教师编号 编号"),
        _col("name", "name teacher_name", "教师姓名 姓名", cells.text),
        *_linked("school_id", "school", "所在学校 学校 任职学校 工作单位", School),
        _col("subjects", "subjects subject", "学科 任教学科", cells.words),
        _col("roles", "roles role", "角色 职务 身份", cells.choices(Role)),
        _col("phone", "phone mobile", "联系电话 电话 手机", cells.text),
        _col("notes", "notes remarks", "备注", cells.text),
    ],
    Partnership: [
        _ref("编号 项目编号"),
        _col("name", "name", "名称 协作名称 项目名称", cells.text),
        _col("supporting_region", "supporting_region", "支援地区 帮扶地区 支援方", cells.text),
        _col("supported_region", "supported_region", "受援地区 受援方", cells.text),
        _col("kind", "kind type", "类型 协作类型", cells.choice(PartnershipKind)),
        *_period("started_on", "ended_on"),
    ],
    Pairing: [
        _ref("编号 结对编号"),
        *_linked("supporting_school_id", "supporting_school", "帮扶学校 支援学校 派出学校", School),
        *_linked("supported_school_id", "supported_school", "受援学校 结对学校 接收学校", School),
        *_linked("partnership_id", "partnership", "协作关系 所属协作 帮扶关系", Partnership),
        _col("signed_on", "signed_on signed date", "签约日期 结对日期", cells.day),
        _col("ended_on", "ended_on end end_date", "结束日期", cells.day),
        _col("annual_budget", "annual_budget budget", "年度经费 每年经费", cells.money),
    ],
    Need: [
        _ref("编号 需求编号"),
        *_linked("host_school_id", "host_school host", "接收学校 需求学校 用人学校", School),
        _col("subject", "subject", "学科 需求学科", cells.text),
        _col("stage", "stage", "学段", cells.choice(Stage)),
        _col("places", "places", "名额 人数 需求人数", cells.whole),
        *_period("starts_on", "ends_on"),
        _col("kind", "kind type", "类型 交流类型 交流形式 形式", cells.choice(SecondmentKind)),
        _programme(),
        _col("notes", "notes remarks", "备注", cells.text),
    ],
    Secondment: [
        _ref("编号 交流编号"),
        *_linked("teacher_id", "teacher", "教师工号 工号 教师 交流教师", Teacher),
        *_linked(
            "host_school_id",
            "host_school host",
            "接收学校 支教学校 派驻学校 交流学校 挂职学校 跟岗学校",
            School,
        ),
        _col("kind", "kind type", "类型 交流类型 交流形式 形式", cells.choice(SecondmentKind)),
        *_period("starts_on", "ends_on"),
        _col("status", "status", "状态", cells.choice(SecondmentStatus)),
        *_linked("pairing_id", "pairing", "结对 校校结对 结对编号", Pairing),
        *_linked("partnership_id", "partnership", "协作关系 所属协作", Partnership),
        _programme(),
        _col("post", "post", "挂职岗位 岗位", cells.text),
        _col("returned_on", "returned_on returned", "实际返回日期 返回日期", cells.day),
        _col("reason", "reason", "原因", cells.text),
        _col("extensions", "extensions", "延期记录", cells.parts),
        *_linked("need_id", "need", "岗位需求 需求编号", Need),
    ],
    Application: [
        _ref("编号 申请编号"),
        *_linked("teacher_id", "teacher", "教师工号 工号 教师 申请教师", Teacher),
        _col("year", "year", "年度 年份", cells.whole),
        _programme(),
        _col("subject", "subject", "学科 申请学科", cells.text),
        _col("available_from", "available_from from", "可外派起始日期 起始日期", cells.day),
        _col("available_until", "available_until until", "可外派截止日期 截止日期", cells.day),
        _col("notes", "notes remarks", "备注", cells.text),
    ],
    Mentorship: [
        _ref("编号 结对编号"),
        *_linked("mentor_id", "mentor", "导师 师傅 导师工号 师傅工号", Teacher),
        *_linked("mentee_id", "mentee", "徒弟 学员 徒弟工号 学员工号", Teacher),
        _col("programme", "programme program", "项目 培养项目 工程", cells.text),
        *_period("starts_on", "ends_on"),
        _col("status", "status", "状态", cells.choice(MentorshipStatus)),
        _col("reason", "reason", "原因", cells.text),
    ],
    Activity: [
        _ref("编号 活动编号"),
        _col("kind", "kind type", "类型 活动类型 形式", cells.choice(ActivityKind)),
        _col("title", "title name", "活动名称 名称 主题 标题", cells.text),
        _col("held_on", "held_on date", "日期 活动日期 举办日期", cells.day),
        *_linked("partnership_id", "partnership", "协作关系 所属协作", Partnership),
        *_linked("pairing_id", "pairing", "结对 校校结对", Pairing),
        *_linked("school_id", "school place", "学校 地点 举办学校 承办学校", School),
        *_linked("teacher_id", "teacher", "主讲教师 授课教师 教师", Teacher),
        _col("lessons", "lessons", "节数 课时 课时数", cells.whole),
        _col("attendees", "attendees", "人次 参与人次 参加人次", cells.whole),
        _col("students", "students", "学生人数 学生数", cells.whole),
        _col("notes", "notes remarks", "备注", cells.text),
        _programme(),
    ],
    Allocation: [
        _ref("编号 经费编号"),
        *_linked("pairing_id", "pairing", "结对 校校结对 结对编号", Pairing),
        *_linked("school_id", "organisation holder", "单位 承担单位 经费单位", School),
        _col("year", "year", "年度 年份", cells.whole),
        _col("amount", "amount", "金额 金额(元) 拨款金额", cells.money),
        _col("source", "source", "来源 经费来源 拨款单位", cells.text),
    ],
    Expense: [
        _ref("编号 支出编号"),
        *_linked("allocation_id", "allocation", "经费 经费编号 拨款", Allocation),
        _col("spent_on", "spent_on date", "日期 支出日期", cells.day),
        _col("amount", "amount", "金额 金额(元) 支出金额", cells.money),
        _col("category", "category", "类别 支出类别", cells.choice(ExpenseCategory)),
        _col("description", "description", "说明 用途 摘要 事由", cells.text),
        *_linked("secondment_id", "secondment", "交流 交流编号", Secondment),
        *_linked("activity_id", "activity", "活动 活动编号", Activity),
        _col("overspend_approved", "overspend_approved", "批准超支 允许超支", cells.flag),
        _programme(),
    ],
}

for _listed in _TABLES.values():  # an exact export's flag; a readable one has none
    _listed.append(_col("archived", "archived", "已归档 归档", cells.flag))

KINDS: tuple[type[Record], ...] = tuple(_TABLES)
"""The record types files can be imported into, each after the types it links to."""

KIND_NAMES: dict[str, type[Record]] = {
    "学校": School,
    "教师": Teacher,
    "协作关系": Partnership,
    "校校结对": Pairing,
    "交流": Secondment,
    "岗位需求": Need,
    "交流申请": Application,
    "师徒结对": Mentorship,
    "活动": Activity,
    "经费": Allocation,
    "支出": Expense,
}
"""Chinese names of the importable types (``--type 教师``)."""


def importable(kind: str | type[Record]) -> type[Record]:
    """The record type ``kind`` names (``teachers``, ``Teacher``, ``教师``), if files can be
    imported into it; :class:`~exchange.errors.InvalidRecord` otherwise."""
    if isinstance(kind, str) and kind.strip() in KIND_NAMES:
        return KIND_NAMES[kind.strip()]
    found = record_type(kind)
    if found not in _TABLES:
        known = joined(", ", [table_noun(k.table) for k in KINDS])
        raise InvalidRecord(
            message(
                "{table} cannot be imported from a file; importable: {known}",
                table=table_noun(found.table),
                known=known,
            )
        )
    return found


def link_fields(kind: type[Record]) -> tuple[str, ...]:
    """The fields of ``kind`` that name another record."""
    return tuple(dict.fromkeys(c.field for c in _TABLES[kind] if isinstance(c.read, Link)))


def link_targets(kind: type[Record]) -> tuple[type[Record], ...]:
    """The record types ``kind`` links to."""
    found = (c.read.target for c in _TABLES[kind] if isinstance(c.read, Link))
    return tuple(dict.fromkeys(found))


def columns(kind: type[Record]) -> tuple[Column, ...]:
    """Every column a file of ``kind`` records may have."""
    return tuple(_TABLES[kind])


@per_type
def by_header(kind: type[Record]) -> dict[str, Column]:
    """Normalised header → column, for one record type."""
    return {normal(header): column for column in _TABLES[kind] for header in column.headers}


@per_type
def required(kind: type[Record]) -> tuple[str, ...]:
    """The fields a new ``kind`` record must be given (no default)."""
    return tuple(field.name for field in attrs.fields(kind) if field.default is attrs.NOTHING)


def label(kind: type[Record], field: str) -> str:
    """How messages name the column that fills ``field``."""
    return next(c.label for c in _TABLES[kind] if c.field == field)


def guess(headers: Iterable[str]) -> type[Record] | None:
    """The one record type whose required columns the headers all give, matching the
    most of them; ``None`` when no type, or several, fit equally well."""
    keys = [normal(h) for h in headers]
    scores: list[tuple[int, type[Record]]] = []
    for kind in KINDS:
        found = [by_header(kind)[k] for k in keys if k in by_header(kind)]
        if set(required(kind)) <= {c.field for c in found}:
            scores.append((len(found), kind))
    scores.sort(key=lambda pair: -pair[0])
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


def describe(kind: type[Record]) -> str:
    """The columns of ``kind`` for a message: ``工号 (ref), 教师姓名 (name), …``."""
    return ", ".join(
        c.label for c in _TABLES[kind] if not (isinstance(c.read, Link) and c.read.ids_only)
    )
