#!/usr/bin/env bash
# GPU check for the CLIP scoring engine: runs bench:scoring on a Linux x64 host with an NVIDIA GPU and no
# network, through onnxruntime-node's bundled WebGPU provider over Vulkan, beside the same run on CPU.
#
#   bench/gpu.sh pack [DIR]   on a development machine: build one self-contained bundle (default .gpu-bundle/,
#                             git-ignored, under 64 MiB): a Node binary, the bench bundled into one file with
#                             esbuild (plus its inference thread's entry), the linux-x64 parts of onnxruntime-node and sharp, the fixture models and
#                             the Vulkan loader from Debian's packages.
#   bench/gpu.sh run  [DIR]   on the GPU host, from the repository root (or with DIR): unpack, install the Vulkan
#                             loader where none is present, and print images/s for webgpu,cpu and for cpu.
#
# Record what it prints in docs/benchmarks.md with the date, the GPU and the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-}
DIR=${2:-.gpu-bundle}

pack() {
  rm -rf "$DIR" && mkdir -p "$DIR/node_modules/@img" "$DIR/models" "$DIR/gl"
  npx tsc -p tsconfig.build.json
  # One file for the bench and everything it imports; native add-ons stay outside.
  npx esbuild dist/bench/scoring-bench.js --bundle --platform=node --target=node20 --log-level=warning \
    --external:onnxruntime-node --external:sharp --external:pg-native \
    --external:@nestjs/microservices --external:@nestjs/websockets --external:class-transformer --external:class-validator \
    --outfile="$DIR/bench.js"
  # The inference thread's entry, where src/scoring/model/session-thread.ts looks for it: beside the bench.
  npx esbuild dist/src/scoring/model/session-thread.worker.js --bundle --platform=node --target=node20 --log-level=warning \
    --external:onnxruntime-node --outfile="$DIR/session-thread.worker.js"
  xz -T0 -6 -c "$(command -v node)" > "$DIR/node.xz"
  # onnxruntime-node without the binaries of other platforms (its package is ~290 MB with them).
  mkdir -p "$DIR/node_modules/onnxruntime-node/bin/napi-v6/linux"
  cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist "$DIR/node_modules/onnxruntime-node/"
  cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$DIR/node_modules/onnxruntime-node/bin/napi-v6/linux/"
  cp -r node_modules/onnxruntime-common "$DIR/node_modules/"
  for package in sharp detect-libc semver @img/colour @img/sharp-linux-x64 @img/sharp-libvips-linux-x64; do
    mkdir -p "$DIR/node_modules/$(dirname "$package")" && cp -r "node_modules/$package" "$DIR/node_modules/$package"
  done
  cp -r models/fixture models/fixture-int8 "$DIR/models/"
  # The Vulkan loader (the NVIDIA driver brings the ICD); downloaded as .deb from Debian, unpacked on the host.
  (cd "$DIR/gl" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "warning: could not download libvulkan1; the host must have a Vulkan loader"
  tar -C "$DIR" -cJf "$DIR.tar.xz" .
  echo "bundle $DIR.tar.xz: $(du -h "$DIR.tar.xz" | cut -f1) (limit 64 MiB); folder $(du -sh "$DIR" | cut -f1)"
}

run() {
  [ -f "$DIR/bench.js" ] || { mkdir -p "$DIR" && tar -C "$DIR" -xJf "$DIR.tar.xz"; }
  [ -x "$DIR/node" ] || { xz -dc "$DIR/node.xz" > "$DIR/node" && chmod +x "$DIR/node"; }
  if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
    for deb in "$DIR"/gl/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" /; done
    ldconfig || true
  fi
  # Where the driver's ICD files are not found by the loader on their own (seen on some hosts).
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi"
  for providers in webgpu,cpu cpu; do
    echo "== CLIP_EXECUTION_PROVIDERS=$providers"
    (cd "$DIR" && MODELS_DIR="$PWD/models" CLIP_EXECUTION_PROVIDERS=$providers ./node bench.js --models fixture,fixture-int8 --batches 1,8,32 --images 64)
  done
}

case "$MODE" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: bench/gpu.sh pack|run [DIR]" >&2; exit 2 ;;
esac
