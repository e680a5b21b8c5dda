import type { Decision } from '../dispatch/resolve-attention.js';
import type { TensorInfo } from '../gguf/read-header.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import { type ComputePlan, planCompute } from './compute.js';
import { type ContextPlan, type ContextRequest, planContext } from './context.js';
import { type DeviceSpec, type Placement, placeLayers } from './devices.js';
import { type KvPlan, planKvCache } from './kv-cache.js';
import { outputBytes } from './output.js';
import { type RecurrentStatePlan, planRecurrentState } from './recurrent-state.js';
import { type WeightsPlan, planWeights } from './weights.js';

/** A context request plus where the model goes, with llama.cpp's flag meanings. */
export interface PlanRequest extends ContextRequest {
  /** `-ngl`: layers offloaded to the devices (default: all when devices are given, else 0). */
  readonly gpuLayers?: number;
  /** `--device SIZE`, in split order. */
  readonly devices?: readonly DeviceSpec[];
  /** `--budget SIZE`: memory the host may use (weights, host KV, compute, output). */
  readonly hostBudget?: number;
}

/** Memory on one device, or on the host. */
export interface DeviceUse {
  readonly name: string;
  /** Memory available there, when known. */
  readonly capacity: number | undefined;
  readonly weights: number;
  readonly kv: number;
  /** Recurrent (SSM / conv) state of the layers placed here. */
  readonly state: number;
  readonly compute: number;
  readonly output: number;
  readonly total: number;
}

export interface Plan {
  readonly context: ContextPlan;
  readonly kv: KvPlan;
  readonly recurrentState: RecurrentStatePlan;
  readonly weights: WeightsPlan;
  readonly compute: ComputePlan;
  readonly output: { readonly bytes: number };
  /** The host first, then each device in split order. */
  readonly devices: readonly DeviceUse[];
  readonly totalBytes: number;
  /** Where each repeating layer and (last) the output layer live. */
  readonly placements: readonly Placement[];
}

/** What a plan needs besides the decision: the model and its tensors. */
export interface PlannedModel extends ResolvedModel {
  readonly tensors: readonly TensorInfo[];
}

const vocabSizes = new WeakMap<readonly TensorInfo[], number>();

/** n_vocab from the token embedding matrix ({n_embd, n_vocab}); looked up once per tensor list. */
export function vocabSizeOf(model: PlannedModel): number {
  let size = vocabSizes.get(model.tensors);
  if (size === undefined) {
    size = model.tensors.find((tensor) => tensor.name === 'token_embd.weight')?.shape[1] ?? 0;
    vocabSizes.set(model.tensors, size);
  }
  return size;
}

/** Index into per-placement tallies: 0 is the host, i + 1 device i. */
function slotOf(placements: readonly Placement[], index: number): number {
  const placement = placements[index];
  return placement?.kind === 'device' ? placement.index + 1 : 0;
}

/** Whether any repeating layer sits where `slot` says (0: host, i + 1: device i). */
function layersOn(placements: readonly Placement[], blockCount: number, slot: number): boolean {
  for (let il = 0; il < blockCount; il++) if (slotOf(placements, il) === slot) return true;
  return false;
}

/**
 * The whole memory plan of one context: exact KV bytes, weights from the tensor infos placed the
 * way llama.cpp places layers, compute and output buffers, per device. Pure.
 */
export function plan(model: PlannedModel, decision: Pick<Decision, 'flashAttention' | 'cacheTypeK' | 'cacheTypeV' | 'vTransposed'>, request: PlanRequest = {}): Plan {
  const devices = request.devices ?? [];
  const gpuLayers = request.gpuLayers ?? (devices.length > 0 ? model.hparams.blockCount + 1 : 0);
  const placements = placeLayers(model.hparams.blockCount, gpuLayers, devices);
  const context = planContext(model, request);
  const kv = planKvCache(model, decision, context);
  const recurrentState = planRecurrentState(model, context);
  const weights = planWeights(model.tensors, model.hparams.blockCount, placements, devices.length, model.arch.tensors.tiedOutputBeforeTokenEmbd === true);
  const h = model.hparams;
  const ffn = h.feedForwardLength > 0 ? h.feedForwardLength : h.expertFeedForwardLength * Math.max(1, h.expertUsedCount);
  const compute = planCompute(model, decision, context, vocabSizeOf(model), ffn);
  const output = { bytes: outputBytes(vocabSizeOf(model), context.nSeq) };

  // KV and state bytes per placement in one pass: index 0 is the host, i + 1 device i.
  const kvBy = new Array<number>(devices.length + 1).fill(0);
  const stateBy = new Array<number>(devices.length + 1).fill(0);
  if (devices.length === 0) {
    kvBy[0] = kv.bytes;
    stateBy[0] = recurrentState.bytes;
  } else {
    for (const layer of kv.layers) {
      const slot = slotOf(placements, layer.index);
      kvBy[slot] = (kvBy[slot] ?? 0) + layer.kBytes + layer.vBytes;
    }
    const perLayerState = recurrentState.layers === 0 ? 0 : recurrentState.bytes / recurrentState.layers;
    for (const layer of model.layers) {
      const slot = slotOf(placements, layer.index);
      if (layer.hasRecurrentState && !layer.isMtp) stateBy[slot] = (stateBy[slot] ?? 0) + perLayerState;
    }
  }
  const outputSlot = slotOf(placements, h.blockCount);

  // Each backend that runs part of the graph reserves its own compute buffer; the one holding the
  // output layer sizes it for the logits phase too. The host always embeds the input tokens.
  const hostCompute = outputSlot === 0 ? compute.bytes : layersOn(placements, h.blockCount, 0) ? compute.layerPhase : 4 * h.nEmbd * context.nUbatch;
  const host: DeviceUse = tally('host', request.hostBudget, weights.hostBytes, kvBy[0] ?? 0, stateBy[0] ?? 0, hostCompute, output.bytes);
  const perDevice: DeviceUse[] = [];
  for (const [index, device] of devices.entries()) {
    const holdsOutput = outputSlot === index + 1;
    const active = holdsOutput || layersOn(placements, h.blockCount, index + 1);
    const deviceCompute = !active ? 0 : holdsOutput ? compute.bytes : compute.layerPhase;
    perDevice.push(tally(device.name, device.bytes, weights.deviceBytes[index] ?? 0, kvBy[index + 1] ?? 0, stateBy[index + 1] ?? 0, deviceCompute, 0));
  }
  const all = [host, ...perDevice];
  return { context, kv, recurrentState, weights, compute, output, devices: all, totalBytes: all.reduce((sum, use) => sum + use.total, 0), placements };
}

function tally(name: string, capacity: number | undefined, weights: number, kv: number, state: number, compute: number, output: number): DeviceUse {
  return { name, capacity, weights, kv, state, compute, output, total: weights + kv + state + compute + output };
}
