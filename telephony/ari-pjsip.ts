// PJSIP objects written and removed over ARI's dynamic configuration (res_pjsip's sorcery objects).
import type { Client } from 'ari-client';
import { pushOrder, type PjsipObject } from './pjsip-objects.js';

/** Requests in flight while pushing PJSIP objects: Asterisk's HTTP server handles a few at once. */
const PUSH_CONCURRENCY = 8;

/** Creates or updates each object (auth and aors before the endpoints that name them). */
export async function pushPjsipObjects(client: Client, objects: readonly PjsipObject[]): Promise<void> {
  for (const type of ['auth', 'aor', 'endpoint'] as const) {
    const batch = objects.filter((o) => o.type === type);
    for (let i = 0; i < batch.length; i += PUSH_CONCURRENCY) {
      await Promise.all(
        batch.slice(i, i + PUSH_CONCURRENCY).map((o) =>
          client.asterisk.updateObject({ configClass: 'res_pjsip', objectType: o.type, id: o.id, fields: o.fields }).catch((err: unknown) => {
            throw new Error(`${o.type} ${o.id}: ${errorMessage(err)}`);
          }),
        ),
      );
    }
  }
}

/** Removes an agent's objects at once (endpoints first); an object already gone is not an error. */
export async function deletePjsipObjects(client: Client, objects: readonly PjsipObject[]): Promise<void> {
  for (const o of [...pushOrder(objects)].reverse()) {
    await client.asterisk.deleteObject({ configClass: 'res_pjsip', objectType: o.type, id: o.id }).catch((err: unknown) => {
      if (!/not found|404/i.test(errorMessage(err))) throw err;
    });
  }
}

/** ari-client rejects with Errors, but a rejection may carry anything. */
export const errorMessage = (err: unknown): string => String((err as Error)?.message ?? err);
