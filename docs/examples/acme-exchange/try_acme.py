"""Try the installed acme-exchange plugin: open an ``acme:`` store, add a school,
render a report in the ``acme-text`` format.

Run it with ``python try_acme.py`` after ``pip install ./acme-exchange``.
"""

from __future__ import annotations

import sys

from exchange import School, Stage, Tracker
from exchange.report import Column, Report, Table

with Tracker.open("acme:demo") as tracker:
    tracker.add(
        School(name="贞丰县第五中学", region="贵州省黔西南州贞丰县", stage=Stage.JUNIOR, rural=True)
    )
    rows = [(school.name, school.region, school.stage) for school in tracker.find(School)]
    print(f"opened {tracker.url} with {type(tracker.backend).__name__}")

report = Report(
    title="Schools",
    tables=[
        Table(
            name="schools",
            columns=[
                Column(key="name", label="name"),
                Column(key="region", label="region"),
                Column(key="stage", label="stage"),
            ],
            rows=rows,
        )
    ],
)
report.render("acme-text", sys.stdout)
