#!/usr/bin/env python3
"""Exports any open_clip model to this service's model-folder layout (models/<name>/).

    pip install torch open_clip_torch onnx
    python models/export/export_open_clip.py --model ViT-B-32 --pretrained openai --out models/openai-clip-vit-b32
    python models/export/export_open_clip.py --model ViT-L-14 --pretrained openai --out models/openai-clip-vit-l14

Writes vision.onnx (pixel_values [N,3,S,S] float32 -> image_embeds [N,D]), text.onnx (input_ids [N,77]
int64 -> text_embeds [N,D]; not normalised, the service normalises), merges.txt (open_clip's CLIP BPE
vocabulary) and manifest.json (preprocessing from the model's own config, the trained logit scale, every
file's SHA-256). Only models that use OpenAI's CLIP BPE tokenizer and the "shortest side, bicubic, centre
crop" preprocessing run unchanged in the service; the script refuses others.
Torch 1.13 export trap: grad mode stays ON during export (under no_grad, nn.MultiheadAttention takes a
fused path that the ONNX exporter cannot export).
"""
import argparse
import gzip
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
from clip_folder import write_manifest  # noqa: E402


def main():
    import open_clip  # imported here so --help works without it

    parser = argparse.ArgumentParser()
    parser.add_argument('--model', required=True)
    parser.add_argument('--pretrained', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--opset', type=int, default=14)
    args = parser.parse_args()
    model, _, preprocess = open_clip.create_model_and_transforms(args.model, pretrained=args.pretrained)
    model.eval()
    tokenizer = open_clip.get_tokenizer(args.model)
    if type(tokenizer).__name__ != 'SimpleTokenizer':
        raise SystemExit(f'{args.model} uses {type(tokenizer).__name__}, not the CLIP BPE tokenizer this service implements')
    size = model.visual.image_size
    size = size[0] if isinstance(size, (tuple, list)) else size
    mean = list(getattr(model.visual, 'image_mean', None) or open_clip.OPENAI_DATASET_MEAN)
    std = list(getattr(model.visual, 'image_std', None) or open_clip.OPENAI_DATASET_STD)
    os.makedirs(args.out, exist_ok=True)

    class Encoder(torch.nn.Module):
        """One of the model's encoders (`encode_image` or `encode_text`) as a module to trace."""

        def __init__(self, method):
            super().__init__()
            self.m = model
            self.method = method

        def forward(self, inputs):
            return getattr(self.m, self.method)(inputs)

    def export(method, example, file_name, input_name, output_name):
        torch.onnx.export(Encoder(method), example, os.path.join(args.out, file_name),
                          input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: 'batch'}, output_name: {0: 'batch'}},
                          opset_version=args.opset, do_constant_folding=True)

    torch.set_grad_enabled(True)
    export('encode_image', torch.randn(2, 3, size, size), 'vision.onnx', 'pixel_values', 'image_embeds')
    ids = tokenizer(['a photo of a car', 'a house'])
    export('encode_text', ids, 'text.onnx', 'input_ids', 'text_embeds')
    vocab = os.path.join(os.path.dirname(open_clip.__file__), 'bpe_simple_vocab_16e6.txt.gz')
    with gzip.open(vocab, 'rt', encoding='utf-8') as f:
        lines = f.read().split('\n')
    merges = [line for line in lines[1:] if line.strip()][:49152 - 256 - 2]
    with open(os.path.join(args.out, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + '\n'.join(merges) + '\n')
    with torch.no_grad():
        embed = model.encode_text(ids).shape[-1]
        logit_scale = float(model.logit_scale.exp())
    write_manifest(args.out, {
        'name': os.path.basename(os.path.normpath(args.out)),
        'description': f'open_clip {args.model} ({args.pretrained})',
        'provenance': f'models/export/export_open_clip.py --model {args.model} --pretrained {args.pretrained} (open_clip {open_clip.__version__}, torch {torch.__version__})',
        'licence': 'see the open_clip model card of this checkpoint',
        'embeddingSize': int(embed),
        'logitScale': round(logit_scale, 4),
        'image': {'size': int(size), 'mean': mean, 'std': std, 'resize': 'shortest-side-bicubic-center-crop'},
        'tokenizer': {'mergesFile': 'merges.txt', 'mergeCount': len(merges)},
    })
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
