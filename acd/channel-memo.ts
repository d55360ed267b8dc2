// The memos the queue keeps on a caller's channel (acd/waiting-memo.ts, acd/answered-memo.ts) are compact JSON
// arrays led by their format version: channel variables hold text only, and a value from another version (or
// another program) must read as none rather than as a wrong place or a wrong agent.
export function memoFields(value: string | null | undefined, length: number): unknown[] | null {
  if (!value) return null;
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return null;
  }
  return Array.isArray(v) && v[0] === 1 && v.length === length ? (v as unknown[]) : null;
}

export const memoText = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200;
export const memoTime = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
