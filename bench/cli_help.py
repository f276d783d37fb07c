"""How long ``exchange --help`` takes, against the ``--help`` of a five-line click app.

The click app (``import click``, one ``click.group``, its docstring, the call) is written
to a temporary file and run with the same Python as ``exchange``. Both run as fresh
processes, interleaved, ``--repeat`` times each. Each run's wall time is taken around the
process; its CPU time (user + system) and peak RSS are the process's own, from
``os.wait4``. The medians are compared: ``ratio_wall`` (exchange wall ÷ click app wall)
and ``ratio_cpu`` (exchange CPU ÷ click app CPU), a time ratio, lower is better. CPU time
holds steady on a busy machine where wall time does not. Target: ratio < 1.5. Plugins
and the library load only when a command needs them, which keeps the help fast.

There are no rows here, so no sizes.

    python bench/cli_help.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _measure import Side, heading, median, ratio, time_process

APP = '''import click
@click.group()
def main() -> None:
    """A bare click app."""
main()
'''


def main() -> None:
    """Time both helps, interleaved, and print the medians and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    commands = {"exchange": [str(Path(sys.executable).parent / "exchange"), "--help"]}
    runs: dict[str, list[Side]] = {"click app": [], "exchange": []}
    with tempfile.TemporaryDirectory() as folder:
        app = Path(folder) / "app.py"
        app.write_text(APP, encoding="utf-8")
        commands["click app"] = [sys.executable, str(app), "--help"]
        for _ in range(args.repeat):
            for name, sides in runs.items():
                sides.append(time_process(name, commands[name]))
    baseline, ours = (median(name, sides) for name, sides in runs.items())
    heading(f"--help, medians of {args.repeat}")
    print(baseline.line())
    print(ours.line())
    print(f"{ratio(ours, baseline).label()}  (target < 1.5)")


if __name__ == "__main__":
    main()
