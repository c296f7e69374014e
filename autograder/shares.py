"""Every problem of a check is worth an equal share of it.

A check tries the student's function on several problems (fresh sizes, size 1 included). A
function that fails on some of them only (a single time step, a single example, horizon = 1)
loses those problems' shares, not the whole check, and the report says which problems fail,
with a hint naming the sizes when a rule explains them ("It fails when T_x = 1 and passes every
other problem"). Every kit runs its problems through `shares`.
"""
from .checks import Mismatch
from .grading import Partial
from .probes import describe_sizes, problem_sizes

UNCHECKED = "unchecked"  # a problem not held against the student, nor counted as passed


def shares(problems, run_one, place, sizes_of=None, label=None):
    """Run `run_one(problem)` on every problem, each worth an equal share of the check.

    run_one returns None (right), UNCHECKED (not held against the student, because another
    check charges the mistake, but no evidence of being right either), or (fraction right,
    report), where report() gives the messages worth adding; a Mismatch it raises (a crash, a
    wrong or unusable result) costs that problem's share and is reported as
    `place(problem, mismatch)` (its message naming the problem), the same message once only.
    After a time limit the remaining problems are not run: each could cost the limit again.

    sizes_of(problem) -> {size name: value} and label(problem) -> text describe the problems
    in the line that says which fail (by default the problem itself is its sizes; with a label
    and no sizes_of, the problems have no sizes to name).

    Returns None (every problem right) or a Partial of Mismatches (and text) whose first, when
    only some of the problems checked fail, says which."""
    scores, failed, messages, crashes, unchecked = [], [], [], set(), []
    for index, problem in enumerate(problems):
        try:
            outcome = run_one(problem)
        except Mismatch as mismatch:
            if mismatch.message not in crashes:
                crashes.add(mismatch.message)
                messages.append(place(problem, mismatch))
            scores.append(0.0)
            failed.append(index)
            if mismatch.timed_out:
                skipped = range(index + 1, len(problems))
                scores.extend(0.0 for _ in skipped)
                failed.extend(skipped)
                if skipped:
                    messages.append(f"The {len(skipped)} remaining problems were not run after the time limit.")
                break
            continue
        if outcome is None or outcome is UNCHECKED:
            scores.append(1.0)
            unchecked.extend([index] if outcome is UNCHECKED else [])
            continue
        fraction, report = outcome
        scores.append(fraction)
        failed.append(index)
        messages.extend(report())
    if not failed:
        return None
    checked = [i for i in range(len(problems)) if i not in unchecked]
    if len(failed) < len(checked):
        sizes_of = sizes_of or ((lambda problem: problem) if label is None else (lambda problem: {}))
        label = label or (lambda problem: describe_sizes(sizes_of(problem)))
        messages.insert(0, sizes_report([sizes_of(problems[i]) for i in checked], [checked.index(i) for i in failed],
                                        [label(problems[i]) for i in checked]))
    return Partial(sum(scores) / len(problems), messages)


def at(sizes, mismatch):
    """Prefix a mismatch with the problem it happened on."""
    return Mismatch(f"On a problem with {describe_sizes(sizes)}: {mismatch.message}", mismatch.hint, mismatch.evidence,
                    mismatch.timed_out)


def by_problem(rng, dims, run_one):
    """`shares` on the problems of `problem_sizes(rng, dims)`: run_one(sizes)."""
    return shares(problem_sizes(rng, dims), run_one, at)


def placed(where):
    """A `place` for `shares`: the message prefixed with where(problem)."""
    def place(problem, mismatch):
        return Mismatch(f"{where(problem)}: {mismatch.message}", mismatch.hint, mismatch.evidence, mismatch.timed_out)
    return place


# what only shows when a size is larger than 1 (for sizes named as in this course)
ONLY_SHOWS_WITH = {
    "T_x": "what passes from one time step to the next, and the sum over the time steps",
    "m": "how the examples (the columns) are combined: sums over axis 1, a division by m",
    "L": "what passes from one layer to the next, and which initial state and parameters each layer uses",
}
ONLY_SHOWS_DEFAULT = "transposes and the order of matrix products, which a size of 1 hides"


def size_rule(all_sizes, chosen):
    """The sizes whose value 1 singles out the problems `chosen` (indices): ["T_x"] when
    they are exactly the problems with T_x = 1, ["n_a", "m"] when exactly those with n_a = 1
    or m = 1, ["*"] when only the problem with every size 1; None when no rule fits (or the
    problems have no sizes)."""
    if not all_sizes or not all(all_sizes):
        return None
    dims = list(all_sizes[0])

    def only_one(sizes, dim):
        return sizes.get(dim) == 1 and all(sizes.get(other) != 1 for other in dims if other != dim)

    alone = [d for d in dims if any(only_one(all_sizes[i], d) for i in chosen)]
    if alone and sorted(chosen) == [i for i, s in enumerate(all_sizes) if any(s.get(d) == 1 for d in alone)]:
        return alone
    if sorted(chosen) == [i for i, s in enumerate(all_sizes) if all(v == 1 for v in s.values())]:
        return ["*"]
    return None


def describe_rule(rule):
    return "every size is 1 at once" if rule == ["*"] else " or ".join(f"{d} = 1" for d in rule)


def fails_when_hint(rule):
    """The hint of a function that fails exactly when the sizes in `rule` are 1."""
    return (f"It fails when {describe_rule(rule)} and passes every other problem: any size can be 1, so "
            "avoid indexing that assumes a size of at least 2 (such as [1] or [-2]) and np.squeeze.")


def right_only_when_hint(rule):
    """The hint of a function that is right exactly when the sizes in `rule` are 1."""
    shows = "; ".join(dict.fromkeys(ONLY_SHOWS_WITH.get(d, ONLY_SHOWS_DEFAULT) for d in rule))
    return (f"It is right only when {describe_rule(rule)}: the mistake shows only with larger sizes, so "
            f"look at {shows}.")


def sizes_report(all_sizes, failed, labels=None):
    """Which problems fail (indices `failed`; each described by its `labels` entry, or its
    sizes), with a hint naming the sizes when a rule explains them."""
    labels = labels or [describe_sizes(s) for s in all_sizes]
    passed = [i for i in range(len(all_sizes)) if i not in failed]
    fewer, word = (failed, "wrong") if len(failed) <= len(passed) else (passed, "right")
    listed = "; ".join(labels[i] for i in fewer)
    message = (f"Right on {len(passed)} of {len(all_sizes)} problems; wrong on {listed}." if word == "wrong"
               else f"Right on only {len(passed)} of {len(all_sizes)} problems: {listed}.")
    failing, passing = size_rule(all_sizes, failed), size_rule(all_sizes, passed)
    hint = fails_when_hint(failing) if failing else right_only_when_hint(passing) if passing else \
        f"It is {word} only on some problems ({listed}): compare them with the others."
    return Mismatch(message, hint)
