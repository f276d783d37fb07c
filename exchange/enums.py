"""Closed vocabularies of the domain, each member with its Chinese term.

Members compare and store by their English ``value``; ``member.zh`` is the
term the programme documents use, and :meth:`Term.parse` accepts either.
"""

from __future__ import annotations

import enum
import re

from .errors import InvalidRecord
from .i18n import Message, message, pmessage

_NAMES: dict[type, dict[str, Term]] = {}
"""Per vocabulary: every accepted spelling → member (filled on first parse)."""


class Term(str, enum.Enum):
    """A vocabulary member: an English value and the Chinese term for it."""

    zh: str

    def __new__(cls, value: str, zh: str) -> Term:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        return member

    def __str__(self) -> str:
        return str(self._value_)

    @classmethod
    def spellings(cls) -> dict[str, Term]:
        """Every spelling :meth:`parse` accepts as it stands (value, name, lower-case name,
        Chinese term) → the member."""
        names = _NAMES.get(cls)
        if names is None:
            names = _NAMES[cls] = {
                key: m for m in cls for key in (m.value, m.name, m.name.lower(), m.zh)
            }
        return names

    @classmethod
    def parse(cls, text: str | Term) -> Term:
        """Return the member named by ``text``: its value, its name or its Chinese term."""
        if isinstance(text, cls):
            return text
        names = _NAMES.get(cls) or cls.spellings()
        key = str(text).strip()
        found = names.get(key) or names.get(key.lower())
        if found is not None:
            return found
        choices = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        raise InvalidRecord(
            message(
                "{key!r} is not a {name}; choose one of: {choices}",
                key=key,
                name=term_noun(cls),
                choices=choices,
            )
        )


def term_noun(cls: type[Term]) -> Message:
    """What a vocabulary is called, as a message: ``secondment kind`` for
    :class:`SecondmentKind` (交流类型 in Chinese, ``msgctxt "term"``)."""
    return pmessage("term", re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower())


class Stage(Term):
    """Stage of schooling a school serves (学段)."""

    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    NINE_YEAR = "nine-year", "九年一贯制"
    VOCATIONAL = "vocational", "中职"
    SPECIAL = "special", "特殊教育"
    UNIVERSITY = "university", "高校"


class OrganisationKind(Term):
    """What an organisation is: a school, or a body of the education system that
    employs staff, sends and hosts secondments and runs activities."""

    SCHOOL = "school", "学校"
    BUREAU = "bureau", "教育局"
    """An education bureau (教育局, 教育和体育局/教体局)."""
    DEVELOPMENT_CENTRE = "development-centre", "教师发展中心"
    RESEARCH_OFFICE = "research-office", "教研室"
    """A teaching research office (教研室, 教研院)."""


class PartnershipKind(Term):
    """The policy a partnership belongs to."""

    EAST_WEST = "east-west", "东西部协作"
    PAIRED_ASSISTANCE = "paired-assistance", "结对帮扶"
    COUNTERPART = "counterpart", "对口帮扶"


class Role(Term):
    """Roles a teacher holds (a teacher may hold several)."""

    BACKBONE = "backbone", "骨干教师"
    FAMOUS = "famous", "名师"
    PRINCIPAL = "principal", "校长"
    CADRE = "cadre", "干部"
    HEAD_TEACHER = "head-teacher", "班主任"
    PSYCHOLOGY = "psychology", "心理教师"
    RESEARCHER = "researcher", "教研员"
    SEED = "seed", "种子教师"


class UserRole(Term):
    """What a user of the store may do (a user may hold several, each perhaps within
    one programme or one organisation): see :mod:`exchange.access`."""

    COORDINATOR = "coordinator", "协调员"
    """Writes every record (of one programme, when the grant names one) and manages users."""
    SCHOOL_ADMIN = "school-admin", "学校管理员"
    """Writes the records of one organisation: its teachers, their secondments and
    applications, and the placement needs it states."""
    MENTOR = "mentor", "导师"
    """Logs and edits the unconfirmed meetings and the goals of their own mentor pairs."""
    MENTEE = "mentee", "徒弟"
    """Confirms the meetings of their own mentor pairs."""
    AUDITOR = "auditor", "审计员"
    """Reads; writes nothing."""


class SecondmentKind(Term):
    """What a seconded teacher does at the host school."""

    SUPPORT = "support", "支教"
    SHADOW = "shadow", "跟岗"
    POST = "post", "挂职"
    VISIT = "visit", "送教"


class SecondmentStatus(Term):
    """Where a secondment stands in its lifecycle."""

    PROPOSED = "proposed", "拟派"
    APPROVED = "approved", "已批准"
    ACTIVE = "active", "在岗"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"
    WITHDRAWN = "withdrawn", "提前返回"


class MentorshipStatus(Term):
    """Where a mentor pair stands."""

    ACTIVE = "active", "进行中"
    COMPLETED = "completed", "已结业"
    ENDED = "ended", "提前结束"


class MeetingKind(Term):
    """What a mentor and mentee did together (师徒活动)."""

    OBSERVATION = "observation", "听课"
    REVIEW = "review", "评课"
    JOINT_PREPARATION = "joint-preparation", "集体备课"
    ONLINE = "online", "线上交流"
    OTHER = "other", "其他"


class ActivityKind(Term):
    """Kinds of exchange activity the programmes report."""

    DEMONSTRATION_LESSON = "demonstration-lesson", "示范课"
    LECTURE = "lecture", "专题讲座"
    SAME_LESSON = "same-lesson-different-design", "同课异构"
    LIVE_LESSON = "live-lesson", "直播课"
    TRAINING = "training", "培训"
    TEACHING_VISIT = "teaching-visit", "送教"
    """Teachers take lessons and training to the supported schools (送教下乡, 送教活动)."""
    RESEARCH = "research-project", "课题研究"
    STUDY_TRIP = "study-trip", "研学"
    RESOURCE_SHARE = "resource-share", "资源共享"
    DONATION = "donation", "捐赠"
    CULTURAL = "cultural-exchange", "文化交流"
    OTHER = "other", "其他"


class Target(Term):
    """What a rubric assesses."""

    SECONDMENT = "secondment", "交流教师"
    MENTORSHIP = "mentorship", "师徒结对"
    PAIRING = "pairing", "结对学校"
    SCHOOL = "school", "学校"


class Grade(Term):
    """Grade bands of an assessment (考核等次)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class ExpenseCategory(Term):
    """What programme money was spent on."""

    TRAVEL = "travel", "差旅补助"
    TEACHING_RESEARCH = "teaching-research", "教研活动"
    COURSE_DEVELOPMENT = "course-development", "课程开发"
    EQUIPMENT = "equipment", "设备"
    STUDENT_AID = "student-aid", "学生资助"
    TRAINING = "training", "培训"
    OTHER = "other", "其他"
