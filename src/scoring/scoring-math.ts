import { cosine, l2Normalise, zeroShotProbabilities } from './model/clip-model';

export { cosine, l2Normalise, zeroShotProbabilities };

/**
 * A prompt ensemble (CLIP paper, section 3.1.4): the mean of the prompts' *normalised* embeddings,
 * normalised again, so that each prompt weighs the same whatever its raw norm.
 */
export function ensembleEmbedding(normalisedEmbeddings: Float32Array[]): Float32Array {
  if (normalisedEmbeddings.length === 0) throw new Error('a prompt ensemble needs at least one prompt');
  const sum = new Float32Array(normalisedEmbeddings[0].length);
  for (const embedding of normalisedEmbeddings) {
    if (embedding.length !== sum.length) throw new Error('prompt embeddings of different sizes');
    for (let index = 0; index < sum.length; index += 1) sum[index] += embedding[index];
  }
  return l2Normalise(sum);
}

export interface LabelScore {
  label: string;
  /** Cosine similarity of the image and the label's (ensemble) text embedding. */
  cosine: number;
  /** Softmax over the labels of logitScale × cosine. */
  probability: number;
}

/** Scores one normalised image embedding against normalised label embeddings. */
export function scoreLabels(
  image: Float32Array,
  labels: Array<{ label: string; embedding: Float32Array }>,
  logitScale: number,
): LabelScore[] {
  const cosines = labels.map(({ embedding }) => cosine(image, embedding));
  const probabilities = zeroShotProbabilities(cosines, logitScale);
  return labels.map(({ label }, index) => ({ label, cosine: cosines[index], probability: probabilities[index] }));
}
