#!/usr/bin/env bash
# Installs what Cairn's builds and tests need and is missing, and nothing else.
# Safe to run again: a second run checks, installs nothing and takes seconds.
#
#   script/setup.sh [--no-apt] [--no-npm] [--check]
#
#   --no-apt   skip Debian packages and the guest toolchain check; node and
#              npm are then not installed either, only required
#   --no-npm   skip the npm packages
#   --check    install nothing; report, and exit 1 when anything is missing
#              (combines with --no-apt / --no-npm to check less)
#
# What it sets up:
#   * Debian packages for RISC-V guest builds: rustc-web cargo-web
#     rust-web-src lld-19 (override the list with CAIRN_APT_PACKAGES).
#     Elsewhere, a rustup nightly with rust-src and an ld.lld instead, or
#     CAIRN_GUEST_RUSTC / CAIRN_GUEST_CARGO pointing at a suitable toolchain.
#   * node and npm (installed from Debian when missing there).
#   * The npm packages pinned in package.json / package-lock.json (forge,
#     anvil, cast, solcjs behind script/solc, snarkjs), installed with
#     `npm ci` only when node_modules does not match the lock file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES_DEFAULT="rustc-web cargo-web rust-web-src lld-19"
read -r -a APT_PACKAGES <<<"${CAIRN_APT_PACKAGES:-$APT_PACKAGES_DEFAULT}"
NPM_TOOLS=(forge anvil cast)
STAMP="node_modules/.cairn-setup-stamp"

DO_APT=1
DO_NPM=1
CHECK=0
for arg in "$@"; do
  case "$arg" in
    --no-apt) DO_APT=0 ;;
    --no-npm) DO_NPM=0 ;;
    --check) CHECK=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

MISSING=()     # what --check reports as missing
SUMMARY=()     # one phrase per step, for the final line
have() { command -v "$1" >/dev/null 2>&1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif have sudo; then
    if ! sudo -n true 2>/dev/null && [[ ! -t 0 ]]; then
      die "need root to run '$*', and sudo wants a password but there is no terminal; run this script as root or with a password-less sudo"
    fi
    sudo "$@"
  else
    die "need root to run '$*': run this script as root, or install sudo"
  fi
}

deb_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

apt_install() {
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
    die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" ||
    die "apt-get install $* failed"
}

# ---------------------------------------------------------------- Debian / guest toolchain
guest_toolchain_elsewhere() {
  cat >&2 <<'EOF'
setup: this is not a Debian system (no apt-get), so the guest toolchain is not installed
setup: automatically. Install instead:
setup:   * a Rust nightly with the rust-src component:
setup:       rustup toolchain install nightly --component rust-src
setup:   * an ld.lld linker (LLVM lld, e.g. the lld package of your distribution)
setup: or point CAIRN_GUEST_RUSTC and CAIRN_GUEST_CARGO at a toolchain that has them.
EOF
  have ld.lld || warn "no ld.lld on PATH"
  if [[ -n "${CAIRN_GUEST_RUSTC:-}" || -n "${CAIRN_GUEST_CARGO:-}" ]]; then
    say "guest toolchain: using CAIRN_GUEST_RUSTC=${CAIRN_GUEST_RUSTC:-} CAIRN_GUEST_CARGO=${CAIRN_GUEST_CARGO:-}"
    SUMMARY+=("guest toolchain from CAIRN_GUEST_*")
  elif have rustup && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
    say "guest toolchain: rustup nightly with rust-src found"
    SUMMARY+=("guest toolchain: rustup nightly")
  elif [[ $CHECK -eq 1 ]]; then
    MISSING+=("guest toolchain (rustup nightly with rust-src)")
  else
    die "no guest toolchain: install the above and run this script again"
  fi
}

step_apt() {
  if ! have apt-get || ! have dpkg-query; then
    guest_toolchain_elsewhere
    return
  fi
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    deb_installed "$pkg" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "Debian packages present: ${APT_PACKAGES[*]}"
    SUMMARY+=("apt: ${#APT_PACKAGES[@]} present")
  elif [[ $CHECK -eq 1 ]]; then
    say "Debian packages missing: ${missing[*]}"
    MISSING+=("${missing[@]}")
  else
    apt_install "${missing[@]}"
    SUMMARY+=("apt: installed ${missing[*]}")
  fi
}

# ---------------------------------------------------------------- node and npm
step_node() {
  local missing=()
  have node || missing+=(nodejs)
  have npm || missing+=(npm)
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "node $(node --version) and npm $(npm --version 2>/dev/null) present"
    return
  fi
  if [[ $CHECK -eq 1 ]]; then
    say "missing: ${missing[*]}"
    MISSING+=("${missing[@]}")
  elif have apt-get && [[ $DO_APT -eq 1 ]]; then
    say "node/npm missing; installing them from Debian"
    apt_install "${missing[@]}"
    SUMMARY+=("installed ${missing[*]}")
  else
    die "node and npm are needed: install them (on Debian/Ubuntu: apt-get install nodejs npm; elsewhere from https://nodejs.org) and run this script again"
  fi
}

# ---------------------------------------------------------------- npm packages
# Refuses a package.json with ranges, or a lock file that would fetch anything
# from outside the npm registry (git, http tarballs, local links).
check_npm_pins() {
  node - <<'EOF'
const fs = require('fs');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const problems = [];
const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
  for (const [name, spec] of Object.entries(pkg[field] || {})) {
    if (!exact.test(spec)) problems.push(`package.json pins ${name} to "${spec}", not an exact version`);
  }
}
const root = lock.packages && lock.packages[''];
if (!root) problems.push('package-lock.json has no "packages" section (lockfileVersion >= 2 needed)');
const registry = /^https:\/\/registry\.npmjs\.org\//;
for (const [where, entry] of Object.entries(lock.packages || {})) {
  if (where === '') continue;
  if (entry.link) problems.push(`${where} is a link to ${entry.resolved}`);
  if (entry.resolved !== undefined && !registry.test(entry.resolved)) {
    problems.push(`${where} would be fetched from ${entry.resolved}`);
  }
  if (!exact.test(entry.version || '')) problems.push(`${where} has version "${entry.version}"`);
  if (!entry.link && !entry.integrity) problems.push(`${where} has no integrity hash`);
}
if (problems.length) {
  console.error(problems.map((p) => `setup: error: ${p}`).join('\n'));
  process.exit(1);
}
EOF
}

npm_fingerprint() {
  # What node_modules was installed from: the manifests and the platform.
  {
    cat package.json package-lock.json
    node -p 'process.version + " " + process.platform + " " + process.arch'
  } | sha256sum | cut -d' ' -f1
}

# Prints "tool version" lines; fails when a tool does not run.
npm_tools_work() {
  local tool out
  for tool in "${NPM_TOOLS[@]}"; do
    out="$("node_modules/.bin/$tool" --version 2>&1 | head -n1)" || {
      printf '%s: %s\n' "$tool" "$out" >&2
      return 1
    }
    printf '%s\n' "$out"
  done
  out="$(script/solc --version 2>&1 | tail -n1)" || {
    printf 'script/solc: %s\n' "$out" >&2
    return 1
  }
  printf 'solc (script/solc) %s\n' "${out#Version: }"
  # snarkjs prints its version, then its usage, and exits 99.
  out="$(node_modules/.bin/snarkjs --version 2>&1 | head -n1 || true)"
  [[ "$out" == snarkjs@* ]] || {
    printf 'snarkjs: %s\n' "$out" >&2
    return 1
  }
  printf '%s\n' "$out"
}

step_npm() {
  [[ -f package.json && -f package-lock.json ]] || die "package.json or package-lock.json is missing from $ROOT"
  if ! have node || ! have npm; then
    [[ $CHECK -eq 1 ]] && return # already reported by step_node
    die "node and npm are needed for the npm packages"
  fi
  check_npm_pins || die "package.json / package-lock.json are not pinned to registry packages; fix them first"

  local want versions="" have_stamp=""
  want="$(npm_fingerprint)"
  [[ -f "$STAMP" ]] && have_stamp="$(cat "$STAMP")"
  if [[ -d node_modules && "$have_stamp" == "$want" ]] && versions="$(npm_tools_work 2>/dev/null)"; then
    say "node_modules matches package-lock.json"
    SUMMARY+=("npm: up to date")
  elif [[ $CHECK -eq 1 ]]; then
    say "node_modules is missing, out of date with package-lock.json, or its tools do not run"
    MISSING+=("node_modules (npm ci)")
    return
  else
    say "installing npm packages with npm ci (package-lock.json)"
    rm -f "$STAMP"
    npm ci --no-audit --no-fund || die "npm ci failed"
    versions="$(npm_tools_work)" ||
      die "npm packages installed, but a tool above does not run on $(uname -sm). Foundry is pinned as its Linux x86-64 npm packages (@foundry-rs/forge-linux-amd64 etc.; the registry has no other platforms' packages for every tool); elsewhere install Foundry 1.7.1 with foundryup and link forge, anvil and cast into node_modules/.bin"
    printf '%s\n' "$want" >"$STAMP"
    SUMMARY+=("npm: installed")
  fi
  while IFS= read -r line; do say "  $line"; done <<<"$versions"
}

join() {
  local IFS=';'
  local text="$*"
  printf '%s' "${text//;/; }"
}

if [[ $DO_APT -eq 1 ]]; then
  step_apt
else
  say "Debian packages / guest toolchain: skipped (--no-apt)"
  SUMMARY+=("apt: skipped")
fi
step_node
if [[ $DO_NPM -eq 1 ]]; then
  step_npm
else
  say "npm packages: skipped (--no-npm)"
  SUMMARY+=("npm: skipped")
fi

if [[ ${#MISSING[@]} -gt 0 ]]; then
  say "summary: MISSING $(join "${MISSING[@]}") (run script/setup.sh to install)"
  exit 1
fi
say "summary: ready ($(join "${SUMMARY[@]}"))"
