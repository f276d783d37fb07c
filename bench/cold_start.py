"""How much a command costs to start, against ``python -c pass`` with the same Python.

Commands: ``exchange --help``, ``school list``, ``secondment list``, ``report summary
--year 2025`` and ``audit verify``, each on an empty SQLite store (made by ``exchange
init``) and on the demo store (``exchange demo --keep``), both in a temporary folder.
Each command and ``python -c pass`` run as fresh processes, interleaved, ``--repeat``
times each after one warm-up run (which also writes the bytecode cache, unless
``PYTHONDONTWRITEBYTECODE`` is set: then every run compiles the project's modules, and
the line before the table says so). Each run's wall time is taken around the process;
its CPU time (user + system) and peak RSS are the process's own, from ``os.wait4``.
The medians are compared: ``ratio_cpu`` (command CPU ÷ ``python -c pass`` CPU) and
``ratio_wall``, lower is better. CPU time holds steady on a busy machine where wall
time does not. Target: ratio_cpu < 6 for every command.

``--tree DIR`` runs the commands from another checkout of the source (put first on
``PYTHONPATH``), to compare a change with the code before it in the same run
(``git archive REV | tar -x -C DIR`` makes one).

There are no rows here, so no sizes.

    python bench/cold_start.py [--repeat 15] [--tree DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import Side, heading, median, print_table, ratio, time_process

COMMANDS = (
    ("help", ["--help"]),
    ("school list", ["school", "list"]),
    ("secondment list", ["secondment", "list"]),
    ("report summary", ["report", "summary", "--year", "2025"]),
    ("audit verify", ["audit", "verify"]),
)
"""The commands measured: a label and the arguments after ``--db URL``."""


def exchange() -> list[str]:
    """The ``exchange`` command installed beside this Python."""
    return [str(Path(sys.executable).parent / "exchange")]


def uncached(tree: Path) -> bool:
    """True when the project's modules will be compiled on every run: the bytecode cache
    is not written (``PYTHONDONTWRITEBYTECODE``) and ``tree`` has none yet."""
    return bool(os.environ.get("PYTHONDONTWRITEBYTECODE")) and not any(
        tree.glob("exchange/__pycache__/*.pyc")
    )


def stores(folder: Path, command: list[str]) -> dict[str, str]:
    """An empty store and the demo store in ``folder``, by name."""
    empty, demo = folder / "empty.db", folder / "demo.db"
    for words in (["--db", f"sqlite:///{empty}", "init"], ["demo", "--keep", str(demo)]):
        subprocess.run([*command, *words], check=True, stdout=subprocess.DEVNULL)
    return {"empty": f"sqlite:///{empty}", "demo": f"sqlite:///{demo}"}


def measure(label: str, command: list[str], repeat: int) -> tuple[Side, Side]:
    """Medians of ``command`` and of ``python -c pass``, interleaved, after a warm-up."""
    baseline = [sys.executable, "-c", "pass"]
    time_process("warm-up", command)
    ours: list[Side] = []
    theirs: list[Side] = []
    for _ in range(repeat):
        ours.append(time_process(label, command))
        theirs.append(time_process("pass", baseline))
    return median(label, ours), median("pass", theirs)


def main() -> None:
    """Measure every command on both stores and print the medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--tree", type=Path, help="run the commands from this checkout")
    args = parser.parse_args()
    tree = Path(__file__).resolve().parent.parent
    if args.tree is not None:
        tree = args.tree.resolve()
        os.environ["PYTHONPATH"] = str(tree)  # found before the installed checkout
    command = exchange()
    if uncached(tree):
        print("no bytecode cache, and PYTHONDONTWRITEBYTECODE is set: every run compiles")
        print("the project's modules (an installed package has its cache)")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for store, url in stores(Path(folder), command).items():
            heading(f"{store} store, medians of {args.repeat}")
            for label, words in COMMANDS:
                ours, baseline = measure(label, [*command, "--db", url, *words], args.repeat)
                each = ratio(ours, baseline)
                print(ours.line())
                print(f"{each.label()}  (python -c pass: cpu {baseline.cpu:.3f} s)")
                rows.append(
                    {
                        "store": store,
                        "command": label,
                        "cpu_s": ours.cpu,
                        "ratio_cpu": each.cpu,
                        "ratio_wall": each.wall,
                        "rss_mb": f"{ours.peak_mb:.0f}",
                    }
                )
    print_table(rows)


if __name__ == "__main__":
    main()
