// Deadlines of the ACD core, by key ("ring:c1", "wrap:a7" …). No real timers: the engine asks which keys are
// due at `now`, and the adapter asks for the earliest deadline to set its one timer. A key has at most one
// deadline; setting it again replaces it. Min-heap with lazy deletion: O(log n) per change.
interface Slot {
  at: number;
  seq: number;
  key: string;
}

export class Deadlines {
  private heap: Slot[] = [];
  private readonly live = new Map<string, Slot>();
  private seq = 0;

  get size(): number {
    return this.live.size;
  }

  set(key: string, at: number): void {
    const s = { at, seq: ++this.seq, key };
    this.live.set(key, s);
    this.push(s);
  }

  clear(key: string): void {
    this.live.delete(key);
  }

  get(key: string): number | undefined {
    return this.live.get(key)?.at;
  }

  /** The earliest deadline, or null. */
  peek(): number | null {
    this.dropStale();
    return this.heap[0]?.at ?? null;
  }

  /** Removes and returns the earliest key due at `now` (ties in the order they were set), or null. */
  popDue(now: number): string | null {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.at > now) return null;
    this.pop();
    this.live.delete(top.key);
    return top.key;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.live.get(this.heap[0]!.key) !== this.heap[0]) this.pop();
    // keep the heap from filling up with replaced entries
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) {
      this.heap = [...this.live.values()].sort(less);
    }
  }

  private push(s: Slot): void {
    const h = this.heap;
    h.push(s);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!) <= 0) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!) < 0) m = l;
      if (r < h.length && less(h[r]!, h[m]!) < 0) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}

function less(x: Slot, y: Slot): number {
  return x.at - y.at || x.seq - y.seq;
}
