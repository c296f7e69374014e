"""nbgrader settings for students (each assignment folder links here; its release holds a copy).
The Validate button (and `nbgrader validate`) read this file when JupyterLab, or the command,
runs in the assignment's folder. Validate runs the whole notebook, and a cell that builds or
trains a model can take longer than nbgrader's default 30 seconds on a busy laptop: without
these limits Validate would stop with an error instead of an answer."""
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)
c.Execute.timeout = 600        # seconds one cell may run
c.Execute.iopub_timeout = 30   # seconds to wait for a cell's last output once it has finished
# The kernel Validate starts says nothing on the way (ipykernel warns, on every start, that its
# local TCP connection is not encrypted: noise in a student's Validate output). nbgrader's own
# default argument, an in-memory history, is kept.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
# nbgrader validate cuts every line it prints at Validator.width - 3 characters (default 90),
# so "check_x stopped: fix <function> first." lost the function's name. A visible check's
# message has lines of up to about 450 characters: a hint, or the message of an exception
# (at most 300 characters) after the check's own words.
c.Validator.width = 500
