# User-facing targets; the build itself is CMake's (build/ and build-asan/).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DB ?= gazette.db

.PHONY: build run test asan deps bench lint clean

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps

run: deps build
	@test -f $(DB) || ./$(BUILD)/gazette --db $(DB) init --demo
	./$(BUILD)/gazette --db $(DB) serve --listen 127.0.0.1:8080

test: deps build
	cd $(BUILD) && ctest --output-on-failure

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAZETTE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure

bench: deps build
	bench/run.sh

lint:
	clang-format --dry-run --Werror src/*.c src/*/*.c src/*/*.h tests/unit/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
