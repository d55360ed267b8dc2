// The speech subsystem's public surface: audio helpers, keyword spotting, VAD, streaming recognition (sherpa-onnx
// and Google), the per-call tap fed by chan_websocket, and order-draft extraction. See speech/README.md.
export * from './audio.js';
export * from './models.js';
export * from './pinyin.js';
export * from './keywords.js';
export * from './keyword-spotter.js';
export * from './vad.js';
export * from './recognizer.js';
export * from './sherpa-recognizer.js';
export * from './google-recognizer.js';
export * from './tap.js';
export * from './draft.js';
