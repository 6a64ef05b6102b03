#!/bin/sh
# Rebuild gemm.wasm from gemm.c with Debian's clang + lld (apt-get install clang lld).
# The built gemm.wasm is committed; run this only after editing gemm.c.
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang}"
"$CLANG" --target=wasm32 -msimd128 -O3 -nostdlib -fno-builtin -ffp-contract=off \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--initial-memory=1048576 -Wl,--max-memory=4294967296 \
  -o gemm.wasm gemm.c
echo "built $(pwd)/gemm.wasm ($(wc -c < gemm.wasm) bytes)"
