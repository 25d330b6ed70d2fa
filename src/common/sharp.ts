/**
 * The one place that imports sharp, so that its process-wide settings are made once, before any use.
 *
 * libvips' operation cache is off: this service decodes each photo once (ingest checks, hashes, CLIP
 * preprocessing), so the cache could only hold copies of pixels that are never asked for again. It
 * also costs time: with it on, decoding a 1024x768 JPEG for CLIP took 1.6 ms more CPU (8.0 vs 6.4 ms,
 * docs/benchmarks.md), which is CPU taken from inference on the same cores.
 */
import sharp from 'sharp';

sharp.cache(false);

export default sharp;
