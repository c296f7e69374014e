"""The jazz catalogue is graded in the namespace the notebook gives a student's code.

The catalogue runs its entries in `graders.reference_namespace("jazz_lstm")`, the oracle's
public names. Here the notebook's own setup and data cells are executed, and every catalogue
entry may read only names those cells define, bound to the very objects the reference
namespace holds: then grading in either namespace is the same, and an entry that relies on a
name the notebook lacks (a missing import) fails here. Correct variants written as students
of the original course write them (tf on the predictions, start values as default arguments)
earn full marks when graded in the notebook's namespace, and lose points there without the
setup cell's `import tensorflow as tf`."""
import builtins
import dis
import json
import sys
import types
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from autograder import assignments
from autograder.assignments import grader, graded_names, reference_namespace
from autograder.grading import run
from autograder.assignments.jazz_lstm import oracle

matplotlib.use("Agg")

JAZZ_DIR = Path(__file__).resolve().parent.parent / "source" / "jazz_lstm"
NOTEBOOK = JAZZ_DIR / "jazz_lstm.ipynb"
TF_IMPORT = "import tensorflow as tf"
GRADED = graded_names("jazz_lstm")
SEED = 7


def cell_source(cell_id):
    cell = next(c for c in json.loads(NOTEBOOK.read_text())["cells"] if c.get("id") == cell_id)
    return "".join(cell["source"])


def notebook_namespace(setup=None):
    """What a student's code sees after the setup and data cells ran (`setup`: the setup
    cell's source, by default the notebook's own)."""
    import matplotlib.pyplot as plt
    if str(JAZZ_DIR) not in sys.path:
        sys.path.insert(0, str(JAZZ_DIR))  # the notebook's folder: music_utils, public_tests
    namespace = {"__name__": "__main__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(setup or cell_source("setup"), "<setup cell>", "exec"), namespace)
        exec(compile(cell_source("load_data"), "<data cell>", "exec"), namespace)
    plt.close("all")
    return namespace


@pytest.fixture(scope="module")
def notebook():
    return notebook_namespace()


def global_names(source):
    """Names a piece of code reads from its globals: every LOAD_GLOBAL / LOAD_NAME of its
    module code, its functions and their lambdas (default arguments included)."""
    names, codes = set(), [compile(source, "<entry>", "exec")]
    while codes:
        code = codes.pop()
        names |= {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return names


def same_binding(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and np.array_equal(a, b)
    return a is b or (isinstance(a, (int, float, str)) and a == b)


def graded_in(namespace, entry, seed=SEED):
    """The report of the entry's own function, graded with the entry as the student's code in
    a copy of `namespace` (the other graded functions are the oracle's)."""
    namespace = {**namespace, **{name: getattr(oracle, name) for name in GRADED}}
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    return run(grader(f"jazz_lstm.{entry.function}"), namespace, GRADED, seed)


def entry(key):
    return next(e for e in assignments.catalogue("jazz_lstm") if f"{e.function}__{e.slug}" == key)


def test_the_notebook_defines_what_existing_solutions_use(notebook):
    import tensorflow
    assert notebook["tf"] is tensorflow and notebook["np"] is np
    for name in ("keras", "Input", "LSTM", "Dense", "Reshape", "Lambda", "RepeatVector", "Model", "to_categorical",
                 "n_values", "n_a", "x_initializer", "a_initializer", "c_initializer"):
        assert name in notebook, name
    assert notebook["x_initializer"].shape == (1, 1, notebook["n_values"])
    assert notebook["a_initializer"].shape == notebook["c_initializer"].shape == (1, notebook["n_a"])


def test_the_reference_namespace_binds_the_notebooks_names_to_the_same_objects(notebook):
    reference = reference_namespace("jazz_lstm")
    mirrored = [name for name in reference if name in notebook and name not in GRADED]
    assert {"tf", "keras", "np", "Input", "LSTM", "to_categorical", "x_initializer", "n_values"} <= set(mirrored)
    for name in mirrored:
        assert same_binding(reference[name], notebook[name]), name


@pytest.mark.parametrize("item", assignments.catalogue("jazz_lstm"), ids=lambda e: f"{e.function}__{e.slug}")
def test_a_catalogue_entry_reads_only_what_the_notebook_defines(item, notebook):
    reference = reference_namespace("jazz_lstm")
    for name in global_names(item.source) - set(GRADED) - set(dir(builtins)):
        assert name in notebook, f"{item.function}__{item.slug} reads {name!r}, which the notebook does not define"
        if name not in ("n_values", "n_a"):  # the graders set these two in both namespaces
            assert same_binding(reference[name], notebook[name]), name


def test_the_name_check_catches_a_missing_import(notebook):
    source = "def f(pred):\n    return K.argmax(pred), tf.math.argmax(pred), sigmoid(pred)\n"
    assert global_names(source) == {"K", "tf", "sigmoid"}
    assert "tf" in notebook and "K" not in notebook
    assert "sigmoid" in reference_namespace("jazz_lstm") and "sigmoid" not in notebook  # the oracle's own


@pytest.mark.parametrize("key", ["predict_and_sample__tf_argmax", "predict_and_sample__course_template",
                                 "music_inference_model__lambda_tf"])
def test_original_course_style_solutions_earn_full_marks_in_the_notebooks_namespace(key, notebook):
    report = graded_in(notebook, entry(key))
    assert report.points == report.max_points, report.render()


def test_without_the_setup_cells_tf_import_a_tf_solution_loses_its_points():
    setup = cell_source("setup")
    assert setup.count(TF_IMPORT) == 1
    without = "\n".join(line for line in setup.splitlines() if not line.startswith(TF_IMPORT))
    namespace = notebook_namespace(without)
    assert "tf" not in namespace
    report = graded_in(namespace, entry("predict_and_sample__tf_argmax"))
    assert report.points == 0 and "NameError" in report.render(), report.render()
