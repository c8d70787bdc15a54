#!/usr/bin/env bash
# Cairn's full test run, as CI runs it (.ci/run):
#   1. script/setup.sh      install whatever is missing (fast when nothing is)
#   2. cargo test           the Rust workspace (--locked when Cargo.lock is committed)
#   3. forge build, test    the Solidity contracts, once contracts/ has any:
#                           compiled and linted (warnings fail), then tested
# Every step runs even when an earlier test step fails; the exit status is
# non-zero when any failed. Extra arguments are passed to `cargo test`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

section() { printf '\n==> %s\n' "$*"; }
RESULTS=()
FAILED=0
record() { # name status
  if [[ $2 -eq 0 ]]; then
    RESULTS+=("$1: ok")
  else
    RESULTS+=("$1: FAILED (exit $2)")
    FAILED=1
  fi
}

section "set-up (script/setup.sh)"
bash script/setup.sh

section "cargo test"
# One build per run: incremental artifacts would only double the disk the build takes.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
cargo_args=(test --workspace)
if git ls-files --error-unmatch Cargo.lock >/dev/null 2>&1; then
  cargo_args+=(--locked)
elif [[ ! -d .git && -f Cargo.lock ]]; then
  cargo_args+=(--locked)
fi
cargo_args+=(--no-fail-fast "$@")
printf '%s\n' "$(cargo --version)" "$(rustc --version)"
# The build takes about 2 GB under target/: say what the disk has, for when it runs out.
df -h . | sed 's/^/  /'
echo "+ cargo ${cargo_args[*]}"
status=0
cargo "${cargo_args[@]}" || status=$?
record "cargo test" "$status"

section "forge test"
if [[ -d contracts ]] && [[ -n "$(find contracts -name '*.sol' -print -quit)" ]]; then
  # Run from the repository root: foundry.toml names solc as script/solc.
  # `forge test` does not lint; `forge build` does, and foundry.toml denies warnings.
  echo "+ forge build"
  status=0
  node_modules/.bin/forge build || status=$?
  record "forge build (compile, lint)" "$status"
  echo "+ forge test -vvv"
  status=0
  node_modules/.bin/forge test -vvv || status=$?
  record "forge test" "$status"
else
  echo "no .sol files under contracts/ yet: skipped"
  RESULTS+=("forge test: skipped (no contracts)")
fi

section "results"
printf '  %s\n' "${RESULTS[@]}"
exit "$FAILED"
