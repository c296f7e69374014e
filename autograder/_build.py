"""Build hook of the package (pyproject.toml, [tool.setuptools.cmdclass]); never imported by
the grading code.

The dinosaur_island oracle builds on the helper module the students receive,
source/dinosaur_island/dino_utils.py, which stays where nbgrader releases it from: the one copy
of that code. A wheel and an sdist built from the repository carry it as the module
`autograder.oracle.dino_utils` (its file, unchanged), so an installed package grades with no
repository on disk. An editable install maps the package to the repository instead and has
no such module: the oracle then reads the repository's file.
"""
from setuptools.command.build_py import build_py

# package -> {module name: its file in the repository, relative to the project root}
SHIPPED = {"autograder.oracle": {"dino_utils": "source/dinosaur_island/dino_utils.py"}}


class BuildPy(build_py):
    """build_py that counts each SHIPPED file as a module of its package: it is then copied
    into the wheel, byte-compiled, recorded, and listed among the sdist's sources."""

    def find_package_modules(self, package, package_dir):
        modules = super().find_package_modules(package, package_dir)
        return modules + [(package, name, path) for name, path in SHIPPED.get(package, {}).items()]
