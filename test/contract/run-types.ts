import type { RuntimeReport } from '@arch-registry/node-llama-cpp';

/** What the child process reports for one scenario. */
export interface ScenarioRun {
  readonly id: string;
  readonly dispatched:
    | { readonly ok: true; readonly decision: { flashAttention: boolean; cacheTypeK: string; cacheTypeV: string; vTransposed: boolean; reasons: string[] } }
    | { readonly ok: false; readonly refusal: string };
  readonly sentOptions: { flashAttention: boolean | 'auto'; kvCacheKeyType: string; kvCacheValueType: string; contextSize: number; sequences: number };
  readonly created: boolean;
  readonly error: string | undefined;
  readonly report: RuntimeReport;
  /** node-llama-cpp's own getters on the created context. */
  readonly runtimeView: { flashAttention: boolean | 'auto'; kvCacheKeyType: string; kvCacheValueType: string } | undefined;
  generated?: number[];
  logProbs?: number[][];
  /** Wall time of the scenario in the child. */
  ms?: number;
}

export interface ArchRun {
  readonly arch: string;
  readonly file: string;
  readonly vocabSize: number;
  /** Wall time of all scenarios, model loading excluded. */
  readonly ms: number;
  readonly scenarios: readonly ScenarioRun[];
  readonly logitPairs: readonly { a: string; b: string }[];
}
