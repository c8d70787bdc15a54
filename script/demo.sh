#!/usr/bin/env bash
# Cairn's main job, end to end, on the toy-rollup guest:
#   set-up → build the guest → write its inputs → execute it → prove it → verify the proof.
# Each stage Cairn gains (prove, wrap, deploy, verify on-chain) is added here as it lands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${CAIRN_DEMO_OUT:-$ROOT/out/demo}"
step() { printf '\n==> %s\n' "$*"; }

step "set-up (script/setup.sh)"
bash script/setup.sh

step "build the cairn CLI"
cargo build --release --locked -p cairn-cli -p cairn-sdk --examples --bins
CAIRN="$ROOT/target/release/cairn"

step "cairn build zkvm/examples/rollup"
ELF="$("$CAIRN" build zkvm/examples/rollup)"
echo "guest ELF: $ELF"

step "write the rollup's inputs (pre-state and a batch of transfers)"
"$ROOT/target/release/examples/rollup_inputs" "$OUT"

step "cairn execute"
"$CAIRN" execute "$ELF" --input "$OUT/state.bin" --input "$OUT/batch.bin"

step "cairn prove (outer configuration: what the SNARK wrapper verifies)"
"$CAIRN" prove "$ELF" --input "$OUT/state.bin" --input "$OUT/batch.bin" \
  --config outer --profile production -o "$OUT/proof.bin" --vk-out "$OUT/vk.bin"

step "cairn verify"
"$CAIRN" verify "$OUT/proof.bin" --vk "$OUT/vk.bin"
