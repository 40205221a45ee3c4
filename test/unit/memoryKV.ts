import type { KeyValue } from '../../src/domain/store';

/** An in-memory Memento stand-in that counts writes. */
export class MemoryKV implements KeyValue {
  data = new Map<string, unknown>();
  writes = 0;
  get(key: string) {
    return this.data.get(key);
  }
  async update(key: string, value: unknown) {
    this.writes++;
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
  keys() {
    return [...this.data.keys()];
  }
}

