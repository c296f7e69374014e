"""Batch grading: `python -m autograder.batch` (the coordinator) and the grading of one
submission (what each Dask worker runs)."""
import sys

# jsonschema (imported by nbformat) loads its optional IRI format checker, rfc3987_syntax, which
# builds a parser at import: 0.7 s in the coordinator and in every worker. No notebook schema
# uses that format; without the module jsonschema simply leaves the format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)
