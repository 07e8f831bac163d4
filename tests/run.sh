#!/usr/bin/env bash
# The project's test command: `tests/run.sh [extra cargo-nextest arguments]`.
#
# 1. installs the real clients (kubectl 1.27–1.37, helm 4) with tests/tools.sh, into a cache
#    outside the clone;
# 2. makes sure a PostgreSQL server runs for the platform tests (tests/postgres.sh);
# 3. builds the `kubicle` binary and every test target of the workspace once, in the release
#    profile (one profile, so dependencies compile once);
# 4. runs all test suites with cargo-nextest (workspace unit tests and the end-to-end suites
#    under tests/tests/, in parallel) against target/release/kubicle, and ends with nextest's
#    summary line. Exits non-zero when anything fails.
#
# Extra arguments go to `cargo nextest run`, e.g. `tests/run.sh -E 'test(kubectl_1_37)'`.
# Environment: KUBICLE_TEST_DATABASE_URL (PostgreSQL for the platform tests), KUBICLE_TOOLS_DIR
# (client cache), KUBICLE_BIN (binary under test; default the
# one this script builds), NEXTEST_TEST_THREADS (parallel tests; default: the CPU count).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

if ! command -v cargo >/dev/null 2>&1 && [[ -f "${HOME:-/root}/.cargo/env" ]]; then
    # shellcheck disable=SC1091
    . "${HOME:-/root}/.cargo/env"
fi

now() { date +%s; }
t0=$(now)
phase() { printf '\n==> %s (at %ss)\n' "$*" "$(($(now) - t0))" >&2; }

phase "test clients (tests/tools.sh)"
tools_line="$(bash tests/tools.sh | tail -n1)"
export "${tools_line?}"
export KUBICLE_TOOLS_DIR

phase "PostgreSQL for the platform tests (tests/postgres.sh)"
# The platform suites run on SQLite and on a real PostgreSQL. Given KUBICLE_TEST_DATABASE_URL,
# that server is used; otherwise a local one is installed (Debian's package) and started. Without
# root and without a server, the PostgreSQL variants say so and skip (in CI they fail instead).
if [[ -z "${KUBICLE_TEST_DATABASE_URL:-}" ]]; then
    if pg_line="$(bash tests/postgres.sh | tail -n1)"; then
        export "${pg_line?}"
        export KUBICLE_TEST_DATABASE_URL
    else
        echo "run.sh: no PostgreSQL available; its test variants will skip" >&2
    fi
fi

target_dir="${CARGO_TARGET_DIR:-$root/target}"
export KUBICLE_BIN="${KUBICLE_BIN:-$target_dir/release/kubicle}"

phase "build: kubicle and every test target (release, one feature set)"
# One cargo invocation for the binary and the tests, so that dependencies are built once with
# the same features; nextest below then finds everything up to date.
cargo build --release --workspace --lib --bins --tests

[[ -x "$KUBICLE_BIN" ]] || { echo "run.sh: no kubicle binary at $KUBICLE_BIN" >&2; exit 1; }

phase "run: all suites against $KUBICLE_BIN"
exec cargo nextest run --release --workspace --config-file tests/nextest.toml "$@"
