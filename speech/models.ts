// Where the speech models live, and the errors that say what is missing. Models are never copied into the
// repository: they are read from the shared model folder beside the checkout (<repo>/../shared/models), else from
// <repo>/models, unless SPEECH_MODELS_DIR (or an explicit option) names another folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is <repo>/speech/models.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const KWS_MODEL_NAME = 'sherpa-onnx-kws-zipformer-wenetspeech-3.3M-2024-01-01-mobile';
export const KWS_MODEL_FILES = {
  encoder: 'encoder-epoch-12-avg-2-chunk-16-left-64.int8.onnx',
  decoder: 'decoder-epoch-12-avg-2-chunk-16-left-64.onnx',
  joiner: 'joiner-epoch-12-avg-2-chunk-16-left-64.int8.onnx',
  tokens: 'tokens.txt',
} as const;
export const SILERO_VAD_RELATIVE = join('silero-vad', 'silero_vad.onnx');

/** How to get each model, for error messages (the README says more). */
export const HOW_TO_OBTAIN = {
  kws:
    `download ${KWS_MODEL_NAME}.tar.bz2 from the k2-fsa/sherpa-onnx GitHub release "kws-models" ` +
    `(or ModelScope pkufool/sherpa-onnx-kws-zipformer-wenetspeech-3.3M-2024-01-01) and unpack it into the models folder; ` +
    `see speech/README.md`,
  vad: 'download silero_vad.onnx (snakers4/silero-vad, src/silero_vad/data/silero_vad.onnx) into <models>/silero-vad/; see speech/README.md',
  asr: 'download a sherpa-onnx streaming Mandarin model (see speech/README.md, "Streaming recognition models")',
} as const;

export type SpeechErrorCode =
  'SPEECH_MODEL_MISSING' | 'SPEECH_ENGINE_UNAVAILABLE' | 'SPEECH_KEYWORD_INVALID' | 'SPEECH_CONFIG_INVALID' | 'SPEECH_RECOGNIZER_FAILED';

/** Every speech error carries a stable code; messages name paths and what to do. */
export class SpeechError extends Error {
  constructor(
    readonly code: SpeechErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SpeechError';
  }
}

export interface ModelsDirOptions {
  /** Explicit folder (from configuration); wins over everything. */
  modelsDir?: string | undefined;
  /** Environment to read SPEECH_MODELS_DIR from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The candidate model folders, in the order they are tried. */
export function modelsDirCandidates(options: ModelsDirOptions = {}): string[] {
  const env = options.env ?? process.env;
  if (options.modelsDir !== undefined && options.modelsDir !== '') return [resolve(options.modelsDir)];
  const fromEnv = env['SPEECH_MODELS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return [resolve(fromEnv)];
  return [resolve(REPO_ROOT, '..', 'shared', 'models'), resolve(REPO_ROOT, 'models')];
}

/**
 * The folder holding the speech models: the first candidate that exists and holds `probe` (a model's relative
 * path), else the first candidate that exists, else the first candidate (whose absence the caller reports).
 */
export function resolveModelsDir(options: ModelsDirOptions & { probe?: string } = {}): string {
  const candidates = modelsDirCandidates(options);
  if (options.probe !== undefined) {
    const probe = options.probe;
    const withModel = candidates.find((c) => existsSync(join(c, probe)));
    if (withModel !== undefined) return withModel;
  }
  return candidates.find((c) => isDirectory(c)) ?? candidates[0]!;
}

/** Throws SPEECH_MODEL_MISSING naming every missing file of a model, its folder, and how to obtain it. */
export function requireFiles(what: string, dir: string, files: readonly string[], howToObtain: string): void {
  if (!isDirectory(dir)) {
    throw new SpeechError('SPEECH_MODEL_MISSING', `${what}: model folder ${dir} does not exist — ${howToObtain}`);
  }
  const missing = files.filter((f) => !isFile(join(dir, f)));
  if (missing.length > 0) {
    throw new SpeechError('SPEECH_MODEL_MISSING', `${what}: missing ${missing.map((f) => join(dir, f)).join(', ')} — ${howToObtain}`);
  }
}

/**
 * A model file that cannot be one: a Git LFS pointer (a clone without `git lfs pull`) or a file too small to hold
 * a network. Returns why, or null. (onnxruntime aborts the whole process on a corrupt model, so catch this first.)
 */
export function notAModel(path: string): string | null {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return 'not found';
  }
  if (size < 1024) {
    const head = readFileSync(path, 'utf8').slice(0, 40);
    if (head.startsWith('version https://git-lfs')) return 'is a Git LFS pointer, not the model (run git lfs pull in its repository)';
    return `is only ${size} bytes, too small to be a model`;
  }
  return null;
}

/** Throws SPEECH_MODEL_MISSING if any of the files is not a usable model file (see notAModel). */
export function requireModelFiles(what: string, paths: readonly string[], howToObtain: string): void {
  for (const p of paths) {
    const why = notAModel(p);
    if (why !== null) throw new SpeechError('SPEECH_MODEL_MISSING', `${what}: ${p} ${why} — ${howToObtain}`);
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
