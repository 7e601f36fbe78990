# The README's two commands: `make run` (examples/number.ts) and `make test` (every check).
# Both run tools/setup.sh first; it does nothing once third_party/ is complete.
CARGO ?= cargo
# The crates whose modules must not import each other in a cycle (tools/check-cycles.py).
ACYCLIC = src core/src loader/src cli/src

.PHONY: run test setup lint build bench bench-net bench-workers clean

run: setup
	$(CARGO) run --release -p minideno-cli -- run examples/number.ts

test: setup lint
	$(CARGO) test --release --workspace

lint: setup
	$(CARGO) fmt --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	bash tools/typecheck.sh
	python3 tools/check-cycles.py $(ACYCLIC)

bench: setup
	$(CARGO) bench --bench dispatch
	$(CARGO) bench --bench embed
	bash tools/bench-timers.sh

# Networking against Deno 2.x and Node side by side (wrk; about two minutes).
bench-net: setup
	bash tools/bench-net.sh

# Workers against Deno 2.x and Node's worker_threads: messages/s and the speed-up of
# N workers (about a minute).
bench-workers: setup
	bash tools/bench-workers.sh

build: setup
	$(CARGO) build --release

setup:
	@bash tools/setup.sh

clean:
	$(CARGO) clean
