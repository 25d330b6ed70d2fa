"""Shared helpers for the project's Python model tools: write a model folder's manifest.json.

The layout is the one src/scoring/model/model-manifest.ts verifies: every file pinned by size and SHA-256.
"""
import gzip
import hashlib
import json
import os

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]


def file_entry(folder, name):
    digest = hashlib.sha256()
    with open(os.path.join(folder, name), 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return {'path': name, 'sha256': digest.hexdigest(), 'bytes': os.path.getsize(os.path.join(folder, name))}


def copy_merges(source, folder, merge_count):
    """Writes merges.txt (header line + merge_count merges) from a CLIP vocabulary file (.gz or text)."""
    opener = gzip.open if source.endswith('.gz') else open
    with opener(source, 'rt', encoding='utf-8') as f:
        lines = f.read().split('\n')
    merges = [line for line in lines[1:] if line.strip()][:merge_count]
    if len(merges) != merge_count:
        raise SystemExit(f'{source} has {len(merges)} merges, need {merge_count}')
    with open(os.path.join(folder, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + '\n'.join(merges) + '\n')


def write_manifest(folder, fields, extra_files=()):
    manifest = dict(fields)
    manifest.setdefault('contextLength', 77)
    manifest.setdefault('inputs', {'text': 'input_ids', 'image': 'pixel_values'})
    manifest.setdefault('outputs', {'text': 'text_embeds', 'image': 'image_embeds'})
    files = {'text': file_entry(folder, 'text.onnx'), 'vision': file_entry(folder, 'vision.onnx'),
             'merges': file_entry(folder, 'merges.txt')}
    for role, name in extra_files:
        files[role] = file_entry(folder, name)
    manifest['files'] = files
    with open(os.path.join(folder, 'manifest.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(manifest, indent=2) + '\n')
    return manifest
