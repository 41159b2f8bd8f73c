# User-facing targets; the build itself is CMake's (build/ and build-asan/).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DB ?= gazette.db

.PHONY: build run test asan deps bench bench-wordpress lint clean

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps

run: deps build
	@test -f $(DB) || ./$(BUILD)/gazette --db $(DB) init --demo --url http://127.0.0.1:8080
	./$(BUILD)/gazette --db $(DB) serve --listen 127.0.0.1:8080

test: deps build
	cd $(BUILD) && ctest --output-on-failure

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAZETTE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure

bench: deps build
	bench/run.sh

# Debian's WordPress (nginx + php-fpm + MariaDB, all on loopback in a temp dir) under the same wrk
# load as bench/article.sh and bench/comments.sh; as root. Not part of `make bench` or `make test`.
bench-wordpress: build
	bench/wordpress-deps && bench/wordpress.sh

lint:
	clang-format --dry-run --Werror src/*.c src/*/*.c src/*/*.h tests/unit/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Crash safety at length: tests/e2e/test_crash.py with 200 SIGKILL rounds per test (20 in `make
# test`), on SQLite and PostgreSQL. SOAK_ROUNDS=N for another count; GAZETTE_CRASH_SEED=S replays
# the kill moments of a failed run (the seed is printed with a failure).
SOAK_ROUNDS ?= 200
.PHONY: soak
soak: deps build
	cd $(BUILD) && GAZETTE_SOAK_ROUNDS=$(SOAK_ROUNDS) GAZETTE_BIN=$(abspath $(BUILD))/gazette \
	  GAZETTE_FIXTURES=$(CURDIR)/../shared/fixtures GAZETTE_SOURCE=$(CURDIR) \
	  /usr/bin/python3 -m pytest -q -p no:cacheprovider $(CURDIR)/tests/e2e/test_crash.py

# libFuzzer targets (clang, ASan + UBSan), each run FUZZ_SECONDS on a copy of its seed corpus
# (fuzz/README.md). FUZZ_TARGETS="form route" picks some (names as in fuzz/corpus/). `make test`
# runs every target 15 s (its ctest entry `fuzz`), in the same build directory.
FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: fuzz
fuzz:
	@JOBS=$(JOBS) fuzz/build-and-run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
