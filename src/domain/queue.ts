/**
 * Pipelines of different tickets run side by side up to a limit; the rest wait in order.
 * A ticket holds at most one slot or one place in the queue. Pure: no `vscode` import.
 */
export type Release = () => void;

interface Waiter {
  ticketId: number;
  resolve: (release: Release | undefined) => void;
}

export class PipelineQueue {
  private readonly holders = new Set<number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private limit: () => number,
    private readonly onChange: () => void = () => {},
  ) {}

  running(): number[] {
    return [...this.holders];
  }
  queued(): number[] {
    return this.waiting.map((w) => w.ticketId);
  }
  isQueued(ticketId: number): boolean {
    return this.waiting.some((w) => w.ticketId === ticketId);
  }
  /** 1-based place in the queue, or 0. */
  placeOf(ticketId: number): number {
    return this.waiting.findIndex((w) => w.ticketId === ticketId) + 1;
  }

  /**
   * Resolves with a release function once the ticket may run, or undefined when it was taken
   * out of the queue (`cancel`) or already holds a slot or a place.
   */
  acquire(ticketId: number): Promise<Release | undefined> {
    if (this.holders.has(ticketId) || this.isQueued(ticketId)) return Promise.resolve(undefined);
    if (this.holders.size < Math.max(1, this.limit())) return Promise.resolve(this.grant(ticketId));
    return new Promise((resolve) => {
      this.waiting.push({ ticketId, resolve });
      this.onChange();
    });
  }

  /** Takes a waiting ticket out of the queue; true when it was waiting. */
  cancel(ticketId: number): boolean {
    const i = this.waiting.findIndex((w) => w.ticketId === ticketId);
    if (i < 0) return false;
    const [w] = this.waiting.splice(i, 1);
    w.resolve(undefined);
    this.onChange();
    return true;
  }

  /** The limit may have grown (a setting changed): start whoever now fits. */
  pump(): void {
    while (this.waiting.length && this.holders.size < Math.max(1, this.limit())) {
      const w = this.waiting.shift()!;
      w.resolve(this.grant(w.ticketId));
    }
  }

  private grant(ticketId: number): Release {
    this.holders.add(ticketId);
    this.onChange();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders.delete(ticketId);
      this.pump();
      this.onChange();
    };
  }
}
