#!/usr/bin/python3
"""Makes an int8 variant of a model folder: models/<name>/ -> models/<name>-int8/ with its own manifest.

    /usr/bin/python3 models/tools/quantize_int8.py models/fixture            # -> models/fixture-int8/
    /usr/bin/python3 models/tools/quantize_int8.py models/vit-b32-random --out models/vit-b32-random-int8

Dynamic quantisation, done with python3-onnx alone (Debian packages no onnxruntime for Python, so the
onnxruntime.quantization tool is not available): every MatMul whose second input is a constant 2-D
weight, and every Gemm (alpha = beta = 1, transA = 0) becomes com.microsoft DynamicQuantizeMatMul with
per-column symmetric int8 weights (scale = max|column| / 127, zero point 0) and the bias folded in.
Activations are quantised per call by onnxruntime (uint8, per tensor). Convolutions, attention score
products (both inputs dynamic), embeddings and LayerNorm stay float32. Both encoders are quantised; the
merges file is copied unchanged. The output folder records its source's model hash in `quantizedFrom`.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_folder import write_manifest  # noqa: E402


def quantize_columns(weight):
    """weight [K, N] float32 -> (int8 [K, N], scale [N]) symmetric per output column."""
    scale = np.abs(weight).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(weight / scale), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def quantize_graph(model, min_elements):
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    new_nodes, new_inits, used = [], [], set()
    converted = 0
    for node in graph.node:
        weight, bias = None, None
        if node.op_type == 'MatMul' and node.input[1] in inits:
            weight = numpy_helper.to_array(inits[node.input[1]])
        elif node.op_type == 'Gemm' and node.input[1] in inits:
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if attrs.get('alpha', 1.0) == 1.0 and attrs.get('beta', 1.0) == 1.0 and not attrs.get('transA', 0):
                weight = numpy_helper.to_array(inits[node.input[1]])
                if attrs.get('transB', 0):
                    weight = weight.T
                if len(node.input) > 2 and node.input[2]:
                    if node.input[2] not in inits:
                        weight = None
                    else:
                        bias = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32)
                        if bias.shape != (weight.shape[1],):
                            weight = None
        if weight is None or weight.ndim != 2 or weight.dtype != np.float32 or weight.size < min_elements:
            new_nodes.append(node)
            continue
        converted += 1
        base = f'{node.name or node.output[0]}_q{converted}'
        q, scale = quantize_columns(np.ascontiguousarray(weight))
        new_inits += [numpy_helper.from_array(q, f'{base}_w'), numpy_helper.from_array(scale, f'{base}_scale'),
                      numpy_helper.from_array(np.zeros(scale.shape, np.int8), f'{base}_zp')]
        inputs = [node.input[0], f'{base}_w', f'{base}_scale', f'{base}_zp']
        if bias is not None:
            new_inits.append(numpy_helper.from_array(bias, f'{base}_bias'))
            inputs.append(f'{base}_bias')
        new_nodes.append(helper.make_node('DynamicQuantizeMatMul', inputs, list(node.output), name=base, domain='com.microsoft'))
        used.add(node.input[1])
        if node.op_type == 'Gemm' and bias is not None:
            used.add(node.input[2])
    still_used = {name for node in new_nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name not in used or init.name in still_used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    if not any(op.domain == 'com.microsoft' for op in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return converted


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('source', help='model folder with manifest.json, text.onnx, vision.onnx, merges.txt')
    parser.add_argument('--out', default=None, help='default: <source>-int8')
    parser.add_argument('--min-elements', type=int, default=4096, help='leave smaller weights in float32')
    args = parser.parse_args()
    source = os.path.normpath(args.source)
    out = args.out or f'{source}-int8'
    with open(os.path.join(source, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    os.makedirs(out, exist_ok=True)
    counts = {}
    for role in ('text', 'vision'):
        name = manifest['files'][role]['path']
        model = onnx.load(os.path.join(source, name))
        counts[role] = quantize_graph(model, args.min_elements)
        onnx.save(model, os.path.join(out, f'{role}.onnx'))
    shutil.copyfile(os.path.join(source, manifest['files']['merges']['path']), os.path.join(out, 'merges.txt'))
    fields = {k: v for k, v in manifest.items() if k not in ('files', 'training')}
    fields['name'] = os.path.basename(out)
    fields['description'] = f"int8 variant of {manifest['name']}: " + manifest.get('description', '')
    fields['provenance'] = (f"models/tools/quantize_int8.py over {manifest['name']} (dynamic quantisation, per-column "
                            f"int8 weights: {counts['vision']} vision and {counts['text']} text matrices); source: {manifest['provenance']}")
    fields['quantizedFrom'] = {'name': manifest['name'], 'files': {r: manifest['files'][r]['sha256'] for r in ('text', 'vision', 'merges')}}
    fields['tokenizer'] = {**manifest['tokenizer'], 'mergesFile': 'merges.txt'}
    write_manifest(out, fields)
    print(f"wrote {out}: {counts['vision']} vision and {counts['text']} text matrices quantised")


if __name__ == '__main__':
    main()
