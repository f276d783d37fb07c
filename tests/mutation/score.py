"""The mutation score per module, from ``mutmut results``, less the recorded equivalents.

Run by ``make mutate`` and ``make mutate-guard`` (see docs/testing.md)::

    python tests/mutation/score.py [--at-least 90] [--only NAMES_FILE]

A mutant counts as killed when a test failed or timed out under it. The score of a
module is killed / (mutants checked − mutants recorded as equivalent in
``tests/mutation/equivalents.txt``); a mutant with no test reaching it counts against
the score. Prints one markdown row per module, then every survivor not recorded as
equivalent (``mutmut show NAME`` prints its diff), and exits 1 below ``--at-least``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EQUIVALENTS = HERE / "equivalents.txt"
KILLED = {"killed", "timeout"}
UNCHECKED = {"not checked", "skipped", "check was interrupted by user"}
_MODULE = re.compile(r"^(?P<module>.+?)\.x[_ǁ]")


def results(mutmut: str) -> dict[str, str]:
    """Every mutant's status, as ``mutmut results --all true`` prints it."""
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], check=True, capture_output=True, text=True
    ).stdout
    pairs = (line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    return {name: status for name, status in pairs}


def equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Recorded equivalent mutants: ``NAME  reason`` per line, ``#`` starts a comment."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{path}:{number}: {name} needs a reason")
        found[name] = reason.strip()
    return found


def module_of(name: str) -> str:
    """``exchange.rules.x_check__mutmut_3`` → ``exchange.rules``."""
    match = _MODULE.match(name)
    return match["module"] if match else name.rsplit(".", 1)[0]


def table(statuses: dict[str, str], same: dict[str, str]) -> tuple[list[str], int, int]:
    """Markdown rows per module, and the killed and scored counts over all of them."""
    by_module: dict[str, Counter[str]] = {}
    for name, status in statuses.items():
        kind = "equivalent" if name in same and status not in KILLED else status
        by_module.setdefault(module_of(name), Counter())[kind] += 1
    rows = ["| module | mutants | checked | killed | survived | no tests | equivalent | score |"]
    rows.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    all_killed = all_scored = 0
    for module, counts in sorted(by_module.items()):
        killed = sum(counts[k] for k in KILLED)
        checked = sum(counts.values()) - sum(counts[k] for k in UNCHECKED)
        scored = checked - counts["equivalent"]
        all_killed, all_scored = all_killed + killed, all_scored + scored
        score = f"{100 * killed / scored:.1f} %" if scored else "–"
        rows.append(
            f"| {module} | {sum(counts.values())} | {checked} | {killed} | {counts['survived']} | "
            f"{counts['no tests']} | {counts['equivalent']} | {score} |"
        )
    return rows, all_killed, all_scored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--at-least", type=float, default=0.0, help="fail below this score")
    parser.add_argument("--only", type=Path, help="a file of mutant names to score alone")
    parser.add_argument("--mutmut", default=str(Path(sys.executable).parent / "mutmut"))
    args = parser.parse_args()
    statuses, same = results(args.mutmut), equivalents()
    if args.only:
        wanted = set(args.only.read_text(encoding="utf-8").split())
        statuses = {name: s for name, s in statuses.items() if name in wanted}
    rows, killed, scored = table(statuses, same)
    overall = 100 * killed / scored if scored else 100.0
    print("\n".join([*rows, f"| all | | | {killed} | | | | {overall:.1f} % |"]))
    missed = [n for n, s in sorted(statuses.items()) if s in ("survived", "no tests")]
    unexplained = [n for n in missed if n not in same]
    stale = [n for n in same if statuses.get(n) in KILLED]
    for name in unexplained:
        print(f"not killed, not recorded as equivalent: {name} ({statuses[name]})")
    for name in stale:
        print(f"recorded as equivalent but killed (remove it from {EQUIVALENTS.name}): {name}")
    if overall < args.at_least:
        print(f"mutation score {overall:.1f} % is below {args.at_least:g} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
