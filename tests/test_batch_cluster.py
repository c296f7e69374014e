"""`python -m autograder.batch` against a real Dask cluster: a scheduler and two workers started
as separate processes on loopback, the way an instructor runs them on grading machines. The
workers run the package the way a grading machine has it: installed from a wheel built from
the repository into a fresh virtual environment elsewhere, with no repository to read."""
import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, grade_table
from autograder.demo import build_submissions
from autograder import assignments
from batch_support import BIN, assert_demo_grades, make_course, not_graded, run_batch
from test_catalogue import OWN_HINT_ASSIGNMENTS

pytestmark = pytest.mark.xdist_group("batch")

STARTUP_SECONDS = 90
BATCH_SECONDS = 900
INSTALL_SECONDS = 600


def environment(bin_folder=BIN):
    env = dict(os.environ, PATH=f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)  # the gradebook is the course's own SQLite file
    env.pop("PYTHONPATH", None)
    return env


def within(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder + os.sep)


def run(command, **options):
    done = subprocess.run([str(c) for c in command], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=INSTALL_SECONDS, **options)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout[-5000:]}")
    return done.stdout


def build_wheel(destination):
    """A wheel of the package built from the repository: from a copy of its files (those git
    tracks or would, as a checkout has them), since a build writes build/ beside its sources."""
    sources = Path(tempfile.mkdtemp(prefix="autograder-sources-"))
    try:
        listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPOSITORY)
        for name in filter(None, listed.split("\0")):
            if (REPOSITORY / name).is_file():
                (sources / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPOSITORY / name, sources / name)
        run([BIN / "python", "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", destination, sources])
    finally:
        shutil.rmtree(sources, ignore_errors=True)
    wheels = list(Path(destination).glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="session")
def wheel_environment(tmp_path_factory):
    """A fresh virtual environment outside the repository, with the package installed (not
    editable) from a wheel built from the repository. Yields the environment's folder.

    Installing TensorFlow and the rest anew would take minutes: the environment borrows the
    project environment's third-party packages with a .pth file naming its site-packages. A
    folder named in a .pth file only joins sys.path (the .pth files inside it are not run), so
    the project's editable install of the package stays out of sight.
    The environment's folder is world-traversable (0755, as under /opt on a grading machine):
    the sandboxed kernels run on this Python as an unprivileged uid of their own."""
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    home = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
    try:
        home.chmod(0o755)
        venv = home / "venv"
        run([sys.executable, "-m", "venv", venv])
        python = venv / "bin" / "python"
        purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip())
        (purelib / "course-runtime.pth").write_text(sysconfig.get_path("purelib") + "\n")
        run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel], cwd=home)
        yield venv
    finally:
        shutil.rmtree(home, ignore_errors=True)


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
def cluster(tmp_path, wheel_environment):
    """A Dask scheduler and two single-threaded workers, each a separate process listening on
    127.0.0.1 only; the workers run on `wheel_environment`, in a folder outside the repository.
    Yields (scheduler address, a Client connected to it, logs folder)."""
    from distributed import Client
    logs = tmp_path / "dask"
    logs.mkdir()
    scheduler_file = logs / "scheduler.json"
    processes, client = [], None

    def start(name, command, bin_folder=BIN):
        log = open(logs / f"{name}.log", "w")
        try:
            processes.append(subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                              env=environment(bin_folder), cwd=logs, start_new_session=True))
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
            start(f"worker{index}", [str(wheel_environment / "bin" / "python"), "-m", "dask", "worker",
                                     "--scheduler-file", str(scheduler_file),
                                     "--host", "127.0.0.1", "--name", f"grader-{index}", "--nthreads", "1",
                                     "--nworkers", "1", "--memory-limit", "0", "--no-dashboard",
                                     "--dashboard-address", "127.0.0.1:0",
                                     "--local-directory", str(logs / f"worker{index}")], wheel_environment / "bin")
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


def test_batch_grades_on_a_two_worker_cluster(tmp_path, cluster, wheel_environment, monkeypatch):
    """Proves that the batch, given --scheduler, grades every assignment on that external
    cluster, whose workers have only the package installed from a wheel (their `autograder`
    is the wheel's, nothing of the repository is on their sys.path or is their working
    folder), and both of its workers do grading tasks of each assignment (the scheduler's
    task stream names the worker of each task); that the gradebook it writes is right
    (reference at full marks, untouched release at 0, each buggy demo student losing points
    in exactly the functions it got wrong), and that grades/<assignment>.csv has one row per
    student, agreeing with the gradebook."""
    address, client, logs = cluster
    workers = set(client.scheduler_info()["workers"])
    assert len(workers) == 2

    def installation():  # run in each worker (defined here: sent by value, not by module)
        import os
        import sys

        import autograder
        from autograder.assignments.dinosaur_island import oracle as dinosaur_island
        return {"prefix": sys.prefix, "package": autograder.__file__, "helpers": dinosaur_island.helpers.__file__,
                "path": list(sys.path), "cwd": os.getcwd(),
                "finders": [getattr(finder, "__module__", "") for finder in sys.meta_path]}

    borrowed = sysconfig.get_path("purelib")  # the project environment's third-party packages
    for worker, found in client.run(installation).items():
        assert within(found["prefix"], wheel_environment), (worker, found)
        package = Path(found["package"]).parent
        assert package.parent.name == "site-packages" and within(package, wheel_environment), (worker, found)
        # the students' helper module, a link in source/ to the package's file: a real file in the wheel
        assert found["helpers"] == str(package / "assignments" / "dinosaur_island" / "dino_utils.py"), (worker, found)
        assert not Path(found["helpers"]).is_symlink(), (worker, found)
        shipped = (REPOSITORY / "source" / "dinosaur_island" / "dino_utils.py").read_bytes()
        assert Path(found["helpers"]).read_bytes() == shipped, (worker, found)
        assert not within(found["cwd"], REPOSITORY), (worker, found)
        entries = {os.path.realpath(p or found["cwd"]) for p in found["path"]}  # "" is the working folder
        from_repository = {p for p in entries if within(p, REPOSITORY)}
        assert from_repository <= {os.path.realpath(borrowed)}, (worker, found)  # only what the .pth names
        assert not any(module.startswith("__editable__") for module in found["finders"]), (worker, found)

    root = make_course(tmp_path / "course", next(iter(ASSIGNMENTS)), demo_students=False)
    for assignment in ASSIGNMENTS:
        build_submissions(root, assignment)
    students = {a: sorted(["reference", "untouched", *assignments.demo_students(a)]) for a in ASSIGNMENTS}
    client.get_task_stream()  # starts the scheduler's task stream recording (off without a dashboard)

    output = run_batch(root, list(ASSIGNMENTS), "--scheduler", address, "--seed", "1", "--no-feedback",
                       timeout=BATCH_SECONDS)
    assert f"2 Dask worker(s) at {address}" in output, output
    stream = client.get_task_stream()
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    assert (root / "gradebook.db").exists()
    for assignment in ASSIGNMENTS:
        assert f"{assignment}: {len(students[assignment])} graded" in output, output + not_graded(root, assignment)

        # both workers graded: one finished task per student (key grade-<assignment>-<student>[-<attempt>]),
        # spread over the two workers
        tasks = {s: [r for r in stream if str(r["key"]).split("-")[:3] == ["grade", assignment, s]]
                 for s in students[assignment]}
        assert all(len(found) == 1 and found[0]["status"] == "OK" for found in tasks.values()), (assignment, tasks)
        assert {found[0]["worker"] for found in tasks.values()} == workers, (assignment, tasks)

        # the gradebook (the course's SQLite file)
        table, _ = grade_table(root, assignment)
        assert_demo_grades(table, assignment)
        points = {g.function: g.points for g in assignments.graders(assignment)}

        # the CSV: one row per student, the gradebook's points
        with open(root / "grades" / f"{assignment}.csv", newline="") as exported:
            rows = list(csv.DictReader(exported))
        assert [row["student"] for row in rows] == students[assignment]
        for row in rows:
            assert row["status"] == "graded", row
            assert {f: float(row[f]) for f in points} == pytest.approx(table[row["student"]]), row
        for student in students[assignment]:
            record = json.loads((root / "grading_records" / assignment / f"{student}.json").read_text())
            assert record["status"] == "graded" and record["seed"] == 1, record

        # the class report: each catalogued mistake it names is one the student made, and in the
        # assignments whose every mistake has its own hint, it names every demo mistake
        assert f"class report: {root / 'reports' / assignment / 'report.html'}" in output, output
        found = json.loads((root / "reports" / assignment / "struggles.json").read_text())["misconceptions"]
        named = {(student, f"{m['function']}__{m['slug']}") for m in found for student in m["students"]}
        made = {(student, key) for student, keys in assignments.demo_students(assignment).items() for key in keys}
        assert named <= made, (assignment, named - made)
        if assignment in OWN_HINT_ASSIGNMENTS:
            assert named == made, (assignment, made - named)
