import { type GgufValue, type TensorSpec, writeGguf } from '@arch-registry/gguf-synth';

/**
 * Tiny GGUFs the capture needs but /tmp/factcheck/models lacks: a llama whose
 * head dim (32) q8_0/q4_0 blocks divide, and a Mamba-1 for the recurrent lines.
 * Weights are zeros: creating a context only reserves graphs, it never computes.
 */

const VOCAB = 32;

const u32 = (value: number): GgufValue => ({ type: 'u32', value });
const f32 = (value: number): GgufValue => ({ type: 'f32', value });

/** A 32-token gpt2 BPE vocabulary, the smallest the loader accepts. */
function vocab(): [string, GgufValue][] {
  const tokens = [...Array.from({ length: VOCAB - 2 }, (_, i) => `t${i}`), '<s>', '</s>'];
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'default' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: tokens.map(() => 1) }],
    ['tokenizer.ggml.merges', { type: 'array', itemType: 'string', value: ['t 0'] }],
    ['tokenizer.ggml.bos_token_id', u32(VOCAB - 2)],
    ['tokenizer.ggml.eos_token_id', u32(VOCAB - 1)],
  ];
}

function zeros(name: string, ...dims: number[]): TensorSpec {
  return { name, dims, type: 'F32', data: () => new Uint8Array(4 * dims.reduce((a, b) => a * b, 1)) };
}

function metadata(arch: string, hparams: Record<string, GgufValue>): [string, GgufValue][] {
  return [
    ['general.architecture', { type: 'string', value: arch }],
    ['general.name', { type: 'string', value: `${arch}-capture` }],
    ...Object.entries(hparams).map(([key, value]): [string, GgufValue] => [`${arch}.${key}`, value]),
    ...vocab(),
  ];
}

/** llama, 2 layers, n_embd 128, 4 heads over 2 KV heads of 32: K/V rows are 64 wide. */
export async function writeTinyLlama(file: string): Promise<void> {
  const [embd, heads, kvHeads, headDim, ff, layers] = [128, 4, 2, 32, 256, 2];
  const tensors = [zeros('token_embd.weight', embd, VOCAB), zeros('output_norm.weight', embd), zeros('output.weight', embd, VOCAB)];
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      zeros(`${p}attn_norm.weight`, embd),
      zeros(`${p}attn_q.weight`, embd, heads * headDim),
      zeros(`${p}attn_k.weight`, embd, kvHeads * headDim),
      zeros(`${p}attn_v.weight`, embd, kvHeads * headDim),
      zeros(`${p}attn_output.weight`, heads * headDim, embd),
      zeros(`${p}ffn_norm.weight`, embd),
      zeros(`${p}ffn_gate.weight`, embd, ff),
      zeros(`${p}ffn_up.weight`, embd, ff),
      zeros(`${p}ffn_down.weight`, ff, embd),
    );
  }
  const hparams = {
    context_length: u32(4096),
    embedding_length: u32(embd),
    block_count: u32(layers),
    feed_forward_length: u32(ff),
    'attention.head_count': u32(heads),
    'attention.head_count_kv': u32(kvHeads),
    'rope.dimension_count': u32(headDim),
    'attention.layer_norm_rms_epsilon': f32(1e-5),
    'rope.freq_base': f32(10000),
  };
  await writeGguf(file, { metadata: metadata('llama', hparams), tensors, mode: 'full' });
}

/** Mamba-1, 2 layers, n_embd 256 (d_inner must be 2·n_embd), d_conv 4, d_state 16, dt_rank 16. */
export async function writeTinyMamba(file: string): Promise<void> {
  const [embd, conv, state, dtRank, layers] = [256, 4, 16, 16, 2];
  const inner = 2 * embd;
  const tensors = [zeros('token_embd.weight', embd, VOCAB), zeros('output_norm.weight', embd), zeros('output.weight', embd, VOCAB)];
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      zeros(`${p}attn_norm.weight`, embd),
      zeros(`${p}ssm_in.weight`, embd, 2 * inner),
      zeros(`${p}ssm_conv1d.weight`, conv, inner),
      zeros(`${p}ssm_conv1d.bias`, inner),
      zeros(`${p}ssm_x.weight`, inner, dtRank + 2 * state),
      zeros(`${p}ssm_dt.weight`, dtRank, inner),
      zeros(`${p}ssm_dt.bias`, inner),
      zeros(`${p}ssm_a`, state, inner),
      zeros(`${p}ssm_d`, inner),
      zeros(`${p}ssm_out.weight`, inner, embd),
    );
  }
  const hparams = {
    context_length: u32(4096),
    embedding_length: u32(embd),
    block_count: u32(layers),
    feed_forward_length: u32(0),
    'attention.head_count': u32(0),
    'attention.head_count_kv': u32(0),
    'attention.layer_norm_rms_epsilon': f32(1e-5),
    'ssm.conv_kernel': u32(conv),
    'ssm.inner_size': u32(inner),
    'ssm.state_size': u32(state),
    'ssm.time_step_rank': u32(dtRank),
  };
  await writeGguf(file, { metadata: metadata('mamba', hparams), tensors, mode: 'full' });
}
