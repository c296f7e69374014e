"""`python -m autograder.batch` against a real Dask cluster: a scheduler and two workers started
as separate processes on loopback, the way an instructor runs them on grading machines."""
import csv
import json
import os
import subprocess
import time

import psutil
import pytest

from autograder.course import grade_table
from autograder.demo import BUGGY_STUDENTS
from autograder.graders import ASSIGNMENT_GRADERS
from batch_support import BIN, assert_demo_grades, make_course, not_graded, run_batch

pytestmark = pytest.mark.xdist_group("batch")

ASSIGNMENT = "rnn_step_by_step"
STARTUP_SECONDS = 90
BATCH_SECONDS = 300


def environment():
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)  # the gradebook is the course's own SQLite file
    return env


def stop(processes):
    """Terminate each process and every descendant it has (a nanny's worker, a kernel), by pid;
    kill whatever is still alive after 20 s."""
    tree = []
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            tree += parent.children(recursive=True) + [parent]
        except psutil.NoSuchProcess:
            pass
    for process in tree:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(tree, timeout=20)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=10)
    for process in processes:
        if process.poll() is None:
            process.wait(timeout=10)


def listening(processes):
    """(ip, port) of every socket the processes or their descendants listen on."""
    found = set()
    for process in processes:
        parent = psutil.Process(process.pid)
        for member in [parent] + parent.children(recursive=True):
            found |= {(c.laddr.ip, c.laddr.port) for c in member.net_connections("inet")
                      if c.status == psutil.CONN_LISTEN}
    return found


def log_tail(path, chars=3000):
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


@pytest.fixture
def cluster(tmp_path):
    """A Dask scheduler and two single-threaded workers, each a separate process listening on
    127.0.0.1 only. Yields (scheduler address, a Client connected to it, logs folder)."""
    from distributed import Client
    logs = tmp_path / "dask"
    logs.mkdir()
    scheduler_file = logs / "scheduler.json"
    processes, client = [], None

    def start(name, command):
        log = open(logs / f"{name}.log", "w")
        try:
            processes.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                              env=environment(), cwd=logs, start_new_session=True))
        finally:
            log.close()

    try:
        start("scheduler", [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                            "--scheduler-file", str(scheduler_file), "--no-dashboard",
                            "--dashboard-address", "127.0.0.1:0"])  # its HTTP routes (health) start anyway
        deadline = time.monotonic() + STARTUP_SECONDS
        address = None
        while address is None:
            if processes[0].poll() is not None:
                pytest.fail(f"the Dask scheduler exited ({processes[0].returncode}):\n{log_tail(logs / 'scheduler.log')}")
            if time.monotonic() > deadline:
                pytest.fail(f"no scheduler file after {STARTUP_SECONDS} s:\n{log_tail(logs / 'scheduler.log')}")
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):  # not written yet, or half written
                time.sleep(0.2)
        assert address.startswith("tcp://127.0.0.1:"), address
        for index in (1, 2):
            start(f"worker{index}", [str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                     "--host", "127.0.0.1", "--name", f"grader-{index}", "--nthreads", "1",
                                     "--nworkers", "1", "--memory-limit", "0", "--no-dashboard",
                                     "--dashboard-address", "127.0.0.1:0",
                                     "--local-directory", str(logs / f"worker{index}")])
        client = Client(address, timeout=STARTUP_SECONDS)
        try:
            client.wait_for_workers(2, timeout=STARTUP_SECONDS)
        except TimeoutError:
            pytest.fail("the two Dask workers did not register:\n"
                        + "\n".join(log_tail(logs / f"worker{i}.log") for i in (1, 2)))
        sockets = listening(processes)
        assert sockets and all(ip == "127.0.0.1" for ip, _ in sockets), sockets
        yield address, client, logs
    finally:
        if client is not None:
            client.close()
        stop(processes[1:])  # workers first, then the scheduler
        stop(processes[:1])


def test_batch_grades_on_a_two_worker_cluster(tmp_path, cluster, monkeypatch):
    """Proves that the batch, given --scheduler, grades on that external cluster and both of its
    workers do grading tasks (the scheduler's task stream names the worker of each task), that
    the gradebook it writes is right (reference at full marks, untouched release at 0, each
    buggy demo student losing points in exactly the functions it got wrong), and that
    grades/<assignment>.csv has one row per student, agreeing with the gradebook."""
    address, client, logs = cluster
    root = make_course(tmp_path / "course", ASSIGNMENT)
    students = sorted(["reference", "untouched", *BUGGY_STUDENTS[ASSIGNMENT]])
    workers = set(client.scheduler_info()["workers"])
    assert len(workers) == 2
    client.get_task_stream()  # starts the scheduler's task stream recording (off without a dashboard)

    output = run_batch(root, ASSIGNMENT, "--scheduler", address, "--seed", "1", "--no-feedback", timeout=BATCH_SECONDS)
    assert f"2 Dask worker(s) at {address}" in output, output
    assert f"{ASSIGNMENT}: {len(students)} graded" in output, output + not_graded(root, ASSIGNMENT)

    # both workers graded: one finished task per student, spread over the two workers
    stream = [r for r in client.get_task_stream() if str(r["key"]).startswith(f"grade-{ASSIGNMENT}-")]
    assert sorted(str(r["key"]) for r in stream) == [f"grade-{ASSIGNMENT}-{s}" for s in students], stream
    assert all(r["status"] == "OK" for r in stream), stream
    by_worker = {w: sorted(str(r["key"]) for r in stream if r["worker"] == w) for w in workers}
    assert all(by_worker.values()), f"a worker graded nothing: {by_worker}"
    assert {r["worker"] for r in stream} == workers

    # the gradebook (the course's SQLite file)
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    assert (root / "gradebook.db").exists()
    table, _ = grade_table(root, ASSIGNMENT)
    assert_demo_grades(table, ASSIGNMENT)
    points = {g.function: g.points for g in ASSIGNMENT_GRADERS[ASSIGNMENT]}

    # the CSV: one row per student, the gradebook's points
    with open(root / "grades" / f"{ASSIGNMENT}.csv", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert [row["student"] for row in rows] == students
    for row in rows:
        assert row["status"] == "graded", row
        assert {f: float(row[f]) for f in points} == pytest.approx(table[row["student"]]), row
    for student in students:
        record = json.loads((root / "grading_records" / ASSIGNMENT / f"{student}.json").read_text())
        assert record["status"] == "graded" and record["seed"] == 1, record
