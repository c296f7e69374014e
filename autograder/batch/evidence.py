"""What the worker itself observes of a submission, for its record: never the kernel's own
account of what it did (a kernel under the student's control can report anything, or nothing).

- `CodeWatch`: the code the worker sends the kernel, cell by cell (a static reading of the
  very text that runs): assigning into numpy or the other modules the grading agent relies on,
  reaching IPython's input transformers or the agent, changing the kernel's signals or timers,
  importing the grading package, naming a hidden path or the gradebook. Each is positive
  evidence (the status becomes "tampering detected"); code built at run time (exec of a
  computed string) is only noted, since what it does cannot be read.
- `processes`: the processes of the sandbox besides the kernel, listed from outside.
- `Files`: what the notebook wrote, removed or changed in its scratch folder.

Protocol breaks are observed by `autograder.sandbox.remote.GradingSession`, and cell changes by
`submission.restore_cells`.
"""
import ast
import os

from ..grading import one_line

# modules the grading agent's own code relies on: assigning into them is tampering
WATCHED = ("numpy", "builtins", "IPython", "ipykernel", "_grading_agent", "signal", "json", "socket", "struct",
           "threading", "traceback", "warnings", "contextlib", "io", "importlib", "sys")
# attributes of sys a notebook may well set (silencing its output, adding a folder to the path)
SYS_ATTRIBUTES_ALLOWED = ("stdout", "stderr", "stdin", "argv", "path", "ps1", "ps2", "tracebacklimit",
                          "displayhook", "excepthook", "dont_write_bytecode")
TRANSFORMERS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                "input_transformer_manager", "input_splitter")
SIGNALS = ("setitimer", "signal", "alarm", "pthread_sigmask", "siginterrupt", "set_wakeup_fd")
RECORDS = ("gradebook.db", "grading_records", "nbgrader_config")
RUNTIME = ("kernel.json", "agent.sock", ".ipython", ".config", ".runtime", ".local", ".cache", "__pycache__",
           ".ipynb_checkpoints")
MAX_NOTES = 50


def python_of(source):
    """The Python a cell runs (IPython's magics and shell escapes turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # IPython's own syntax errors: the kernel will not run it either
        return source


def within(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class CodeWatch:
    """Reads the code of each cell before the worker sends it to the kernel. `hidden`: the
    folders hidden from the kernel (the course directory, the grading package)."""

    def __init__(self, hidden=()):
        self.hidden = [h for h in hidden if h and h != "/"]
        self.aliases = {}   # name in the notebook -> dotted module (or module attribute) it names
        self.evidence = []  # positive evidence (sentences)
        self.notes = []     # what cannot be judged from the text (recorded only)

    def read(self, source, where):
        """Read one cell's code (`where` names it in the record)."""
        try:
            tree = ast.parse(python_of(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.aliases[alias.asname or alias.name.split(".")[0]] = \
                        alias.name if alias.asname else alias.name.split(".")[0]
                    self.check_import(alias.name, where)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                self.check_import(node.module, where)
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            self.look(node, where)

    def note(self, found, sentence):
        sentence = one_line(sentence, 300)
        if sentence not in found and len(found) < MAX_NOTES:
            found.append(sentence)

    def check_import(self, module, where):
        if module.split(".")[0] in ("autograder", "_grading_agent"):
            self.note(self.evidence, f"{where} imports the grading code ({module})")

    def dotted(self, node):
        """The dotted name an expression names through the notebook's imports
        (np.testing.assert_allclose -> numpy.testing.assert_allclose), or None."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, "builtins" if node.id == "__builtins__" else None)
        if isinstance(node, ast.Attribute):
            if node.attr == "__dict__":
                return self.dotted(node.value)
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            called = node.func.id if isinstance(node.func, ast.Name) else self.dotted(node.func)
            if called in ("__import__", "importlib.import_module"):
                return node.args[0].value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" and node.args:
            return self.dotted(node.args[0])
        return None

    def watched(self, dotted):
        """Whether assigning `dotted` (a module's attribute) changes what the agent relies on."""
        if not dotted or "." not in dotted:
            return False
        root, attribute = dotted.split(".")[0], dotted.split(".")[1]
        if root == "sys":
            return attribute not in SYS_ATTRIBUTES_ALLOWED
        return root in WATCHED

    def look(self, node, where):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and isinstance(part.ctx, (ast.Store, ast.Del)) and \
                        self.watched(self.dotted(part)):
                    self.note(self.evidence, f"{where} assigns {self.dotted(part)}")
                elif isinstance(part, ast.Subscript) and isinstance(part.ctx, (ast.Store, ast.Del)):
                    base = self.dotted(part.value)
                    if base and (base.split(".")[0] in WATCHED and base.split(".")[0] != "sys" or base == "sys.modules"):
                        self.note(self.evidence, f"{where} assigns into {base}")
        if isinstance(node, ast.Call):
            called = self.dotted(node.func) or (node.func.id if isinstance(node.func, ast.Name) else None)
            if called in ("setattr", "delattr") and node.args and self.dotted(node.args[0]):
                target = self.dotted(node.args[0])
                name = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else "?"
                if self.watched(f"{target}.{name}") or target.split(".")[0] in WATCHED and target != "sys":
                    self.note(self.evidence, f"{where} calls {called} on {target}")
            elif called and called.startswith("signal.") and called.split(".")[1] in SIGNALS:
                self.note(self.evidence, f"{where} changes the kernel's signals or timers ({called})")
            elif called in ("sys.addaudithook", "addaudithook"):
                self.note(self.evidence, f"{where} adds an audit hook to the kernel (sys.addaudithook), which sees "
                                         "every event of the grading agent's")
            elif called and called.startswith("sys.modules.") and called.split(".")[2] in (
                    "pop", "update", "clear", "setdefault", "__setitem__", "__delitem__", "popitem"):
                self.note(self.evidence, f"{where} changes sys.modules ({called})")
            elif called in ("exec", "eval", "compile") and node.args and not isinstance(node.args[0], ast.Constant):
                self.note(self.notes, f"{where} runs code built at run time ({called}), which cannot be read here")
        if isinstance(node, ast.Attribute) and node.attr in TRANSFORMERS:
            self.note(self.evidence, f"{where} reaches IPython's input transformers ({node.attr})")
        if isinstance(node, (ast.Name, ast.Attribute)) and "_grading_agent" in getattr(node, "id", getattr(
                node, "attr", "")):
            self.note(self.evidence, f"{where} reaches for the grading agent")
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            text = os.fsdecode(node.value) if isinstance(node.value, bytes) else node.value
            if "_grading_agent" in text:
                self.note(self.evidence, f"{where} reaches for the grading agent")
            if "agent.sock" in text:
                self.note(self.evidence, f"{where} names the grading agent's socket")
            for folder in self.hidden:
                if folder in text:
                    self.note(self.evidence, f"{where} names a path hidden from the kernel ({folder})")
            for record in RECORDS:
                if record in text:
                    self.note(self.evidence, f"{where} names the gradebook or the grading records ({record})")


def processes(kernel):
    """[description] of each process of the sandbox besides the kernel and what wraps it, as
    seen from outside (the kernel's own account is not asked): the kernel's children, and any
    orphan of theirs the sandbox's first process adopted."""
    import psutil
    try:
        tree = psutil.Process(kernel.process.pid).children(recursive=True)
    except (psutil.Error, AttributeError):
        return []
    main = kernel.kernel_process()
    if main is None:
        return []
    wrapping = {main.pid}
    try:
        wrapping |= {parent.pid for parent in main.parents()}
    except psutil.Error:
        pass
    return [described(safe_cmdline(p)) for p in tree if p.pid not in wrapping]


def described(command):
    """A process's command line for the record: each argument on one line and shortened (a
    long inline script must not hide the arguments after it)."""
    if not command:
        return "(a process whose command line cannot be read)"
    shown = [one_line(arg, len(arg)) for arg in command[:12]]
    return " ".join(arg if len(arg) <= 60 else arg[:57] + "..." for arg in shown)[:500]


def safe_cmdline(process):
    import psutil
    try:
        return process.cmdline()
    except psutil.Error:
        return []


class Files:
    """The scratch folder as it was laid out, to tell what the notebook changed in it."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.before = self.listing()

    def listing(self):
        found = {}
        try:
            self._walk(found)
        except RecursionError:  # a folder tree deeper than Python's recursion (os.walk recurses)
            pass
        return found

    def _walk(self, found):
        for top, folders, files in os.walk(self.folder):  # os.walk follows no link by default
            relative = os.path.relpath(top, self.folder)
            folders[:] = [f for f in folders if not (relative == "." and f in RUNTIME) and f not in RUNTIME]
            for name in files:
                path = os.path.join(top, name)
                key = os.path.normpath(os.path.join(relative, name))
                if key in RUNTIME or key.startswith("k-") or len(found) > 10_000:
                    continue
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                found[key] = (info.st_size, info.st_mtime_ns)

    def changes(self):
        """[sentence] of what the notebook added, changed or removed in its folder."""
        after = self.listing()
        added = sorted(set(after) - set(self.before))
        removed = sorted(set(self.before) - set(after))
        changed = sorted(k for k in set(after) & set(self.before) if after[k] != self.before[k])
        notes = []
        for what, names in (("wrote", added), ("changed", changed), ("removed", removed)):
            if names:
                shown = ", ".join(repr(n) for n in names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10
                                                                  else "")
                notes.append(f"the notebook {what} {len(names)} file(s) in its folder: {shown}")
        return notes
