#!/usr/bin/python3
"""Builds a CLIP model with OpenAI ViT-B/32's exact architecture and RANDOM weights, for benchmarks.

    /usr/bin/python3 models/tools/make_vit_b32_random.py                 # -> models/vit-b32-random/
    /usr/bin/python3 models/tools/make_vit_b32_random.py --preset tiny   # same code, tiny widths (dev/test)

The output is large (~600 MB) and is never committed (.gitignore: models/vit-b32-random*/). Its
embeddings mean nothing; it exists so that `npm run bench:scoring` measures the real cost of ViT-B/32
(8.8 GFLOP per image) without downloading OpenAI's weights. Needs Debian's python3-torch (1.13) and
python3-onnx; run with /usr/bin/python3 (apt-get install python3-torch python3-onnx libopenblas0-pthread).

Architecture (as openai/CLIP model.py): vision = conv 32x32 stride 32 patchify (no bias) -> class token +
positional embedding -> ln_pre -> 12 residual attention blocks (width 768, 12 heads, MLP 3072, QuickGELU)
-> ln_post on the class token -> projection 768 -> 512. Text = token embedding (49408) + positional
(77) -> 12 blocks (width 512, 8 heads, causal mask) -> ln_final -> the EOT position (argmax id) ->
projection 512 -> 512. Inputs/outputs as the service expects: pixel_values [N,3,224,224] float32 ->
image_embeds [N,512]; input_ids [N,77] int64 -> text_embeds [N,512] (not normalised; the service does it).

Torch 1.13 export trap: export with grad mode ON. Under no_grad, nn.MultiheadAttention takes its fused
fast path (_native_multi_head_attention), which the ONNX exporter cannot export.
"""
import argparse
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_folder import OPENAI_MEAN, OPENAI_STD, copy_merges, write_manifest  # noqa: E402

PRESETS = {
    # name: vision width, layers, heads, patch; text width, layers, heads; embed; vocab
    'vit-b32': dict(vw=768, vl=12, vh=12, patch=32, tw=512, tl=12, th=8, embed=512, vocab=49408),
    'tiny': dict(vw=64, vl=2, vh=2, patch=32, tw=64, tl=2, th=2, embed=32, vocab=49408),
}


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), QuickGELU(), nn.Linear(width * 4, width))
        self.ln_2 = nn.LayerNorm(width)
        self.mask = mask

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=self.mask)[0]
        return x + self.mlp(self.ln_2(x))


class Vision(nn.Module):
    def __init__(self, p):
        super().__init__()
        w = p['vw']
        self.conv1 = nn.Conv2d(3, w, kernel_size=p['patch'], stride=p['patch'], bias=False)
        scale = w ** -0.5
        grid = 224 // p['patch']
        self.class_embedding = nn.Parameter(scale * torch.randn(w))
        self.positional_embedding = nn.Parameter(scale * torch.randn(grid * grid + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.blocks = nn.Sequential(*[ResidualAttentionBlock(w, p['vh']) for _ in range(p['vl'])])
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(scale * torch.randn(w, p['embed']))

    def forward(self, pixels):
        x = self.conv1(pixels)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.blocks(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class Text(nn.Module):
    def __init__(self, p, context=77):
        super().__init__()
        w = p['tw']
        mask = torch.full((context, context), float('-inf')).triu_(1)
        self.token_embedding = nn.Embedding(p['vocab'], w)
        self.positional_embedding = nn.Parameter(0.01 * torch.randn(context, w))
        self.blocks = nn.Sequential(*[ResidualAttentionBlock(w, p['th'], mask) for _ in range(p['tl'])])
        self.ln_final = nn.LayerNorm(w)
        self.text_projection = nn.Parameter(w ** -0.5 * torch.randn(w, p['embed']))

    def forward(self, ids):
        x = self.token_embedding(ids) + self.positional_embedding
        x = self.blocks(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ self.text_projection


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--preset', choices=sorted(PRESETS), default='vit-b32')
    parser.add_argument('--out', default=None)
    parser.add_argument('--merges', default=os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'clip', 'bpe_simple_vocab_16e6.txt.gz'),
                        help="CLIP's vocabulary (bpe_simple_vocab_16e6.txt.gz, from test/fixtures/clip or OpenAI's repository)")
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    p = PRESETS[args.preset]
    out = args.out or os.path.join('models', 'vit-b32-random' if args.preset == 'vit-b32' else f'vit-b32-random-{args.preset}')
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(args.seed)
    vision, text = Vision(p).eval(), Text(p).eval()
    torch.set_grad_enabled(True)  # the export trap: see the module docstring
    torch.onnx.export(vision, torch.randn(2, 3, 224, 224), os.path.join(out, 'vision.onnx'),
                      input_names=['pixel_values'], output_names=['image_embeds'],
                      dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}},
                      opset_version=14, do_constant_folding=True)
    ids = torch.zeros(2, 77, dtype=torch.long)
    ids[:, 0], ids[:, 1], ids[:, 2] = 49406, 320, 49407
    torch.onnx.export(text, ids, os.path.join(out, 'text.onnx'),
                      input_names=['input_ids'], output_names=['text_embeds'],
                      dynamic_axes={'input_ids': {0: 'batch'}, 'text_embeds': {0: 'batch'}},
                      opset_version=14, do_constant_folding=True)
    merge_count = p['vocab'] - 256 * 2 - 2 if p['vocab'] == 49408 else None
    copy_merges(args.merges, out, merge_count)
    params = sum(t.numel() for t in vision.parameters()) + sum(t.numel() for t in text.parameters())
    write_manifest(out, {
        'name': os.path.basename(os.path.normpath(out)),
        'description': f'OpenAI CLIP {args.preset} architecture with RANDOM weights (seed {args.seed}, {params} parameters): for benchmarks only, its scores mean nothing.',
        'provenance': f'generated by models/tools/make_vit_b32_random.py --preset {args.preset} (torch {torch.__version__})',
        'licence': 'generated; no weights of anyone else (the merges file is OpenAI CLIP\'s, MIT)',
        'embeddingSize': p['embed'],
        'logitScale': 100.0,
        'image': {'size': 224, 'mean': OPENAI_MEAN, 'std': OPENAI_STD, 'resize': 'shortest-side-bicubic-center-crop'},
        'tokenizer': {'mergesFile': 'merges.txt', 'mergeCount': merge_count},
    })
    print(f'wrote {out} ({params} parameters)')


if __name__ == '__main__':
    main()
