import type { ClipModel } from '../scoring/model/clip-model';
import { preprocessInto } from '../scoring/preprocess/clip-preprocess';
import { scoreLabels } from '../scoring/scoring-math';
import {
  blurTensor,
  heatmapFromWindowScores,
  hidingBlurRadius,
  preservationBatch,
  slidingWindows,
  type Heatmap,
} from './occlusion';

export const DEFAULT_OCCLUSION_GRID = 7;

/**
 * Occlusion heatmap of one photo for one label (method in occlusion.ts): the photo, its blurred copy and
 * one copy per window (one cell large, half-cell stride: 169 for the 7×7 grid) blurred everywhere but the
 * window go through the real model in one batch; each cell's value is how much the label's zero-shot
 * probability (softmax over `labels`, as the checks use it) rises over the blurred photo when the cell's
 * content is shown.
 */
export async function occlusionHeatmap(
  model: ClipModel,
  image: Buffer,
  labels: Array<{ label: string; embedding: Float32Array }>,
  target: string,
  grid = DEFAULT_OCCLUSION_GRID,
): Promise<Heatmap> {
  const index = labels.findIndex((entry) => entry.label === target);
  if (index === -1) throw new Error(`label ${target} is not among the labels scored`);
  const size = model.imageConfig.imageSize;
  const pixels = new Float32Array(3 * size * size);
  await preprocessInto(image, model.imageConfig, pixels, 0);
  const batch = preservationBatch(pixels, blurTensor(pixels, size, hidingBlurRadius(size)), size, grid);
  const embeddings = await model.embedPixelBatch(batch, slidingWindows(grid).length + 2, { transfer: true });
  const scores = embeddings.map(
    (embedding) => scoreLabels(embedding, labels, model.manifest.logitScale)[index].probability,
  );
  return heatmapFromWindowScores(scores, grid);
}
