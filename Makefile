# Entry points for people and CI. `make demo` and `make test` work as the very
# first command on a fresh Debian 12 machine: both install what they need.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build, the tests, the demo and the benchmarks use.
DEBIAN_PACKAGES := build-essential cmake pkg-config git \
	libcli11-dev libcurl4-openssl-dev libhiredis-dev libuv1-dev rapidjson-dev libtoml11-dev \
	libavformat-dev libavcodec-dev libavdevice-dev libavfilter-dev libavutil-dev \
	libswscale-dev libswresample-dev libssl-dev libpugixml-dev libhttp-parser-dev \
	libgtest-dev libgmock-dev ffmpeg clang-format time bc xvfb python3-botocore \
	redis-server redis-tools wrk curl python3

.PHONY: setup build test demo bench format-check format clean

setup:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "setup: installing $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "setup: every Debian package is installed"; \
	fi
	@# Debian's nodejs only where no Node.js is installed: its npm package
	@# conflicts with the nodejs builds many machines already carry.
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; }
	@[ -f node_modules/s3rver/package.json ] || npm install --no-audit --no-fund --loglevel=error

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 600

demo: build
	OV2HA=$(BUILD_DIR)/ov2ha examples/demo.sh

bench: build
	OV2HA=$(BUILD_DIR)/ov2ha bench/run_all.sh

SOURCES = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null)

format-check: setup
	clang-format --dry-run --Werror $(SOURCES)

format:
	clang-format -i $(SOURCES)

clean:
	rm -rf $(BUILD_DIR)
