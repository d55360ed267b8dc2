// Where calls may be transferred: the emergency centres (110 police, 120 ambulance, 119 fire; warm transfer
// with a linkage sheet to the centre's webhook) and a directory of department hotlines (blind transfer).
// Read once at start from a JSON file (HOTLINE_TRANSFER_DIRECTORY); without one, the three centres are
// reachable through the trunk and no sheet is sent (its delivery is recorded as 'unconfigured').
import fs from 'node:fs';
import { z } from 'zod';
import type { TransferTarget } from './machine.js';

const Number_ = z.string().regex(/^[0-9*#+]{2,20}$/, '号码只能包含数字、*、#、+（2-20位）');

const Centre = z.object({
  number: Number_,
  name: z.string().min(1).max(40),
  webhook: z
    .object({
      url: z.url(),
      /** HMAC-SHA256 key shared with the centre. */
      secret: z.string().min(16, '签名密钥至少16个字符'),
    })
    .optional(),
});

const Entry = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: z.string().min(1).max(40),
  number: Number_,
});

const DirectoryFile = z.object({
  centres: z.array(Centre).default([]),
  directory: z.array(Entry).default([]),
});

export type EmergencyCentre = z.infer<typeof Centre>;
export type DirectoryEntry = z.infer<typeof Entry>;

export interface TransferDirectory {
  centres: EmergencyCentre[];
  directory: DirectoryEntry[];
}

const DEFAULT_CENTRES: EmergencyCentre[] = [
  { number: '110', name: '公安110' },
  { number: '120', name: '急救120' },
  { number: '119', name: '消防119' },
];

export function parseTransferDirectory(raw: unknown, source: string): TransferDirectory {
  const parsed = DirectoryFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const given = new Map(parsed.data.centres.map((c) => [c.number, c]));
  // the three centres are always there; the file may name them differently and give their webhooks
  const centres = [
    ...DEFAULT_CENTRES.map((c) => given.get(c.number) ?? c),
    ...parsed.data.centres.filter((c) => !DEFAULT_CENTRES.some((d) => d.number === c.number)),
  ];
  return { centres, directory: parsed.data.directory };
}

export function loadTransferDirectory(file: string | undefined): TransferDirectory {
  if (!file) return { centres: [...DEFAULT_CENTRES], directory: [] };
  return parseTransferDirectory(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

/** The target of an emergency transfer ('110') or of a directory entry (its id); undefined if unknown. */
export function resolveTarget(d: TransferDirectory, req: { centre: string } | { entryId: string }): TransferTarget | undefined {
  if ('centre' in req) {
    const c = d.centres.find((x) => x.number === req.centre);
    return c && { number: c.number, name: c.name, emergency: true };
  }
  const e = d.directory.find((x) => x.id === req.entryId);
  return e && { number: e.number, name: e.name, emergency: false };
}

/** What the desktop may see: no webhook URLs or secrets. */
export function publicDirectory(d: TransferDirectory) {
  return {
    centres: d.centres.map((c) => ({ number: c.number, name: c.name })),
    directory: d.directory.map((e) => ({ id: e.id, name: e.name, number: e.number })),
  };
}
