"""The labels of ``exchange browse``: a title and description for every table and view a
store has, and a label for every column, in English (the text here) and Chinese (the
catalogue, ``msgctxt "column"`` and ``"view"``). :mod:`exchange.browsing.metadata` puts
them into Datasette's metadata."""

from __future__ import annotations

from ..i18n import Message, message, pmessage

COLUMN_LABELS: dict[str, Message] = {
    "id": pmessage("column", "id"),
    "ref": pmessage("column", "ref (external code)"),
    "archived": pmessage("column", "archived"),
    "archived_zh": pmessage("column", "archived (Chinese)"),
    "revision": pmessage("column", "revision"),
    "name": pmessage("column", "name"),
    "region": pmessage("column", "region"),
    "stage": pmessage("column", "stage"),
    "rural": pmessage("column", "rural"),
    "kind": pmessage("column", "kind"),
    "kind_zh": pmessage("column", "kind (Chinese)"),
    "status": pmessage("column", "status"),
    "status_zh": pmessage("column", "status (Chinese)"),
    "stage_zh": pmessage("column", "stage (Chinese)"),
    "role_zh": pmessage("column", "role (Chinese)"),
    "filled": pmessage("column", "places filled"),
    "category": pmessage("column", "category"),
    "category_zh": pmessage("column", "category (Chinese)"),
    "target": pmessage("column", "assesses"),
    "target_zh": pmessage("column", "assesses (Chinese)"),
    "target_id": pmessage("column", "id of the assessed record"),
    "target_name": pmessage("column", "assessed record"),
    "supporting_region": pmessage("column", "supporting region"),
    "supported_region": pmessage("column", "supported region"),
    "started_on": pmessage("column", "started on"),
    "ended_on": pmessage("column", "ended on"),
    "school_id": pmessage("column", "school (id)"),
    "school": pmessage("column", "school"),
    "subjects": pmessage("column", "subjects"),
    "roles": pmessage("column", "roles"),
    "phone": pmessage("column", "phone"),
    "notes": pmessage("column", "notes"),
    "supporting_school_id": pmessage("column", "supporting school (id)"),
    "supporting_school": pmessage("column", "supporting school"),
    "supported_school_id": pmessage("column", "supported school (id)"),
    "supported_school": pmessage("column", "supported school"),
    "partnership_id": pmessage("column", "partnership (id)"),
    "partnership": pmessage("column", "partnership"),
    "pairing_id": pmessage("column", "pairing (id)"),
    "pairing": pmessage("column", "pairing"),
    "signed_on": pmessage("column", "signed on"),
    "annual_budget": pmessage("column", "annual budget (fen)"),
    "annual_budget_yuan": pmessage("column", "annual budget (yuan)"),
    "teacher_id": pmessage("column", "teacher (id)"),
    "teacher": pmessage("column", "teacher"),
    "teacher_ref": pmessage("column", "teacher's ref"),
    "home_school_id": pmessage("column", "home school (id)"),
    "home_school": pmessage("column", "home school"),
    "host_school_id": pmessage("column", "host school (id)"),
    "host_school": pmessage("column", "host school"),
    "host_region": pmessage("column", "host region"),
    "home_region": pmessage("column", "home region"),
    "starts_on": pmessage("column", "starts on"),
    "ends_on": pmessage("column", "ends on"),
    "returned_on": pmessage("column", "returned on"),
    "extensions": pmessage("column", "extensions"),
    "post": pmessage("column", "post"),
    "reason": pmessage("column", "reason"),
    "programme": pmessage("column", "programme"),
    "mentor_id": pmessage("column", "mentor (id)"),
    "mentor": pmessage("column", "mentor"),
    "mentor_school": pmessage("column", "mentor's school"),
    "mentee_id": pmessage("column", "mentee (id)"),
    "mentee": pmessage("column", "mentee"),
    "mentee_school": pmessage("column", "mentee's school"),
    "meetings": pmessage("column", "meetings"),
    "title": pmessage("column", "title"),
    "held_on": pmessage("column", "held on"),
    "lessons": pmessage("column", "lessons"),
    "attendees": pmessage("column", "attendees (person-times)"),
    "students": pmessage("column", "students"),
    "version": pmessage("column", "version"),
    "criteria": pmessage("column", "criteria"),
    "bands": pmessage("column", "grade bands"),
    "rubric_id": pmessage("column", "rubric (id)"),
    "rubric": pmessage("column", "rubric"),
    "rubric_version": pmessage("column", "rubric version"),
    "period": pmessage("column", "period"),
    "assessor": pmessage("column", "assessor"),
    "assessed_on": pmessage("column", "assessed on"),
    "scores": pmessage("column", "scores"),
    "year": pmessage("column", "year"),
    "amount": pmessage("column", "amount (fen)"),
    "amount_yuan": pmessage("column", "amount (yuan)"),
    "spent_yuan": pmessage("column", "spent (yuan)"),
    "balance_yuan": pmessage("column", "balance (yuan)"),
    "source": pmessage("column", "source"),
    "organisation": pmessage("column", "organisation"),
    "holder": pmessage("column", "holder"),
    "allocation_id": pmessage("column", "allocation (id)"),
    "spent_on": pmessage("column", "spent on"),
    "description": pmessage("column", "description"),
    "secondment_id": pmessage("column", "secondment (id)"),
    "secondment_teacher": pmessage("column", "seconded teacher"),
    "activity_id": pmessage("column", "activity (id)"),
    "activity": pmessage("column", "activity"),
    "overspend_approved": pmessage("column", "overspend approved"),
    "overspend_approved_zh": pmessage("column", "overspend approved (Chinese)"),
    "targets": pmessage("column", "targets"),
    "mentor_capacity": pmessage("column", "mentor capacity"),
    "thresholds": pmessage("column", "quota thresholds"),
    "mentorship_id": pmessage("column", "mentor pair (id)"),
    "milestones": pmessage("column", "milestones"),
    "achieved_on": pmessage("column", "achieved on"),
    "minutes": pmessage("column", "minutes"),
    "confirmed_by": pmessage("column", "confirmed by (id)"),
    "corrects": pmessage("column", "corrects meeting (id)"),
    "keep_at_home": pmessage("column", "teachers kept at home"),
    "need_id": pmessage("column", "need (id)"),
    "places": pmessage("column", "places"),
    "subject": pmessage("column", "subject"),
    "available_from": pmessage("column", "available from"),
    "available_until": pmessage("column", "available until"),
    "person_id": pmessage("column", "person (id)"),
    "login": pmessage("column", "login"),
    "role": pmessage("column", "role"),
    "key": pmessage("column", "key (sealed)"),
    "at": pmessage("column", "at"),
    "actor": pmessage("column", "actor"),
    "action": pmessage("column", "action"),
    "record_type": pmessage("column", "record type"),
    "record_id": pmessage("column", "record (id)"),
    "before": pmessage("column", "before"),
    "after": pmessage("column", "after"),
    "prev_hash": pmessage("column", "previous hash"),
    "hash": pmessage("column", "hash"),
    "vocabulary": pmessage("column", "vocabulary"),
    "value": pmessage("column", "code"),
    "zh": pmessage("column", "Chinese"),
}
"""Every column of the record tables, the change log and the views, by name."""

VIEW_TITLES: dict[str, Message] = {
    "pairing_names": pmessage("view", "pairings with school names"),
    "secondment_roster": pmessage("view", "secondments with names"),
    "mentoring_pairs": pmessage("view", "mentor pairs"),
    "activity_log": pmessage("view", "activities with names"),
    "allocation_balances": pmessage("view", "money in yuan"),
    "expense_lines": pmessage("view", "expenses in yuan"),
    "assessment_targets": pmessage("view", "assessments with what they assess"),
    "need_places": pmessage("view", "placement needs with places filled"),
    "applicants": pmessage("view", "applications with names"),
    "user_roles": pmessage("view", "users and their roles"),
    "_vocabulary": pmessage("view", "words for codes"),
}
"""The title of each view (and of ``_vocabulary``), by name."""

VIEW_DESCRIPTIONS: dict[str, Message] = {
    "pairing_names": message(
        "Each pairing with the names and regions of its two schools, its partnership and its "
        "annual budget in yuan."
    ),
    "secondment_roster": message(
        "Each secondment with the teacher, home and host school by name, kind and status in words."
    ),
    "mentoring_pairs": message(
        "Each mentor pair by name, with both schools, the programme, its status and the "
        "meetings logged."
    ),
    "activity_log": message(
        "Each activity with its school, teacher, pairing and partnership by name, and its figures."
    ),
    "allocation_balances": message(
        "Each allocation in yuan: granted, spent and the balance, with its holder by name."
    ),
    "expense_lines": message(
        "Each expense in yuan, with the holder of its allocation, its category in words and "
        "what it paid for."
    ),
    "assessment_targets": message(
        "Each assessment with its rubric and the record it assesses by name (teacher @ host "
        "school, mentor → mentee, pairing or school)."
    ),
    "need_places": message(
        "Each placement need with its host school by name, stage and kind in words, and how "
        "many of its places secondments fill (proposed, approved, active or completed)."
    ),
    "applicants": message(
        "Each application with the teacher and home school by name, the year and when the "
        "teacher is free."
    ),
    "user_roles": message(
        "Each role a login holds, in words, with its programme, school or teacher by name."
    ),
    "_vocabulary": message(
        "The Chinese word for every code the store holds (statuses, kinds, categories)."
    ),
}
"""What each view shows, by name."""

RECORD_TABLE = message(
    "The records as stored: codes in English, money in fen, flags as 0 and 1. "
    "The views show them with names, words and yuan."
)
"""The description of every record table."""

STORE = message("Teacher-exchange records")
"""The title of the store."""
