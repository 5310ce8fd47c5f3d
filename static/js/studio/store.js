// One small store for the studio's state: every module reads it and changes it through set(), so what the studio
// knows lives in one object rather than in variables scattered over its modules. State is replaced, never changed
// in place (objects are frozen one level deep), so a listener can compare before and after.

/**
 * createStore({a: 1}) -> {state, set(patch | state => patch), subscribe(listener), watch(keys, listener)}.
 * set() merges the patch and tells listeners (state, previous, changedKeys) when a value really changed.
 */
export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get state() { return state; },
    set(patch) {
      const next = typeof patch === "function" ? patch(state) : patch;
      const changed = Object.keys(next || {}).filter((key) => !Object.is(next[key], state[key]));
      if (!changed.length) return state;
      const previous = state;
      state = Object.freeze({ ...state, ...next });
      for (const listener of [...listeners]) listener(state, previous, changed);
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Call listener(state, previous) when one of `keys` changes. */
    watch(keys, listener) {
      return this.subscribe((state, previous, changed) => {
        if (changed.some((key) => keys.includes(key))) listener(state, previous);
      });
    },
  };
}
