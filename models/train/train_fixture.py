#!/usr/bin/python3
"""Trains the small CLIP-style fixture model on the synthetic claim photos and exports it to ONNX.

    /usr/bin/python3 models/train/train_fixture.py            # reads data/fixture-train/, writes models/fixture/

Needs Debian's torch 1.13 (apt-get install python3-torch python3-onnx libopenblas0-pthread); run it
with /usr/bin/python3. Inputs come from models/train/make-dataset.ts (images pooled to 56x56 by
the project's own preprocessing, captions tokenized by the project's own CLIP tokenizer).

Model (~0.44M parameters, embedding size 128):
  vision: AvgPool 4x4 (224 -> 56, inside the exported graph) -> conv/BN/ReLU x3 (4x4 stride-4 patch
          stem 3->48, 3x3 stride-2 48->96, 3x3 96->128 at 7x7) -> [global avg, global max] -> linear 128
  text:   token + position embedding (d=128) -> 1 pre-LN transformer block (4 heads, causal mask,
          MLP 256) -> LayerNorm -> the EOT position (argmax of the ids, as CLIP) -> linear 128
  learned logit scale (CLIP init 1/0.07, clamped at 100)
Loss: symmetric InfoNCE with soft targets: caption j is a positive for image i whenever it is true
of scene i (caption attribute masks), so identical or partial captions ("a photo of a car") in a
batch are not treated as negatives.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

# One BLAS thread: torch's own intra-op threads do the parallel work; OpenBLAS threads on top of
# them oversubscribe a small, shared machine (measured 3-4x slower steps on 2 busy cores).
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
CONTEXT = 77
EMBED = 128


# --------------------------------------------------------------------------------------------
# data

def load_bin(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<I', raw[:4])
    header = json.loads(raw[4:4 + n].decode('utf-8'))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + n)
    c, h, w = header['shape']
    return header, data.reshape(header['count'], c, h, w)


class Normalise(nn.Module):
    """uint8 pooled pixels -> the CLIP-normalised values the ONNX graph sees after its AvgPool."""

    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor(MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(STD).view(1, 3, 1, 1))

    def forward(self, u8):
        return (u8.float() / 255.0 - self.mean) / self.std


# --------------------------------------------------------------------------------------------
# model

def conv_bn(cin, cout, kernel, stride, padding):
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class VisionEncoder(nn.Module):
    """Works on the 56x56 pooled, normalised image: a 4x4 patch stem (like a ViT patch embedding,
    i.e. 16x16 pixels of the 224 input), then two 3x3 convolutions, then global average and max
    pooling (max keeps small, sparse evidence such as hail pits or glass cracks)."""

    def __init__(self, embed=EMBED):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 48, kernel=4, stride=4, padding=0),  # 56 -> 14
            conv_bn(48, 96, kernel=3, stride=2, padding=1),  # 14 -> 7
            conv_bn(96, 128, kernel=3, stride=1, padding=1),  # 7 -> 7
        )
        self.proj = nn.Linear(256, embed)

    def forward(self, x):
        x = self.features(x)
        x = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return self.proj(x)


class VisionOnnx(nn.Module):
    """The exported graph: CLIP-preprocessed [N,3,224,224] -> AvgPool 4x4 -> encoder."""

    def __init__(self, encoder):
        super().__init__()
        self.pool = nn.AvgPool2d(4)
        self.encoder = encoder

    def forward(self, pixel_values):
        return self.encoder(self.pool(pixel_values))


class Block(nn.Module):
    """Pre-LN transformer block with hand-written causal attention (exports cleanly to ONNX)."""

    def __init__(self, d, heads, mlp):
        super().__init__()
        self.heads = heads
        self.dh = d // heads
        self.scale = 1.0 / math.sqrt(self.dh)
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, mlp)
        self.fc2 = nn.Linear(mlp, d)

    def forward(self, x, mask):
        length, d, dh = x.shape[1], x.shape[2], self.dh
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q = q.reshape(-1, length, self.heads, dh).transpose(1, 2)
        k = k.reshape(-1, length, self.heads, dh).transpose(1, 2)
        v = v.reshape(-1, length, self.heads, dh).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) * self.scale + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(-1, length, d)
        x = x + self.out(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TextEncoder(nn.Module):
    def __init__(self, vocab, d=128, heads=4, layers=1, mlp=256, embed=EMBED, context=CONTEXT):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(context, d) * 0.01)
        nn.init.normal_(self.tok.weight, std=0.02)
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.proj = nn.Linear(d, embed, bias=False)
        self.register_buffer('mask', torch.full((context, context), -1e9).triu(1))

    def forward(self, ids):
        # ids: [N, L] int64 with L <= 77; training passes L = the longest caption in the batch
        # (positions after EOT never reach the EOT output through a causal mask, so this equals 77).
        length = ids.shape[1]
        x = self.tok(ids) + self.pos[:length]
        mask = self.mask[:length, :length]
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln(x)
        eot = ids.argmax(dim=-1)  # EOT has the largest id, as in CLIP
        select = (torch.arange(length, device=ids.device).unsqueeze(0) == eot.unsqueeze(1)).to(x.dtype)
        x = (x * select.unsqueeze(-1)).sum(dim=1)
        return self.proj(x)


class Clip(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vision = VisionEncoder()
        self.text = TextEncoder(vocab)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


# --------------------------------------------------------------------------------------------
# training

def consistency(obj, col, dmg, cap_obj, cap_col, cap_dmg):
    """[B_img, B_txt] float: 1 where caption j is true of scene i (attribute bit masks)."""
    o = (cap_obj.unsqueeze(0) >> obj.unsqueeze(1)) & 1
    c = (cap_col.unsqueeze(0) >> col.unsqueeze(1)) & 1
    d = (cap_dmg.unsqueeze(0) >> dmg.unsqueeze(1)) & 1
    return (o & c & d).float()


def soft_clip_loss(logits, positives):
    i2t = -(positives / positives.sum(1, keepdim=True) * F.log_softmax(logits, dim=1)).sum(1).mean()
    pt = positives.t()
    t2i = -(pt / pt.sum(1, keepdim=True) * F.log_softmax(logits.t(), dim=1)).sum(1).mean()
    return (i2t + t2i) / 2


def encode_texts(model, ids_np):
    """ids_np [M, 77] -> normalised embeddings, truncated to the longest caption."""
    ids = torch.from_numpy(ids_np.astype(np.int64))
    length = int(ids.argmax(dim=1).max().item()) + 1
    return F.normalize(model.text(ids[:, :length]), dim=-1)


@torch.no_grad()
def zero_shot(model, norm, images, labels, prompts, batch=500):
    model.eval()
    out = {}
    embeds = []
    for start in range(0, len(images), batch):
        x = norm(torch.from_numpy(images[start:start + batch]))
        embeds.append(F.normalize(model.vision(x), dim=-1))
    img = torch.cat(embeds)
    for attr, plist in prompts.items():
        txt = encode_texts(model, np.array([p['ids'] for p in plist]))
        pred = (img @ txt.t()).argmax(dim=1).numpy()
        out[attr] = float((pred == labels[attr]).mean())
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='data/fixture-train')
    ap.add_argument('--out', default='models/fixture')
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--wd', type=float, default=0.02)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1,
                    help='torch threads; 1 is fastest on a 2-core machine shared with other work')
    ap.add_argument('--max-steps', type=int, default=0, help='stop early (smoke tests)')
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    t_start = time.time()

    caps = json.load(open(os.path.join(args.data, 'captions.json')))
    train_meta = json.load(open(os.path.join(args.data, 'train.json')))
    eval_meta = json.load(open(os.path.join(args.data, 'eval.json')))
    _, train_img = load_bin(os.path.join(args.data, 'train.bin'))
    _, eval_img = load_bin(os.path.join(args.data, 'eval.bin'))
    n_train = min(len(train_img), len(train_meta['seeds']))
    n_eval = min(len(eval_img), len(eval_meta['seeds']))
    train_img = torch.from_numpy(train_img[:n_train].copy())
    eval_img = eval_img[:n_eval].copy()
    cap_ids = np.array([c['ids'] for c in caps['captions']], dtype=np.int64)
    cap_obj = torch.tensor([c['objects'] for c in caps['captions']], dtype=torch.int64)
    cap_col = torch.tensor([c['colours'] for c in caps['captions']], dtype=torch.int64)
    cap_dmg = torch.tensor([c['damages'] for c in caps['captions']], dtype=torch.int64)
    cap_len = torch.from_numpy(cap_ids.argmax(axis=1) + 1)
    cap_ids_t = torch.from_numpy(cap_ids)
    scene_caps = torch.tensor(train_meta['captions'][:n_train], dtype=torch.int64)  # [N, K]
    s_obj = torch.tensor(train_meta['object'][:n_train])
    s_col = torch.tensor(train_meta['colour'][:n_train])
    s_dmg = torch.tensor(train_meta['damage'][:n_train])
    eval_labels = {k: np.array(eval_meta[k][:n_eval]) for k in ('object', 'colour', 'damage')}
    vocab = caps['vocabSize']
    print(f'train {n_train} scenes, eval {n_eval}, {len(cap_ids)} captions, vocab {vocab}', flush=True)

    model = Clip(vocab)
    norm = Normalise()
    n_params = sum(p.numel() for p in model.parameters())
    n_vision = sum(p.numel() for p in model.vision.parameters())
    n_text = sum(p.numel() for p in model.text.parameters())
    print(f'parameters: {n_params} (vision {n_vision}, text {n_text})', flush=True)

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or name.endswith('pos') or 'tok' in name else decay).append(p)
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.wd}, {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr)
    steps_per_epoch = n_train // args.batch
    total = steps_per_epoch * args.epochs
    if args.max_steps:
        total = min(total, args.max_steps)
    warmup = min(200, total // 10)

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        return args.lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))

    gen = torch.Generator().manual_seed(args.seed)
    step = 0
    history = []
    t_train = time.time()
    done = False
    for epoch in range(args.epochs):
        perm = torch.randperm(n_train, generator=gen)
        pick = torch.randint(0, scene_caps.shape[1], (n_train,), generator=gen)
        flips = torch.rand(n_train, generator=gen) < 0.5
        running = 0.0
        for b in range(steps_per_epoch):
            idx = perm[b * args.batch:(b + 1) * args.batch]
            x = train_img[idx]
            f = flips[idx]
            x = torch.where(f.view(-1, 1, 1, 1), x.flip(3), x)
            x = norm(x)
            ci = scene_caps[idx, pick[idx]]
            length = int(cap_len[ci].max())
            ids = cap_ids_t[ci, :length]
            for g in opt.param_groups:
                g['lr'] = lr_at(step)
            img = F.normalize(model.vision(x), dim=-1)
            txt = F.normalize(model.text(ids), dim=-1)
            scale = model.logit_scale.clamp(max=math.log(100)).exp()
            logits = scale * img @ txt.t()
            pos = consistency(s_obj[idx], s_col[idx], s_dmg[idx], cap_obj[ci], cap_col[ci], cap_dmg[ci])
            loss = soft_clip_loss(logits, pos)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                model.logit_scale.clamp_(max=math.log(100))
            running += loss.item()
            step += 1
            if step % 50 == 0:
                print(f'epoch {epoch} step {step}/{total} loss {running / (b + 1):.4f} scale {scale.item():.1f} '
                      f'{time.time() - t_train:.0f}s', flush=True)
            if step >= total:
                done = True
                break
        acc = zero_shot(model, norm, eval_img, eval_labels, caps['evalPrompts'])
        history.append({'epoch': epoch, 'step': step, 'loss': running / max(1, b + 1), 'zeroShot': acc,
                        'seconds': time.time() - t_train})
        print(f'epoch {epoch} done: loss {running / max(1, b + 1):.4f} zero-shot {acc} ({time.time() - t_train:.0f}s)', flush=True)
        if done:
            break
    train_seconds = time.time() - t_train

    # export (grad mode on: torch 1.13's fused attention paths under no_grad do not export)
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    vision = VisionOnnx(model.vision).eval()
    torch.onnx.export(vision, torch.zeros(2, 3, 224, 224), os.path.join(args.out, 'vision.onnx'),
                      input_names=['pixel_values'], output_names=['image_embeds'],
                      dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}},
                      opset_version=14, do_constant_folding=True)
    dummy_ids = torch.zeros(2, CONTEXT, dtype=torch.int64)
    dummy_ids[:, 0] = vocab - 2
    dummy_ids[:, 1] = vocab - 1
    torch.onnx.export(model.text, dummy_ids, os.path.join(args.out, 'text.onnx'),
                      input_names=['input_ids'], output_names=['text_embeds'],
                      dynamic_axes={'input_ids': {0: 'batch'}, 'text_embeds': {0: 'batch'}},
                      opset_version=14, do_constant_folding=True)
    import onnx
    for name in ('vision.onnx', 'text.onnx'):
        onnx.checker.check_model(onnx.load(os.path.join(args.out, name)))

    # the exported math must equal the training math: check the 224 path against the pooled path
    with torch.no_grad():
        full = torch.from_numpy(np.repeat(np.repeat(eval_img[:4], 4, axis=2), 4, axis=3))
        a = vision(norm(full))
        b = model.vision(norm(torch.from_numpy(eval_img[:4])))
        assert torch.allclose(a, b, atol=1e-4), (a - b).abs().max()

    final = history[-1]['zeroShot'] if history else {}
    report = {
        'seed': args.seed,
        'trainScenes': n_train,
        'evalScenes': n_eval,
        'trainSeeds': [int(train_meta['seeds'][0]), int(train_meta['seeds'][n_train - 1])] if n_train else [],
        'evalSeeds': [int(eval_meta['seeds'][0]), int(eval_meta['seeds'][n_eval - 1])] if n_eval else [],
        'epochs': len(history), 'steps': step, 'batch': args.batch, 'lr': args.lr,
        'parameters': {'total': n_params, 'vision': n_vision, 'text': n_text},
        'vocabSize': vocab,
        'logitScale': float(model.logit_scale.exp().item()),
        'trainSeconds': round(train_seconds, 1),
        'totalSeconds': round(time.time() - t_start, 1),
        'torch': torch.__version__,
        'zeroShotPython': final,
        'history': history,
    }
    with open(os.path.join(args.data, 'train-report.json'), 'w') as f:
        json.dump(report, f, indent=2)
    print(json.dumps({k: v for k, v in report.items() if k != 'history'}, indent=2))


if __name__ == '__main__':
    sys.exit(main())
