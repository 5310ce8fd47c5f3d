// Undo / redo over snapshots of the option state. push() after each committed change; equal snapshots are not stacked.
export class History {
  constructor(initial, limit = 100) {
    this.stack = [JSON.stringify(initial)];
    this.index = 0;
    this.limit = limit;
  }

  push(state) {
    const snapshot = JSON.stringify(state);
    if (snapshot === this.stack[this.index]) return false;
    this.stack = this.stack.slice(0, this.index + 1);
    this.stack.push(snapshot);
    if (this.stack.length > this.limit) this.stack.shift();
    this.index = this.stack.length - 1;
    return true;
  }

  get canUndo() { return this.index > 0; }
  get canRedo() { return this.index < this.stack.length - 1; }

  undo() {
    if (!this.canUndo) return null;
    this.index -= 1;
    return JSON.parse(this.stack[this.index]);
  }

  redo() {
    if (!this.canRedo) return null;
    this.index += 1;
    return JSON.parse(this.stack[this.index]);
  }
}
