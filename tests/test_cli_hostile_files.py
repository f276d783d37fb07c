"""Files a command line meets in the wild: a header a million columns wide, and -o
onto a device or a named pipe (written in place, never replaced by a regular file)."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest
from test_cli_records import dump, invoke


def test_a_header_a_million_columns_wide_is_refused_at_once(db: Path, tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\nx\n", encoding="utf-8")
    before = dump(db)
    started = time.process_time()
    code, _, err = invoke(db, "import", str(wide), "--type", "teachers")
    assert time.process_time() - started < 20  # was still checking after 400 s
    assert code == 1
    assert err.strip().endswith("row 1: the header has 1,000,000 columns; the limit is 1,000")
    assert len(err.strip().splitlines()) == 1
    assert dump(db) == before


def test_a_header_of_a_thousand_columns_is_read(db: Path, tmp_path: Path) -> None:
    names = ["教师姓名", "工号", "所在学校", *([""] * 997)]  # blank headers are left out
    file = tmp_path / "many.csv"
    file.write_text(",".join(names) + "\n王芳,T-9,ZF-05" + "," * 997 + "\n", encoding="utf-8")
    code, out, err = invoke(db, "import", str(file), "--type", "teachers")
    assert code == 0, err
    assert "1 added" in out


def test_export_onto_a_device_writes_through_it(db: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    code, _, err = invoke(db, "export", "schools", "-o", "/dev/full")
    assert code == 1 and "cannot write /dev/full: No space left on device" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # still the device
    code, _, err = invoke(db, "export", "schools", "-o", "/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_export_into_a_named_pipe_keeps_the_pipe(db: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    code, _, err = invoke(db, "export", "schools", "-o", str(pipe))
    reader.join(timeout=30)
    assert code == 0, err
    assert "贞丰县第五中学" in received[0].decode()
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
