"""The views a store carries for people who browse it (Datasette, ``sqlite3``, ``psql``):
the main reports as plain tables, with names beside every id, Chinese words beside every
code, money in yuan and flags as yes/no. Migration ``m012_browse_views`` creates them, with
the table of words they read (``_vocabulary``), and ``m014`` adds those of the placement
needs, the applications and the users, in SQLite and PostgreSQL alike: the SQL below is
the one both dialects run.

Like every migration's SQL this is frozen once released. **Keep the views in step with the
tables**: a later migration that renames, drops or retypes a column a view reads must drop
the views (``DROP VIEW``, dependents first: :data:`VIEW_NAMES` reversed), change the
table, and create them again, as a new step; PostgreSQL refuses to drop a column a view
reads, and SQLite leaves the view failing at its next use. A new vocabulary member needs
new ``_vocabulary`` rows in a new step (``tests/test_browse_views.py`` compares the rows
with :mod:`exchange.enums`).
"""

from __future__ import annotations

M012_VOCABULARY_TABLE = """CREATE TABLE "_vocabulary" (
    "vocabulary" {text} NOT NULL,
    "value" {text} NOT NULL,
    "zh" {text} NOT NULL,
    PRIMARY KEY ("vocabulary", "value")
)"""
"""Migration m012: the words for codes; ``{text}`` is the dialect's text type."""

M012_WORDS = (
    ("Stage", "kindergarten", "幼儿园"),
    ("Stage", "primary", "小学"),
    ("Stage", "junior", "初中"),
    ("Stage", "senior", "高中"),
    ("Stage", "nine-year", "九年一贯制"),
    ("Stage", "vocational", "中职"),
    ("Stage", "special", "特殊教育"),
    ("Stage", "university", "高校"),
    ("OrganisationKind", "school", "学校"),
    ("OrganisationKind", "bureau", "教育局"),
    ("OrganisationKind", "development-centre", "教师发展中心"),
    ("OrganisationKind", "research-office", "教研室"),
    ("PartnershipKind", "east-west", "东西部协作"),
    ("PartnershipKind", "paired-assistance", "结对帮扶"),
    ("PartnershipKind", "counterpart", "对口帮扶"),
    ("Role", "backbone", "骨干教师"),
    ("Role", "famous", "名师"),
    ("Role", "principal", "校长"),
    ("Role", "cadre", "干部"),
    ("Role", "head-teacher", "班主任"),
    ("Role", "psychology", "心理教师"),
    ("Role", "researcher", "教研员"),
    ("Role", "seed", "种子教师"),
    ("SecondmentKind", "support", "支教"),
    ("SecondmentKind", "shadow", "跟岗"),
    ("SecondmentKind", "post", "挂职"),
    ("SecondmentKind", "visit", "送教"),
    ("SecondmentStatus", "proposed", "拟派"),
    ("SecondmentStatus", "approved", "已批准"),
    ("SecondmentStatus", "active", "在岗"),
    ("SecondmentStatus", "completed", "已完成"),
    ("SecondmentStatus", "cancelled", "已取消"),
    ("SecondmentStatus", "withdrawn", "提前返回"),
    ("MentorshipStatus", "active", "进行中"),
    ("MentorshipStatus", "completed", "已结业"),
    ("MentorshipStatus", "ended", "提前结束"),
    ("MeetingKind", "observation", "听课"),
    ("MeetingKind", "review", "评课"),
    ("MeetingKind", "joint-preparation", "集体备课"),
    ("MeetingKind", "online", "线上交流"),
    ("MeetingKind", "other", "其他"),
    ("ActivityKind", "demonstration-lesson", "示范课"),
    ("ActivityKind", "lecture", "专题讲座"),
    ("ActivityKind", "same-lesson-different-design", "同课异构"),
    ("ActivityKind", "live-lesson", "直播课"),
    ("ActivityKind", "training", "培训"),
    ("ActivityKind", "teaching-visit", "送教"),
    ("ActivityKind", "research-project", "课题研究"),
    ("ActivityKind", "study-trip", "研学"),
    ("ActivityKind", "resource-share", "资源共享"),
    ("ActivityKind", "donation", "捐赠"),
    ("ActivityKind", "cultural-exchange", "文化交流"),
    ("ActivityKind", "other", "其他"),
    ("Target", "secondment", "交流教师"),
    ("Target", "mentorship", "师徒结对"),
    ("Target", "pairing", "结对学校"),
    ("Target", "school", "学校"),
    ("Grade", "excellent", "优秀"),
    ("Grade", "good", "良好"),
    ("Grade", "pass", "合格"),
    ("Grade", "fail", "不合格"),
    ("ExpenseCategory", "travel", "差旅补助"),
    ("ExpenseCategory", "teaching-research", "教研活动"),
    ("ExpenseCategory", "course-development", "课程开发"),
    ("ExpenseCategory", "equipment", "设备"),
    ("ExpenseCategory", "student-aid", "学生资助"),
    ("ExpenseCategory", "training", "培训"),
    ("ExpenseCategory", "other", "其他"),
)
"""Migration m012: (vocabulary, code, Chinese word) of every vocabulary the views show."""


def vocabulary_rows(words: tuple[tuple[str, str, str], ...]) -> str:
    """The ``INSERT`` of ``words`` into ``_vocabulary``."""
    return 'INSERT INTO "_vocabulary" ("vocabulary", "value", "zh") VALUES ' + ", ".join(
        f"('{vocabulary}', '{value}', '{zh}')" for vocabulary, value, zh in words
    )


M012_VOCABULARY_ROWS = vocabulary_rows(M012_WORDS)

M013_WORDS = (
    ("UserRole", "coordinator", "协调员"),
    ("UserRole", "school-admin", "学校管理员"),
    ("UserRole", "mentor", "导师"),
    ("UserRole", "mentee", "徒弟"),
    ("UserRole", "auditor", "审计员"),
)
"""Migration m013: the words for the roles of users."""

M013_VOCABULARY_ROWS = vocabulary_rows(M013_WORDS)


def _word(vocabulary: str, code: str, name: str) -> str:
    """The code column ``code`` and its Chinese word, named ``name`` and ``name_zh``."""
    word = (
        f'(SELECT w."zh" FROM "_vocabulary" AS w '
        f'WHERE w."vocabulary" = \'{vocabulary}\' AND w."value" = {code})'
    )
    return f'{code} AS "{name}", {word} AS "{name}_zh"'


def _flag(column: str, name: str) -> str:
    """A flag as ``yes``/``no`` in ``name`` and 是/否 in ``name_zh``."""
    return (
        f"CASE WHEN {column} THEN 'yes' ELSE 'no' END AS \"{name}\", "
        f"CASE WHEN {column} THEN '是' ELSE '否' END AS \"{name}_zh\""
    )


def _yuan(fen: str, name: str) -> str:
    """Fen as yuan, two places."""
    return f'round({fen} / 100.0, 2) AS "{name}"'


_PAIRING_NAMES = f"""CREATE VIEW "pairing_names" AS SELECT
    p."id", p."ref", a."name" || ' → ' || b."name" AS "pairing",
    p."supporting_school_id", a."name" AS "supporting_school", a."region" AS "supporting_region",
    p."supported_school_id", b."name" AS "supported_school", b."region" AS "supported_region",
    p."partnership_id", n."name" AS "partnership",
    p."signed_on", p."ended_on", {_yuan('p."annual_budget"', "annual_budget_yuan")},
    {_flag('p."archived"', "archived")}
FROM "pairings" AS p
JOIN "schools" AS a ON a."id" = p."supporting_school_id"
JOIN "schools" AS b ON b."id" = p."supported_school_id"
LEFT JOIN "partnerships" AS n ON n."id" = p."partnership_id"
"""

_SECONDMENT_ROSTER = f"""CREATE VIEW "secondment_roster" AS SELECT
    s."id", s."ref", s."teacher_id", t."name" AS "teacher", t."ref" AS "teacher_ref",
    t."school_id" AS "home_school_id", home."name" AS "home_school",
    s."host_school_id", host."name" AS "host_school", host."region" AS "host_region",
    {_word("SecondmentKind", 's."kind"', "kind")},
    {_word("SecondmentStatus", 's."status"', "status")},
    s."starts_on", s."ends_on", s."returned_on",
    s."pairing_id", pn."pairing", s."partnership_id", n."name" AS "partnership",
    s."programme", s."post", {_flag('s."archived"', "archived")}
FROM "secondments" AS s
JOIN "teachers" AS t ON t."id" = s."teacher_id"
JOIN "schools" AS home ON home."id" = t."school_id"
JOIN "schools" AS host ON host."id" = s."host_school_id"
LEFT JOIN "pairing_names" AS pn ON pn."id" = s."pairing_id"
LEFT JOIN "partnerships" AS n ON n."id" = s."partnership_id"
"""

_MENTORING_PAIRS = f"""CREATE VIEW "mentoring_pairs" AS SELECT
    m."id", m."ref", m."mentor_id", a."name" AS "mentor", sa."name" AS "mentor_school",
    m."mentee_id", b."name" AS "mentee", sb."name" AS "mentee_school", m."programme",
    {_word("MentorshipStatus", 'm."status"', "status")}, m."starts_on", m."ends_on",
    (SELECT count(*) FROM "meetings" AS g
     WHERE g."mentorship_id" = m."id" AND NOT g."archived") AS "meetings",
    {_flag('m."archived"', "archived")}
FROM "mentorships" AS m
JOIN "teachers" AS a ON a."id" = m."mentor_id"
JOIN "schools" AS sa ON sa."id" = a."school_id"
JOIN "teachers" AS b ON b."id" = m."mentee_id"
JOIN "schools" AS sb ON sb."id" = b."school_id"
"""

_ACTIVITY_LOG = f"""CREATE VIEW "activity_log" AS SELECT
    a."id", a."ref", {_word("ActivityKind", 'a."kind"', "kind")}, a."title", a."held_on",
    a."school_id", s."name" AS "school", a."teacher_id", t."name" AS "teacher",
    a."pairing_id", pn."pairing", a."partnership_id", n."name" AS "partnership",
    a."programme", a."lessons", a."attendees", a."students", {_flag('a."archived"', "archived")}
FROM "activities" AS a
LEFT JOIN "schools" AS s ON s."id" = a."school_id"
LEFT JOIN "teachers" AS t ON t."id" = a."teacher_id"
LEFT JOIN "pairing_names" AS pn ON pn."id" = a."pairing_id"
LEFT JOIN "partnerships" AS n ON n."id" = a."partnership_id"
"""

_ALLOCATION_BALANCES = f"""CREATE VIEW "allocation_balances" AS SELECT
    a."id", a."ref", a."year", a."pairing_id", pn."pairing", a."school_id",
    s."name" AS "organisation", coalesce(s."name", pn."pairing") AS "holder",
    {_yuan('a."amount"', "amount_yuan")},
    {_yuan('coalesce(e."spent", 0)', "spent_yuan")},
    {_yuan('(a."amount" - coalesce(e."spent", 0))', "balance_yuan")},
    a."source", {_flag('a."archived"', "archived")}
FROM "allocations" AS a
LEFT JOIN "pairing_names" AS pn ON pn."id" = a."pairing_id"
LEFT JOIN "schools" AS s ON s."id" = a."school_id"
LEFT JOIN (SELECT "allocation_id", sum("amount") AS "spent" FROM "expenses"
           GROUP BY "allocation_id") AS e ON e."allocation_id" = a."id"
"""

_EXPENSE_LINES = f"""CREATE VIEW "expense_lines" AS SELECT
    e."id", e."ref", e."spent_on", e."allocation_id", a."year",
    coalesce(s."name", pn."pairing") AS "holder", {_yuan('e."amount"', "amount_yuan")},
    {_word("ExpenseCategory", 'e."category"', "category")}, e."description",
    e."secondment_id", t."name" AS "secondment_teacher", e."activity_id", ac."title" AS "activity",
    e."programme", {_flag('e."overspend_approved"', "overspend_approved")},
    {_flag('e."archived"', "archived")}
FROM "expenses" AS e
JOIN "allocations" AS a ON a."id" = e."allocation_id"
LEFT JOIN "pairing_names" AS pn ON pn."id" = a."pairing_id"
LEFT JOIN "schools" AS s ON s."id" = a."school_id"
LEFT JOIN "secondments" AS sm ON sm."id" = e."secondment_id"
LEFT JOIN "teachers" AS t ON t."id" = sm."teacher_id"
LEFT JOIN "activities" AS ac ON ac."id" = e."activity_id"
"""

_TARGET_NAME = """CASE r."target"
        WHEN 'secondment' THEN (SELECT t."name" || ' @ ' || h."name" FROM "secondments" AS s
            JOIN "teachers" AS t ON t."id" = s."teacher_id"
            JOIN "schools" AS h ON h."id" = s."host_school_id" WHERE s."id" = a."target_id")
        WHEN 'mentorship' THEN (SELECT x."name" || ' → ' || y."name" FROM "mentorships" AS m
            JOIN "teachers" AS x ON x."id" = m."mentor_id"
            JOIN "teachers" AS y ON y."id" = m."mentee_id" WHERE m."id" = a."target_id")
        WHEN 'pairing' THEN (SELECT pn."pairing" FROM "pairing_names" AS pn
            WHERE pn."id" = a."target_id")
        WHEN 'school' THEN (SELECT o."name" FROM "schools" AS o WHERE o."id" = a."target_id")
    END"""

_ASSESSMENT_TARGETS = f"""CREATE VIEW "assessment_targets" AS SELECT
    a."id", a."ref", a."rubric_id", r."name" AS "rubric", r."version" AS "rubric_version",
    {_word("Target", 'r."target"', "target")}, a."target_id",
    {_TARGET_NAME} AS "target_name",
    a."period", a."assessor", a."assessed_on", {_flag('a."archived"', "archived")}
FROM "assessments" AS a
JOIN "rubrics" AS r ON r."id" = a."rubric_id"
"""

M012_VIEWS = (
    _PAIRING_NAMES,
    _SECONDMENT_ROSTER,
    _MENTORING_PAIRS,
    _ACTIVITY_LOG,
    _ALLOCATION_BALANCES,
    _EXPENSE_LINES,
    _ASSESSMENT_TARGETS,
)
"""Migration m012: the views, each after the views it reads."""

M012_VIEW_NAMES = tuple(view.split('"', 2)[1] for view in M012_VIEWS)
"""The views' names, in the order :data:`M012_VIEWS` creates them."""

_NEED_PLACES = f"""CREATE VIEW "need_places" AS SELECT
    n."id", n."ref", n."host_school_id", s."name" AS "host_school", s."region" AS "host_region",
    n."subject", {_word("Stage", 'n."stage"', "stage")},
    {_word("SecondmentKind", 'n."kind"', "kind")}, n."starts_on", n."ends_on", n."places",
    (SELECT count(*) FROM "secondments" AS f WHERE f."need_id" = n."id"
     AND f."status" IN ('proposed', 'approved', 'active', 'completed')) AS "filled",
    n."programme", {_flag('n."archived"', "archived")}
FROM "placement_needs" AS n
JOIN "schools" AS s ON s."id" = n."host_school_id"
"""

_APPLICANTS = f"""CREATE VIEW "applicants" AS SELECT
    a."id", a."ref", a."year", a."teacher_id", t."name" AS "teacher", t."ref" AS "teacher_ref",
    t."school_id" AS "home_school_id", s."name" AS "home_school", s."region" AS "home_region",
    a."programme", a."subject", a."available_from", a."available_until",
    {_flag('a."archived"', "archived")}
FROM "applications" AS a
JOIN "teachers" AS t ON t."id" = a."teacher_id"
JOIN "schools" AS s ON s."id" = t."school_id"
"""

_USER_ROLES = f"""CREATE VIEW "user_roles" AS SELECT
    g."id", g."login", {_word("UserRole", 'g."role"', "role")}, g."programme",
    g."school_id", s."name" AS "school", g."teacher_id", t."name" AS "teacher",
    {_flag('g."archived"', "archived")}
FROM "grants" AS g
LEFT JOIN "schools" AS s ON s."id" = g."school_id"
LEFT JOIN "teachers" AS t ON t."id" = g."teacher_id"
"""

M014_VIEWS = (_NEED_PLACES, _APPLICANTS, _USER_ROLES)
"""Migration m014: the views of the placement needs, the applications and the users."""

VIEW_NAMES = M012_VIEW_NAMES + tuple(view.split('"', 2)[1] for view in M014_VIEWS)
"""Every view's name, in the order the migrations create them."""
