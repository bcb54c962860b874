# The README's whole quick start: `make run` and `make test`.
# Both create .venv if missing, install what is needed, fetch the third-party
# weights and are fast on a second run (stamp files track what is installed).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.stamp
ULTRALYTICS := ultralytics==8.4.190
# Tests share one model cache inside the checkout; the app uses the user's.
TEST_MODEL_CACHE := $(CURDIR)/.cache/models

export MLFLOW_DISABLE_TELEMETRY := true
export YOLO_OFFLINE := 1
export YOLO_AUTOINSTALL := False

.PHONY: run test install install-dev models test-models bench clean package train-models

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(STAMP)-app: $(PY) pyproject.toml
	$(PIP) install -e .
	touch $@

# ultralytics goes in with --no-deps: its declared opencv-python would land
# beside opencv-python-headless; its real dependencies are in the train extra.
$(STAMP)-dev: $(PY) pyproject.toml
	$(PIP) install -e ".[train,dev,package]"
	$(PIP) install --no-deps $(ULTRALYTICS)
	touch $@ $(STAMP)-app

install: $(STAMP)-app
install-dev: $(STAMP)-dev

models: $(STAMP)-app
	$(VENV)/bin/stickerstudio fetch-models

test-models: $(STAMP)-dev
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(VENV)/bin/stickerstudio fetch-models

run: models
	$(VENV)/bin/stickerstudio

test: test-models
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# Rebuild the bundled models from scratch (hours on a CPU; every step resumes):
# classifier, students (three training phases), their evaluation (docs/model-card.md),
# the gate that bundles a student into models/ only when it improves the app, the cascade's
# limit (realgt train) and the routing table decided on the real-image judges
# (../shared/realgt, held-out illustrations).
train-models: test-models
	$(PY) -m trainer.classifier.build
	$(PY) -m trainer.students.build
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(VENV)/bin/stickerstudio-train eval --students
	$(PY) -m trainer.students.publish
	$(PY) -m trainer.data.heldout_art
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(PY) -m trainer.cascade
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(VENV)/bin/stickerstudio-train eval --real
	$(PY) -m trainer.routes

bench: test-models
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(PY) benchmarks/bench_pipeline.py
	STICKERSTUDIO_MODEL_CACHE=$(TEST_MODEL_CACHE) $(PY) benchmarks/bench_realgt.py

$(STAMP)-package: $(STAMP)-app
	$(PIP) install -e ".[package]"
	touch $@

# One-folder bundle in dist/StickerStudio/ plus a Linux tar.gz (docs/packaging.md).
package: $(STAMP)-package models
	STICKERSTUDIO_MODEL_CACHE=$$($(PY) -c "from stickerstudio_desktop.config.paths import app_paths; print(app_paths().model_cache)") \
	  $(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN build_spec.spec
	packaging/make_archive.sh

clean:
	rm -rf $(VENV) .cache build dist
