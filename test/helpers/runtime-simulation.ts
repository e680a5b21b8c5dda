/**
 * node-llama-cpp 3.21.1's no-allocation simulation, reached without its silent fallback: the public
 * `estimateContextResourceRequirementsV2` returns the old heuristic when a simulation fails, so
 * the accuracy suite and the bench call the simulator session GgufInsights keeps internally.
 */
import { GgmlType, GgufInsights, type Llama, readGgufFileInfo } from 'node-llama-cpp';
import { toGgmlTypeKey } from '@arch-registry/node-llama-cpp';
import type { CacheType } from '@arch-registry/core';

/** Internal members of GgufInsights 3.21.1 that reach the simulator without a fallback. */
interface SimulatorInternals {
  _resolveSimulatorSource(): Promise<unknown>;
  _simulationSession: {
    estimateModelResources(options: object): Promise<{ cpuRam: number; gpuVram: number }>;
    estimateContextResources(options: object): Promise<{ cpuRam: number; gpuVram: number }>;
  };
}

/** One simulated context, with llama.cpp-level n_ctx and batch. */
export interface SimulatedContext {
  readonly nCtx: number;
  readonly nSeq: number;
  readonly nUbatch: number;
  readonly cacheType: CacheType;
  readonly flashAttention: boolean;
}

export interface RuntimeSimulation {
  /** The simulated model buffer (weights), CPU only. */
  model(): Promise<{ cpuRam: number }>;
  /** The simulated context: KV, recurrent state, compute and output buffers, CPU only. */
  context(c: SimulatedContext): Promise<{ cpuRam: number }>;
}

/** Opens the simulation of a GGUF file: reads its header and resolves the simulator's model source. */
export async function openSimulation(llama: Llama, file: string): Promise<RuntimeSimulation> {
  const insights = (await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama)) as unknown as SimulatorInternals;
  const source = await insights._resolveSimulatorSource();
  const session = insights._simulationSession;
  return {
    model: () => session.estimateModelResources({ modelSource: source, gpuLayers: 0, useMmap: false }),
    context: (c) => {
      const type = GgmlType[toGgmlTypeKey(c.cacheType)];
      return session.estimateContextResources({
        modelSource: source,
        gpuLayers: 0,
        contextSize: c.nCtx,
        batchSize: c.nUbatch,
        sequences: c.nSeq,
        flashAttention: c.flashAttention,
        kvCacheKeyType: type,
        kvCacheValueType: type,
      });
    },
  };
}
