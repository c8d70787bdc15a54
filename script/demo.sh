#!/usr/bin/env bash
# Cairn's main job, end to end, on the toy-rollup guest:
#   set-up → build the guest → write its inputs → execute → prove (outer STARK) → verify →
#   wrap in Groth16 → verify → start a local anvil → deploy the verifier, gateway and rollup →
#   submit the proof → read the rollup's new state root → show a tampered proof reverting.
#
# CAIRN_DEMO_PROFILE picks the STARK profile (default: production-wrap, the production profile
# tuned for wrapping). `test` is the small,
# insecure profile the CI tests use (a few minutes end to end instead of about a quarter hour).
# The Groth16 keys come from the deterministic development setup: INSECURE, for demos only
# (`cairn wrap --zkey` takes a ceremony's keys). Keys are cached (~/.cache/cairn), so a second
# run skips the setup.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${CAIRN_DEMO_OUT:-$ROOT/out/demo}"
PROFILE="${CAIRN_DEMO_PROFILE:-production-wrap}"
INSECURE=()
[[ "$PROFILE" == test ]] && INSECURE=(--insecure-test-params)
step() { printf '\n==> %s\n' "$*"; }
mkdir -p "$OUT"

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
INPUTS=(--input "$OUT/state.bin" --input "$OUT/batch.bin")

step "cairn execute"
"$CAIRN" execute "$ELF" "${INPUTS[@]}"

step "cairn prove (outer configuration, $PROFILE profile: what the SNARK wrapper verifies)"
"$CAIRN" prove "$ELF" "${INPUTS[@]}" --config outer --profile "$PROFILE" "${INSECURE[@]}" \
  -o "$OUT/proof.bin" --vk-out "$OUT/vk.bin"

step "cairn verify (STARK)"
"$CAIRN" verify "$OUT/proof.bin" --vk "$OUT/vk.bin" "${INSECURE[@]}"

step "cairn wrap --groth16 (the STARK verifier as a BN254 circuit, proven with Groth16)"
"$CAIRN" wrap --groth16 "$OUT/proof.bin" --vk "$OUT/vk.bin" "${INSECURE[@]}" \
  -o "$OUT/proof.groth16" --snark-vk-out "$OUT/groth16_vk.json"

step "cairn verify (Groth16)"
"$CAIRN" verify "$OUT/proof.groth16" --snark-vk "$OUT/groth16_vk.json" --vk "$OUT/vk.bin" "${INSECURE[@]}"

step "start anvil (local chain on 127.0.0.1)"
ANVIL_LOG="$OUT/anvil.log"
node_modules/.bin/anvil --host 127.0.0.1 --port 0 >"$ANVIL_LOG" 2>&1 &
ANVIL_PID=$!
trap 'kill "$ANVIL_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "Listening on" "$ANVIL_LOG" && break
  sleep 0.1
done
RPC="http://$(sed -n 's/^Listening on \(.*\)$/\1/p' "$ANVIL_LOG" | head -n1)"
echo "anvil at $RPC"
# anvil's first development account (a well-known, public key: local chains only).
export CAIRN_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
json() { node -e "const v=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log($1)"; }

step "cairn deploy-verifier (generated Groth16 verifier + gateway, compiled with solc via foundry-compilers)"
DEPLOY="$("$CAIRN" --json deploy-verifier --rpc "$RPC" --vk "$OUT/groth16_vk.json" --out "$OUT/deployments")"
echo "$DEPLOY"
GATEWAY="$(json v.gateway <<<"$DEPLOY")"

step "cairn deploy-rollup (genesis = the batch's old root)"
PUBLIC_VALUES="$("$CAIRN" --json verify "$OUT/proof.groth16" --snark-vk "$OUT/groth16_vk.json" "${INSECURE[@]}" | json v.public_values)"
OLD_ROOT="0x${PUBLIC_VALUES:2:64}"
NEW_ROOT="0x${PUBLIC_VALUES:66:64}"
PROGRAM_VKEY="$("$CAIRN" vkey "$ELF" --config outer --profile "$PROFILE")"
ROLLUP_REPORT="$("$CAIRN" --json deploy-rollup --rpc "$RPC" --gateway "$GATEWAY" \
  --program-vkey "$PROGRAM_VKEY" --genesis-root "$OLD_ROOT" --out "$OUT/deployments")"
ROLLUP="$(json v.rollup <<<"$ROLLUP_REPORT")"
echo "rollup at $ROLLUP (gateway $GATEWAY)"

step "cairn submit-proof (submitBatch through the gateway's verifyProof)"
"$CAIRN" submit-proof --rpc "$RPC" --contract "$ROLLUP" "$OUT/proof.groth16"

step "read the rollup's state root"
ROOT_NOW="$(node_modules/.bin/cast call --rpc-url "$RPC" "$ROLLUP" "stateRoot()(bytes32)")"
echo "stateRoot() = $ROOT_NOW"
if [[ "$ROOT_NOW" != "$NEW_ROOT" ]]; then
  echo "error: expected the batch's new root $NEW_ROOT" >&2
  exit 1
fi

step "a replayed batch is refused (StateRootMismatch)"
if "$CAIRN" submit-proof --rpc "$RPC" --contract "$ROLLUP" "$OUT/proof.groth16"; then
  echo "error: the replay was accepted" >&2
  exit 1
fi

echo
echo "done: the rollup's state moved from $OLD_ROOT to $NEW_ROOT on a local chain, checked by a Groth16 proof of the guest's run."
