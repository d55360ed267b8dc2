// PJSIP objects as data. The agents' endpoints are written once, as the pjsip_agent.conf.tmpl template, and either
// rendered into a file (PJSIP_AGENTS=file) or parsed into objects pushed to Asterisk over ARI's dynamic
// configuration (PJSIP_AGENTS=ari, the default): 700 seats without a configuration file, an agent added or
// removed at once, no reload. Pure.

export type PjsipObjectType = 'endpoint' | 'aor' | 'auth';

export interface PjsipObject {
  type: PjsipObjectType;
  id: string;
  /** ARI ConfigTuples, without `type` (the URL names it). */
  fields: { attribute: string; value: string }[];
}

const PUSHABLE: readonly string[] = ['endpoint', 'aor', 'auth'];

/** Parses rendered pjsip.conf text: `[id]` then `key=value` lines (`;` comments). Every section needs a type. */
export function parsePjsipSections(text: string): PjsipObject[] {
  const objects: PjsipObject[] = [];
  let current: { id: string; type: string | null; fields: { attribute: string; value: string }[] } | null = null;
  const close = () => {
    if (!current) return;
    if (!current.type || !PUSHABLE.includes(current.type))
      throw new Error(`section [${current.id}] has type ${current.type ?? '(none)'}; expected ${PUSHABLE.join(', ')}`);
    objects.push({ type: current.type as PjsipObjectType, id: current.id, fields: current.fields });
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    if (!line) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      close();
      current = { id: section[1]!, type: null, fields: [] };
      continue;
    }
    const kv = /^([a-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`cannot parse PJSIP line: ${raw}`);
    if (kv[1] === 'type') current.type = kv[2]!;
    else current.fields.push({ attribute: kv[1]!, value: kv[2]! });
  }
  close();
  return objects;
}

/** The order Asterisk can take them in: an endpoint names its auth and aors, so those come first. */
export function pushOrder(objects: readonly PjsipObject[]): PjsipObject[] {
  const rank: Record<PjsipObjectType, number> = { auth: 0, aor: 1, endpoint: 2 };
  return [...objects].sort((a, b) => rank[a.type] - rank[b.type]);
}
