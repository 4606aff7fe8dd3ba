/** A value that changes over time, with listeners told of each new one (the management streams' source). */
export class Broadcast<T> {
  #value: T;
  readonly #listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  /** The latest value. */
  get value(): T {
    return this.#value;
  }

  /** Replaces the value and tells every listener. */
  publish(value: T): void {
    this.#value = value;
    for (const listener of this.#listeners) listener(value);
  }

  /** Calls `listener` on every later `publish`; returns the function that stops it. */
  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
