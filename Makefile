# Everything runs in the project's own virtual environment, created from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test release lock student-env clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## demo: generate release/, grade sample submissions (python -m autograder.batch), print the grade table
demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m autograder.demo

## test: the whole suite (two workers: the machine's two cores)
test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n 2 --dist loadgroup

## release: regenerate release/ from source/ with nbgrader
release: $(STAMP)
	$(BIN)/python -m autograder.course

## student-env: (re)write each assignment's requirements.txt (from requirements.lock) and README.md
## in source/<assignment>/; `make release` then ships them to the students
student-env: $(STAMP)
	$(BIN)/python -m autograder.studentenv

## lock: re-pin every package after changing pyproject.toml
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet -e ".[test]"
	{ head -2 requirements.lock; /tmp/lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) submitted autograded feedback grading_records grades gradebook.db
