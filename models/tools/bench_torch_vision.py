#!/usr/bin/python3
"""PyTorch CPU baseline for the scoring benchmark: the same ViT-B/32 vision tower as
models/tools/make_vit_b32_random.py (same code, random weights), timed at batch sizes 1, 8 and 32.

    /usr/bin/python3 models/tools/bench_torch_vision.py [--batches 1,8,32] [--images 64] [--threads N]

Prints one JSON line {"torch": "...", "blas": "...", "threads": N, "rows": [{"batch", "imagesPerSecond", "msPerBatch"}]}
that bench/cpu-compare.sh puts beside onnxruntime's figures. Inference mode (no autograd), float32, as PyTorch
would serve it. Needs Debian's python3-torch and libopenblas0-pthread (the reference BLAS is ~65x slower).
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_vit_b32_random import PRESETS, Vision  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batches', default='1,8,32')
    parser.add_argument('--images', type=int, default=64)
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Vision(PRESETS['vit-b32']).eval()
    rows = []
    with torch.inference_mode():
        for batch in [int(b) for b in args.batches.split(',')]:
            pixels = torch.randn(batch, 3, 224, 224)
            model(pixels)  # warm-up
            runs = max(1, args.images // batch)
            started = time.perf_counter()
            for _ in range(runs):
                model(pixels)
            seconds = time.perf_counter() - started
            rows.append({'batch': batch, 'imagesPerSecond': round(runs * batch / seconds, 2), 'msPerBatch': round(seconds / runs * 1000, 1)})
    # Debian's torch links the generic libblas.so.3; which BLAS that is, is an alternatives choice.
    blas = os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')
    print(json.dumps({'torch': torch.__version__, 'blas': blas, 'threads': args.threads, 'rows': rows}))


if __name__ == '__main__':
    main()
