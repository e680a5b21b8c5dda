import type { GgufValue } from './gguf-value.js';

/** SPM token types (llama_token_type): normal 1, unknown 2, control 3, byte 6. */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

const WORDS = ['▁the', '▁a', '▁of', '▁and', '▁to', '▁in', '▁is', '▁it', '▁that', '▁model', '▁cache', '▁layer', '▁window', '▁token', 'ing', 'ed', 's', '▁', 'e', 't'];

/**
 * A minimal SentencePiece-style vocabulary: `<unk>`, `<s>`, `</s>`, the 256 byte tokens and
 * then words, so the runtime's SPM tokenizer can encode any text (unknown text falls back to bytes).
 */
export function spmVocabMetadata(size: number): [string, GgufValue][] {
  if (!Number.isInteger(size) || size < 259) throw new RangeError(`an SPM vocabulary needs at least 259 tokens (3 specials and 256 bytes), got ${size}`);
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  for (let i = 0; tokens.length < size; i++) {
    const base = WORDS[i % WORDS.length] ?? '▁w';
    tokens.push(i < WORDS.length ? base : `${base}${Math.floor(i / WORDS.length)}`);
    types.push(NORMAL);
  }
  // Words score by rank so merges prefer earlier (more frequent) pieces; specials and bytes score 0.
  const scores = tokens.map((_, id) => (types[id] === NORMAL ? -id : 0));
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
  ];
}
