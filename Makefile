# Set-up and everyday commands. `make run` and `make test` each work on a fresh clone.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python is built from source: portable x86-64 flags (AVX2/FMA, no -march=native) so a
# cached wheel still runs on another CPU.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install run test test-fast bench clean

# -qq: pip still reports errors, but not setuptools' notes on editable installs, which a user cannot act on.
$(BIN)/molly: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -e '.[embedded,eval,test]'
	touch $(BIN)/molly

install: $(BIN)/molly

run: install
	$(BIN)/python app.py

# Everything: lint, types, unit tests, real models, real servers, Chromium, vLLM (what CI runs).
test: install
	bash scripts/test.sh

# Unit and logic tests with fakes: no model, no browser, no vLLM (a few minutes; for every change).
test-fast: install
	bash scripts/test.sh --fast

bench: install
	$(BIN)/python eval/benchmarks/pipeline_bench.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
