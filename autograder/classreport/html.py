"""The class report as one self-contained HTML page: inline CSS, figures as PNG data URIs, no
script and no URL to fetch. Every text that comes from a student (names, code, messages,
details) or from a grader goes through `escape`; only this module's own markup does not.
"""
from html import escape

# Flagged pairs shown with their code (all of them are in similarity.csv).
PAIRS_SHOWN = 40
STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 1300px; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #4477aa; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eef2f8; } td.n { text-align: right; }
.note { color: #555; font-size: .9em; }
.students { font-family: monospace; font-size: .85em; }
.pair { display: flex; gap: 1em; } .pair > div { flex: 1; min-width: 0; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .5em; overflow-x: auto; font-size: .8em; }
img { max-width: 100%; border: 1px solid #eee; }
"""


def table(header, rows, numeric=()):
    """An HTML table; every cell is escaped, columns in `numeric` are right-aligned."""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{escape(str(cell))}</td>"
                                    for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def names(students):
    return ", ".join(students)


def image(images, name, alt):
    if name not in images:
        return ""
    return f'<p><img alt="{escape(alt)}" src="data:image/png;base64,{images[name]}"></p>'


def glance_section(report):
    """The morning after the deadline, in a few lines: who was graded, how the class did, where
    it lost most, what to look at first."""
    data = report.data
    graded = [g for g in report.grades if g.status == "graded"]
    others = {status: n for status, n in report.status_counts.items() if n and status != "graded"}
    lines = [f"{len(data.submissions)} submissions: {len(graded)} graded"
             + "".join(f", {n} {status}" for status, n in others.items())
             + f"; {len(report.missing)} students of the roster without a submission."]
    if graded:
        core = sorted(g.core for g in graded)
        lines.append(f"Core total (out of {data.core_max:g}): mean {sum(core) / len(core):.1f}, median "
                     f"{core[len(core) // 2]:g}; {sum(c >= data.core_max for c in core)} at full marks, "
                     f"{sum(c == 0 for c in core)} at 0.")
    written = [x for x in report.function_losses if x.graded and x.max_points]
    if written:
        hardest = min(written, key=lambda x: x.mean_points / x.max_points)
        lines.append(f"Hardest function: {hardest.function} (mean {hardest.mean_points:g} of {hardest.max_points:g}; "
                     f"{hardest.lost} students lost points, {len(hardest.not_written)} left it unwritten).")
    if report.misconceptions:
        top = report.misconceptions[0]
        lines.append(f"Most frequent catalogued mistake: {top.function} / {top.slug}, made by {len(top.students)} of "
                     f"{len(graded)} graded.")
    late = [s for s in data.submissions if s.seconds_late > 0]
    lines.append(f"Late submissions: {len(late)}. Pairs of submissions at or above the similarity threshold "
                 f"{report.threshold:g}: {len(report.pairs)}.")
    return "<h2>At a glance</h2><ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def struggles_section(report):
    parts = ["<h2>1. Where the class struggles</h2>",
             "<h3>Per graded function</h3>",
             table(["function", "max", "graded", "students losing points", "of them: not written", "mean points"],
                   [[x.function, f"{x.max_points:g}", x.graded, x.lost, len(x.not_written), f"{x.mean_points:g}"]
                    for x in report.function_losses], numeric=(1, 2, 3, 4, 5)),
             "<h3>Per check group</h3>",
             table(["function", "check", "max", "students losing points", "mean points"],
                   [[x.function, x.title, f"{x.max_points:g}", f"{x.lost} of {x.graded}", f"{x.mean_points:g}"]
                    for x in report.check_losses], numeric=(2, 3, 4)),
             "<h3>Catalogued misconceptions, most frequent first</h3>",
             '<p class="note">A catalogued mistake is recognised when a report carries the hint of one of that '
             "function's wrong catalogue entries (the graders' misconception probes print it).</p>"]
    if report.misconceptions:
        parts.append(table(["#", "function", "mistake", "students", "hint", "who"],
                           [[i + 1, m.function, m.slug, len(m.students), m.hint, names(m.students)]
                            for i, m in enumerate(report.misconceptions)], numeric=(0, 3)))
    else:
        parts.append("<p>No catalogued misconception was found.</p>")
    parts += ["<h3>Lost points no catalogue entry explains</h3>",
              '<p class="note">Grouped by the first failing check: a large group may be a misconception worth '
              "adding to the catalogue.</p>"]
    if report.unexplained:
        parts.append(table(["function", "first failing check", "students", "who", "what a report says"],
                           [[u.function, u.title, len(u.students), names(u.students),
                             " | ".join(f"{student}: {line}" for student, line in u.examples)]
                            for u in report.unexplained], numeric=(2,)))
    else:
        parts.append("<p>Every lost point carries a catalogued hint.</p>")
    return "\n".join(parts)


def distributions_section(report, images):
    data = report.data
    late = [s for s in data.submissions if s.seconds_late > 0]
    timed = [s for s in data.submissions if s.seconds is not None]
    parts = ["<h2>2. Distributions</h2>",
             f"<p>{len(data.submissions)} submissions; the core is out of {data.core_max:g}"
             + (f", and up to {data.bonus_max:g} extra-credit points come on top of it." if data.bonus_max else ".")
             + "</p>",
             image(images, "totals", "histogram of core totals and extra credit"),
             image(images, "functions", "histogram of points per graded function"),
             "<h3>Statuses</h3>",
             table(["status", "submissions"], list(report.status_counts.items()), numeric=(1,)),
             image(images, "statuses", "submissions per status"),
             "<h3>Late submissions</h3>"]
    if late:
        parts.append(table(["student", "hours late", "late penalty"],
                           [[s.student, f"{s.seconds_late / 3600:.1f}", f"{s.late_penalty:g}"] for s in late],
                           numeric=(1, 2)))
        parts.append(image(images, "late", "late penalty against hours late"))
    else:
        parts.append("<p>No submission was late.</p>")
    parts.append("<h3>Grading time and peak memory</h3>")
    if timed:
        seconds = sorted(s.seconds for s in timed)
        parts.append(f"<p>Median grading time {seconds[len(seconds) // 2]:g} s, longest {seconds[-1]:g} s.</p>")
        parts.append(image(images, "resources", "grading time and peak memory per submission"))
    else:
        parts.append("<p>No record gives a grading time.</p>")
    return "\n".join(parts)


def code_side_by_side(report, pair):
    solutions = report.data.solutions
    matching = [f for f, score in pair.functions.items() if score >= report.threshold] or \
        [max(pair.functions, key=pair.functions.get)]
    parts = []
    for function in matching:
        parts.append(f"<h4>{escape(function)}: similarity {pair.functions[function]:.2f}</h4><div class=pair>")
        for student in (pair.first, pair.second):
            code = solutions.get(student, {}).get(function, "")
            parts.append(f"<div><b>{escape(student)}</b><pre>{escape(code)}</pre></div>")
        parts.append("</div>")
    return "\n".join(parts)


def similarity_section(report):
    data = report.data
    parts = ["<h2>3. Similar submissions</h2>",
             "<p><b>This never changes a grade.</b> It points at pairs to look at, nothing more: students may "
             "have worked together as allowed, or written the obvious code.</p>",
             f'<p class="note">Solution cells normalised (names, literals, comments, formatting), the release\'s '
             f"template removed, winnowed fingerprints compared (Jaccard per function, combined weighted by "
             f"fingerprint counts). Threshold {report.threshold:g}. {len(data.solutions)} notebooks read; "
             f"{len(data.unreadable)} could not be parsed"
             + (f" ({escape(names(data.unreadable))})" if data.unreadable else "")
             + f"; {report.skipped_cells} solution cells could not be tokenised and were skipped.</p>"]
    if not report.pairs:
        parts.append("<p>No pair reaches the threshold.</p>")
        return "\n".join(parts)
    parts.append(table(["first", "second", "similarity", "per function"],
                       [[p.first, p.second, f"{p.score:.2f}",
                         ", ".join(f"{f} {s:.2f}" for f, s in p.functions.items() if s > 0)]
                        for p in report.pairs[:PAIRS_SHOWN]], numeric=(2,)))
    if len(report.pairs) > PAIRS_SHOWN:
        parts.append(f"<p>{len(report.pairs)} pairs in all: the {PAIRS_SHOWN} most similar are shown; "
                     "similarity.csv lists every one.</p>")
    for pair in report.pairs[:PAIRS_SHOWN]:
        parts.append(f"<h3>{escape(pair.first)} and {escape(pair.second)}: {pair.score:.2f}</h3>")
        parts.append(code_side_by_side(report, pair))
    return "\n".join(parts)


def lms_section(report):
    data = report.data
    parts = ["<h2>4. Grades for the LMS</h2>",
             "<p>Final = core + extra credit - late penalty, never below 0. Files: "
             "<code>canvas.csv</code> (Canvas gradebook import, with its Points Possible row) and "
             "<code>grades_lms.csv</code> (one row per student).</p>",
             "<h3>Students without a submission</h3>",
             f'<p class="note">Roster: {escape(data.roster_source)}.</p>',
             f"<p class=students>{escape(names(report.missing))}</p>" if report.missing else
             "<p>None.</p>",
             "<h3>Final grades</h3>",
             table(["student", "status", "core", "extra credit", "late penalty", "final", "max"],
                   [[g.student, g.status, f"{g.core:g}", f"{g.bonus:g}", f"{g.late_penalty:g}", f"{g.final:g}",
                     f"{g.max:g}"] for g in report.grades], numeric=(2, 3, 4, 5, 6))]
    return "\n".join(parts)


def render(report, images):
    """The page; `images` is {figure name: base64 PNG}."""
    title = f"Class report: {report.assignment}"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        '<p class="note">Instructor only: it names students, their mistakes and their code.</p>',
        glance_section(report),
        struggles_section(report),
        distributions_section(report, images),
        similarity_section(report),
        lms_section(report),
        "</body></html>"])
