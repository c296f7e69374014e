"""What the worker observes of a submission by itself (`autograder.batch.evidence`), never by
asking the kernel: the code it sends (tampering with what the agent relies on is evidence, an
honest notebook gives none), and the files the notebook wrote."""
import nbformat
import pytest

from autograder.batch.evidence import CodeWatch, Files
from autograder.assignments import ASSIGNMENTS
from autograder.course import nbgrader_meta, release_notebook, solutions

HIDDEN = ["/srv/course", "/opt/repo/autograder"]

ATTACKS = {
    "import numpy as np\nnp.allclose = lambda *a, **k: True": "assigns numpy.allclose",
    "import numpy\nnumpy.testing.assert_allclose = print": "assigns numpy.testing.assert_allclose",
    "import numpy as np\nsetattr(np, 'isclose', lambda *a, **k: True)": "calls setattr on numpy",
    "__import__('numpy').array_equal = lambda *a: True": "assigns numpy.array_equal",
    "import numpy as np\nvars(np)['allclose'] = None": "assigns into numpy",
    "import numpy as np\nnp.__dict__['allclose'] = None": "assigns into numpy",
    "from numpy import testing as t\nt.assert_array_equal = print": "assigns numpy.testing.assert_array_equal",
    "import builtins\nbuiltins.isinstance = lambda *a: True": "assigns builtins.isinstance",
    "get_ipython().input_transformers_post.append(lambda lines: [])": "input transformers",
    "ip = get_ipython()\nip.ast_transformers.clear()": "input transformers",
    "import sys\ndel sys.modules['_grading_agent']": "grading agent",
    "import sys\nsys.modules.pop('json')": "changes sys.modules",
    "import signal\nsignal.setitimer(signal.ITIMER_PROF, 0)": "signals or timers",
    "from signal import signal as on, SIGALRM\non(SIGALRM, lambda *a: None)": "signals or timers",
    "import json\njson.loads = eval": "assigns json.loads",
    "from autograder.assignments.rnn_step_by_step import oracle as rnn_step_by_step": "imports the grading code",
    "open('/srv/course/gradebook.db').read()": "hidden from the kernel",
    "import glob\nglob.glob('../../' + 'gradebook.db')": "gradebook",
    "import sys, time\nsys.addaudithook(lambda e, a: time.sleep(9) if e == 'socket.connect' else None)": "audit hook",
    "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('agent.sock')": "grading agent's socket",
    "%time np.allclose = None": None,  # (inside a magic's string: not read, noted nowhere)
}

HONEST = [
    "import sys, os\nsys.stdout = open(os.devnull, 'w')\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'",
    "import numpy as np\nnp.random.seed(0)\nx = np.zeros(3)\nx[0] = 1\nnp.set_printoptions(precision=3)",
    "import warnings\nwarnings.filterwarnings('ignore')\n%matplotlib inline\n!ls",
    "import sys\nsys.path.append('.')",
    "def f(x):\n    return x\nf.__doc__ = 'mine'",
    "this is not python (",
]


@pytest.mark.parametrize("code", sorted(ATTACKS))
def test_tampering_in_the_code_sent_to_the_kernel_is_evidence(code):
    watch = CodeWatch(HIDDEN)
    watch.read(code, "cell 3")
    expected = ATTACKS[code]
    if expected is None:
        assert watch.evidence == []
    else:
        assert any(expected in found and found.startswith("cell 3") for found in watch.evidence), watch.evidence


@pytest.mark.parametrize("code", HONEST)
def test_ordinary_notebook_code_is_no_evidence(code):
    watch = CodeWatch(HIDDEN)
    watch.read(code, "cell 1")
    assert watch.evidence == []


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_no_honest_notebook_or_catalogued_answer_is_evidence(assignment):
    """Every cell of the released notebook, with the reference solutions, and every catalogued
    answer (right or wrong) is read as a kernel would receive it: no evidence at all."""
    from autograder import assignments
    watch = CodeWatch(HIDDEN)
    notebook = nbformat.read(release_notebook(assignment), as_version=4)
    answers = solutions(assignment)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            watch.read(answers.get(nbgrader_meta(cell).get("grade_id"), cell.source), f"cell {index}")
    for entry in assignments.catalogue(assignment):
        watch.read(entry.source, entry.slug)
    assert watch.evidence == []


def test_code_built_at_run_time_is_noted_but_is_no_evidence():
    watch = CodeWatch(HIDDEN)
    watch.read("import base64\nexec(base64.b64decode('bnAuYWxsY2xvc2UgPSBOb25l'))", "cell 2")
    assert watch.evidence == [] and any("built at run time" in note for note in watch.notes)


def test_aliases_carry_across_cells():
    watch = CodeWatch(HIDDEN)
    watch.read("import numpy as numerical", "cell 1")
    watch.read("numerical.isclose = None", "cell 2")
    assert watch.evidence == ["cell 2 assigns numpy.isclose"]


def test_the_files_a_notebook_wrote_are_seen_from_outside(tmp_path):
    (tmp_path / "helper.py").write_text("x = 1")
    (tmp_path / "images").mkdir()
    files = Files(tmp_path)
    (tmp_path / "helper.py").write_text("x = 2 # changed")
    (tmp_path / "out.wav").write_bytes(b"RIFF")
    (tmp_path / "kernel.json").write_text("{}")  # the kernel's own: not the notebook's
    notes = files.changes()
    assert notes == ["the notebook wrote 1 file(s) in its folder: 'out.wav'",
                     "the notebook changed 1 file(s) in its folder: 'helper.py'"]
