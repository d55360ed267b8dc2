// National hotlines merged into 12345 (国办发〔2020〕53号): their numbers still ring, now at the 12345 centre, and go
// straight to the queue of their matter — 12329 (住房公积金) to housing fund agents, 12333 (人社) to social security.
// Pure: parses the setting and answers which queue a dialled number asks for.

/** Dialled number → queue id. */
export type MergedHotlines = ReadonlyMap<string, string>;

export const DEFAULT_MERGED_HOTLINES = '12329:housing_fund,12333:social_security';

/** "12329:housing_fund,12333:social_security" → map; '' → none. A malformed entry is an error naming it. */
export function parseMergedHotlines(setting: string): MergedHotlines {
  const map = new Map<string, string>();
  for (const part of setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d{3,8}):([a-z][a-z0-9_]*)$/.exec(part);
    if (!m) throw new Error(`"${part}" must be NUMBER:queue_id, e.g. 12329:housing_fund`);
    map.set(m[1]!, m[2]!);
  }
  return map;
}

/** The queues named by the setting that the ACD configuration does not have. */
export function unknownMergedQueues(merged: MergedHotlines, queueIds: ReadonlySet<string>): string[] {
  return [...merged.entries()].filter(([, q]) => !queueIds.has(q)).map(([n, q]) => `${n} → ${q}`);
}
