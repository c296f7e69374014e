"""Pairs of submissions whose solution cells are suspiciously alike (it never changes a grade).

The method is winnowing (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for
document fingerprinting", SIGMOD 2003), as in MOSS:

1. Normalise each solution cell into tokens with `tokenize`: comments, line breaks,
   indentation and grouping parentheses are dropped; identifiers become "V" unless they are keywords, builtins or
   attribute names (after a "."); numbers and strings become "L". Renaming variables,
   rewriting comments and docstrings, and reformatting leave the tokens unchanged.
2. Hash every k-gram of tokens (crc32: stable across runs, unlike `hash`), and drop the k-grams
   that occur in the release's version of the cell, so the template the whole class was given
   (signature, docstring, given lines) matches nobody.
3. Winnow: of every window of W consecutive hashes keep the minimum (the rightmost on ties).
   Any shared run of at least W + K - 1 tokens leaves a common fingerprint.
4. Per function, Jaccard similarity of two students' fingerprint sets; combined across the
   functions both wrote, weighted by fingerprint counts: sum of intersections / sum of unions.

Pairs are found through an inverted index (fingerprint -> students), so two students who share
no fingerprint cost nothing.
"""
import builtins
import io
import keyword
import tokenize
import zlib
from dataclasses import dataclass, field

import numpy as np

K = 8           # tokens per k-gram
WINDOW = 4      # hashes per winnowing window: a shared run of 11 tokens is always caught
# Two renamed, recommented, reformatted copies score 1.0; the catalogue's correct variants,
# written independently, score below 0.6 against the reference in 73 of 75 cases (the two above
# are short, idiomatic Keras code); tests/test_report_similarity.py measures both.
DEFAULT_THRESHOLD = 0.6

BUILTINS = frozenset(dir(builtins))
DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENCODING, tokenize.ENDMARKER}
LITERALS = {tokenize.NUMBER, tokenize.STRING}


def opens_call(previous):
    """Whether a "(" after the token `previous` ((type, text), or None) opens a call or a
    definition's parameters, rather than a group or a tuple."""
    kind, text = previous or (None, None)
    return kind == tokenize.NAME and not keyword.iskeyword(text) or kind == tokenize.STRING or text in (")", "]")


def normalise(source):
    """The cell's tokens with names and literals replaced by placeholders; raises
    tokenize.TokenError or SyntaxError on code that cannot be tokenised.

    Grouping and tuple parentheses are dropped too: formatters (black, `ast.unparse`) add and
    remove them. The parentheses of a call or a definition are kept."""
    tokens, previous, dropped = [], None, []  # dropped: for each "(" still open, whether it was dropped
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in DROPPED:
            continue
        skip = False
        if token.string == "(":
            dropped.append(not opens_call(previous))
            skip = dropped[-1]
        elif token.string == ")" and dropped:
            skip = dropped.pop()
        attribute = previous == (tokenize.OP, ".")
        previous = (token.type, token.string)
        if skip:
            continue
        if token.type in LITERALS:
            tokens.append("L")
        elif token.type == tokenize.NAME and not (keyword.iskeyword(token.string) or token.string in BUILTINS
                                                  or attribute):
            tokens.append("V")
        else:
            tokens.append(token.string)
    return tokens


def kgram_hashes(tokens, k=K):
    return [zlib.crc32("\x1f".join(tokens[i:i + k]).encode()) for i in range(len(tokens) - k + 1)]


def winnow(hashes, window=WINDOW):
    """The fingerprints of a hash sequence: the minimum of each window (as a set of values, so
    which of equal minima is chosen does not matter); a sequence shorter than a window keeps
    its minimum."""
    if not hashes:
        return set()
    return {min(hashes[start:start + window]) for start in range(max(1, len(hashes) - window + 1))}


def template_hashes(template):
    """The k-gram hashes of a release's solution cell (empty for none, or one that cannot be tokenised)."""
    try:
        return set(kgram_hashes(normalise(template))) if template else set()
    except (tokenize.TokenError, SyntaxError):
        return set()


def fingerprints(source, given=frozenset()):
    """The winnowed fingerprints of a solution cell, minus the k-grams in `given` (its template's
    hashes); raises tokenize.TokenError or SyntaxError on code that cannot be tokenised."""
    return winnow([h for h in kgram_hashes(normalise(source)) if h not in given])


def jaccard(a, b):
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass
class Pair:
    first: str
    second: str
    score: float                                    # combined across functions
    functions: dict = field(default_factory=dict)   # {function: Jaccard of that function}


def class_fingerprints(solutions, template, functions):
    """({function: {student: fingerprints}}, number of cells that could not be tokenised).
    Template fingerprints are computed once per function."""
    prints, skipped = {}, 0
    for function in functions:
        given = template_hashes(template.get(function))
        prints[function] = {}
        for student, cells in solutions.items():
            if function not in cells:
                continue
            try:
                found = fingerprints(cells[function], given)
            except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
                skipped += 1
                continue
            if found:
                prints[function][student] = found
    return prints, skipped


def similar_pairs(prints, threshold=DEFAULT_THRESHOLD):
    """[Pair] scoring at least `threshold`, most similar first, from class_fingerprints' output.

    Shared fingerprints of every pair are counted through an inverted index, into one matrix
    per class (students x students), so the cost follows the fingerprints actually shared."""
    students = sorted({s for per_student in prints.values() for s in per_student})
    number = {s: i for i, s in enumerate(students)}
    n = len(students)
    shared_total, union_total = np.zeros((n, n)), np.zeros((n, n))
    shared_by_function = {}
    for function, per_student in prints.items():
        index = {}
        for student, found in per_student.items():
            for fingerprint in found:
                index.setdefault(fingerprint, []).append(number[student])
        shared = np.zeros((n, n))
        for holders in index.values():
            if len(holders) > 1:
                ids = np.array(holders)
                shared[np.ix_(ids, ids)] += 1
        sizes = np.zeros(n)
        for student, found in per_student.items():
            sizes[number[student]] = len(found)
        union = sizes[:, None] + sizes[None, :] - shared
        shared_total += shared
        union_total += union
        shared_by_function[function] = (shared, union)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(union_total > 0, shared_total / union_total, 0.0)
    pairs = []
    for i, j in zip(*np.nonzero(np.triu(score >= threshold, k=1))):
        per_function = {f: round(float(s[i, j] / u[i, j]), 3)
                        for f, (s, u) in shared_by_function.items() if u[i, j] > 0}
        pairs.append(Pair(students[i], students[j], round(float(score[i, j]), 3), per_function))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def all_pairs_directly(prints, threshold=DEFAULT_THRESHOLD):
    """The same pairs by comparing every pair's sets directly (the bench's baseline, and a
    cross-check of similar_pairs in the tests)."""
    students = sorted({s for per_student in prints.values() for s in per_student})
    pairs = []
    for i, first in enumerate(students):
        for second in students[i + 1:]:
            shared = union = 0
            per_function = {}
            for function, per_student in prints.items():
                a, b = per_student.get(first, set()), per_student.get(second, set())
                both = len(a | b)
                if both:
                    common = len(a & b)
                    shared, union = shared + common, union + both
                    per_function[function] = round(common / both, 3)
            if union and shared / union >= threshold:
                pairs.append(Pair(first, second, round(shared / union, 3), per_function))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def analyse(data, threshold=DEFAULT_THRESHOLD):
    """(pairs, cells skipped because they could not be tokenised) for a ClassData."""
    functions = [f.name for f in data.functions]
    prints, skipped = class_fingerprints(data.solutions, data.template, functions)
    return similar_pairs(prints, threshold), skipped
