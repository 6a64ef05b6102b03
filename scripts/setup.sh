#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for medkd: the system packages the tests, benchmarks and
# notebooks use, and Deno's npm dependencies. Safe to re-run; skips what is already there.
#
#   bash scripts/setup.sh          # tests + demo (default)
#   bash scripts/setup.sh bench    # also clang and Mesa's software Vulkan, for `deno task bench`
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-test}"
DENO_VERSION="2.9.6"

pkgs=(
  libopenblas0           # native BLAS for the fast CPU kernels (Deno FFI)
  python3-nibabel        # reference reader for NIfTI parity tests
  python3-scipy          # reference distance transform for HD95/ASSD parity tests
  python3-sklearn        # reference AUROC
  python3-numpy
  python3-h5py python3-pil   # reference HDF5 and PNG readers for parity tests
  python3-torch          # reference for model / safetensors / resampling parity tests (CPU)
  chromium               # headless check that saved HTML reports render
  jupyter-nbconvert python3-nbclient python3-ipykernel   # headless notebook runs
)
if [ "$mode" = "bench" ]; then pkgs+=(clang lld mesa-vulkan-drivers); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "medkd setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "medkd setup: apt-get not found; install these yourself: ${missing[*]}" >&2
  fi
fi

# Deno from npm (cached by npx), then the npm packages deno.json imports.
npx -y "deno@${DENO_VERSION}" --version >/dev/null
npx -y "deno@${DENO_VERSION}" install --quiet >/dev/null 2>&1 || npx -y "deno@${DENO_VERSION}" install
echo "medkd setup: ready (deno ${DENO_VERSION}, mode ${mode})" >&2
