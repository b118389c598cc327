# Two commands do everything:  `make lab`  and  `make test`  (the same as `python3 course.py lab` / `test`).
# Both create (or reuse) the virtual environment .venv and install the project into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := notebooks/01_autoencoder.ipynb notebooks/02_vae.ipynb notebooks/02b_gan_game_2d.ipynb notebooks/03_gan.ipynb

.PHONY: setup lab test notebooks extra-runs weights models diagrams classifier bench bench-site site student clean

# course.py does the installing (the same two commands work without make: see the README);
# make only adds the maintainer's targets below.
$(STAMP): pyproject.toml
	$(PYTHON) course.py setup --dev

setup: $(STAMP)                ## create .venv and install everything

lab:                           ## open JupyterLab on the notebooks (installs only what the notebooks need)
	$(PYTHON) course.py lab

test:                          ## unit tests + every notebook under nbval, in quick mode
	$(PYTHON) course.py test

notebooks: $(STAMP)            ## run every notebook top to bottom in full mode, saving outputs and weights; then the Chinese edition
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/python -m tools.run_notebook --write-weights $$nb || exit 1; \
	done
	$(BIN)/python -m tools.translate build
	for nb in $(NOTEBOOKS); do \
	  $(BIN)/python -m tools.run_notebook notebooks/zh/$$(basename $$nb) || exit 1; \
	done

extra-runs: $(STAMP)           ## retrain what notebook 3 loads by default (its plain DCGAN, its two failures) and ship it; then `make notebooks`
	$(BIN)/python -m tools.run_notebook --write-weights --train-all --out $(VENV)/extra-runs.ipynb notebooks/03_gan.ipynb

weights: notebooks             ## alias: the shipped weights come from the notebooks' own full runs

models: $(STAMP)               ## rewrite helpers/models.py from the notebook cells tagged `export`
	$(BIN)/python -m tools.export_models

diagrams: $(STAMP)             ## draw the notebooks' Mermaid diagrams into notebooks/figures/ (needs Node.js)
	$(BIN)/python -m tools.diagrams

classifier: $(STAMP)           ## retrain the MNIST classifier behind the sample-quality metric
	$(BIN)/python -m tools.train_classifier

bench: $(STAMP)                ## the benchmark table (slow: runs every notebook in full mode)
	$(BIN)/python -m benchmarks.run

site:                          ## the course as a website in site/ (both editions, widgets live in the browser)
	$(PYTHON) course.py site

bench-site: $(STAMP)           ## the website's sizes and times: build, size, first load, slider redraws
	$(BIN)/python -m benchmarks.site

student:                       ## student copies of the notebooks in student/: no answers, no outputs
	$(PYTHON) course.py student

clean:
	rm -rf $(VENV)
