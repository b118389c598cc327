# Two commands do everything:  `make lab`  and  `make test`.
# Both create (or reuse) the virtual environment .venv and install the project into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LAB_STAMP := $(VENV)/.lab-stamp
STAMP  := $(VENV)/.installed-stamp
IPYWIDGETS7 := $(VENV)/ipywidgets7
NOTEBOOKS := notebooks/01_autoencoder.ipynb notebooks/02_vae.ipynb notebooks/03_gan.ipynb

.PHONY: setup lab test notebooks weights models diagrams classifier bench clean

# What a learner needs to open the notebooks (`make lab`) ...
$(LAB_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e .
	touch $(LAB_STAMP)

# ... and the test tools on top (`make test` and the maintainer's targets)
$(STAMP): $(LAB_STAMP)
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

# Colab's ipywidgets (7.7), kept apart from the environment's 8.x: tests/test_widgets_compat.py runs the widget tests against it too
$(IPYWIDGETS7): $(STAMP)
	$(BIN)/python -m pip install --no-deps --target $(IPYWIDGETS7) "ipywidgets==7.7.*" "ipython_genutils==0.2.*"

setup: $(STAMP)                ## create .venv and install everything

lab: $(LAB_STAMP)              ## open JupyterLab on the notebooks (installs only what the notebooks need)
	$(BIN)/jupyter lab notebooks/

test: $(STAMP) $(IPYWIDGETS7)  ## unit tests + every notebook under nbval, in quick mode
	$(BIN)/python -m pytest

notebooks: $(STAMP)            ## run every notebook top to bottom in full mode, saving outputs and weights
	for nb in $(NOTEBOOKS); do \
	  GENMODELS_WRITE_WEIGHTS=1 $(BIN)/python -m tools.run_notebook $$nb || exit 1; \
	done

weights: notebooks             ## alias: the shipped weights come from the notebooks' own full runs

models: $(STAMP)               ## rewrite helpers/models.py from the notebook cells tagged `export`
	$(BIN)/python -m tools.export_models

diagrams: $(STAMP)             ## draw the notebooks' Mermaid diagrams into notebooks/figures/ (needs Node.js)
	$(BIN)/python -m tools.diagrams

classifier: $(STAMP)           ## retrain the MNIST classifier behind the sample-quality metric
	$(BIN)/python -m tools.train_classifier

bench: $(STAMP)                ## the benchmark table (slow: runs every notebook in full mode)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV)
