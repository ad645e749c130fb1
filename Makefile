# Set-up and everyday commands. `make run` and `make test` each work on a fresh clone.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python is built from source: portable x86-64 flags (AVX2/FMA, no -march=native) so a
# cached wheel still runs on another CPU.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install run test bench clean

$(BIN)/molly: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/molly

install: $(BIN)/molly

run: install
	$(BIN)/python app.py

test: install
	bash scripts/test.sh

bench: install
	$(BIN)/python eval/benchmarks/pipeline_bench.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
