"""`python -m autograder.batch --db-url postgresql://...`: the gradebook on a real PostgreSQL
server (Debian's binaries, a throwaway cluster started and stopped by the test)."""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder import assignments
from batch_support import assert_demo_grades, make_course, not_graded, run_batch

pytestmark = pytest.mark.xdist_group("batch")

ASSIGNMENT = "rnn_step_by_step"
COURSE_ID = "sequence-models-rnn"  # nbgrader_config.py
BIN = Path(sys.executable).parent  # the project's environment: python, nbgrader, alembic
AS_POSTGRES = ["runuser", "-u", "postgres", "--"]  # initdb and the server refuse to run as root
BATCH_SECONDS = 300
# every table the batch writes or reads: compared row for row between two runs
TABLES = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells",
          "source_cell", "student", "submitted_assignment", "submitted_notebook", "grade", "comment")


def postgres_binaries():
    """bin/ of the newest PostgreSQL server Debian installed; fails (never skips) without one."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install "
                    "Debian's postgresql package (apt-get install postgresql; .ci/run does it)", pytrace=False)
    return Path(found[-1]).parent


def run(command, **kwargs):
    done = subprocess.run([str(c) for c in command], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout[-3000:]}"
    return done.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres():
    """A PostgreSQL server of its own: data directory owned by `postgres` in a fresh temp folder,
    listening on 127.0.0.1:<free port> and on a Unix socket in that folder only, trust auth, an
    empty database `gradebook`. Yields its URL; the server is stopped and the folder removed after."""
    binaries = postgres_binaries()
    folder = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))  # short: the socket path has a length limit
    shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = free_port()
    try:
        run(AS_POSTGRES + [binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-locale",
                           "-E", "UTF8", "--no-sync"], cwd=folder)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off"
        try:
            run(AS_POSTGRES + [binaries / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-t", "60",
                               "-o", options, "start"], cwd=folder)
        except AssertionError as error:
            log = folder / "server.log"
            pytest.fail(f"{error}\n{log.read_text()[-3000:] if log.exists() else ''}", pytrace=False)
        run(AS_POSTGRES + [binaries / "createdb", "-h", folder, "-p", port, "-U", "postgres", "gradebook"], cwd=folder)
        yield f"postgresql://postgres@127.0.0.1:{port}/gradebook"
    finally:
        pid_file = data / "postmaster.pid"  # exists while the server runs
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            subprocess.run([*AS_POSTGRES, binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"],
                           cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
            if pid_file.exists():  # pg_ctl could not stop it: kill that postmaster (its backends follow it)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(folder, ignore_errors=True)


def batch(root, url):
    """The batch on the demo class with the gradebook at `url` (--db-url alone must bring it there)."""
    return run_batch(root, ASSIGNMENT, "--db-url", url, "--workers", "2", "--seed", "1", "--no-feedback",
                     timeout=BATCH_SECONDS)


def summary(output):
    """The summary table the batch printed (what comes before it names this run's own cluster)."""
    return output[output.index(f"\n{ASSIGNMENT}: ") + 1:]


def points_table(url):
    """{student: {graded function: points}} read back from the gradebook at `url`."""
    from nbgrader.api import Gradebook
    table = {}
    with Gradebook(url, COURSE_ID) as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            scores = {grade.name: grade.score for grade in submission.notebooks[0].grades}
            table[submission.student_id] = {g.function: scores.get(f"test_{g.function}")
                                            for g in assignments.graders(ASSIGNMENT)}
    return table


def snapshot(url):
    """Every row of the gradebook's tables, in id order."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                    for table in TABLES}
    finally:
        engine.dispose()


def files_state(folder):
    """{relative path: (inode, mtime)}: a file rewritten, even with the same bytes, changes."""
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_batch_writes_the_gradebook_to_postgresql_and_a_second_run_regrades_nothing(tmp_path, postgres):
    """Proves that --db-url puts the whole gradebook in PostgreSQL (no SQLite file appears) with
    the right points (reference at full marks, untouched release at 0, each buggy demo student
    losing points in exactly its own functions), and that a second run over unchanged
    submissions regrades nothing: no grading record or autograded notebook is rewritten, every
    gradebook row is the same and the printed summary is the same."""
    root = make_course(tmp_path / "course", ASSIGNMENT)
    students = sorted(["reference", "untouched", *assignments.demo_students(ASSIGNMENT)])
    first = batch(root, postgres)
    assert f"{ASSIGNMENT}: {len(students)} graded" in first, first + not_graded(root, ASSIGNMENT)
    assert not (root / "gradebook.db").exists(), "the batch wrote a SQLite gradebook besides PostgreSQL"

    table = points_table(postgres)
    assert_demo_grades(table, ASSIGNMENT)

    rows = snapshot(postgres)
    assert len(rows["submitted_assignment"]) == len(students)
    outputs = {name: files_state(root / name) for name in ("grading_records", "autograded")}
    assert len(outputs["grading_records"]) == len(students)

    second = batch(root, postgres)
    assert summary(second) == summary(first), f"first run:\n{first}\nsecond run:\n{second}"
    assert {name: files_state(root / name) for name in outputs} == outputs, "the second run regraded"
    assert snapshot(postgres) == rows
    assert points_table(postgres) == table
    assert not (root / "gradebook.db").exists()
