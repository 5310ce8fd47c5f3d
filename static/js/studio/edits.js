// The customer's edits: an option changed, the feet to build, undo and redo (buttons and Ctrl/Cmd+Z). A live
// option (colour, material) shows at once and is saved after a pause; any other change asks for a new build.
import { gettext as _ } from "./i18n.js";

export function setupEdits(ctx) {
  const { ui, store, optionList, history } = ctx;

  function onOptionChange(option, value, commit) {
    const { options } = store.state;
    if (options[option.name] === value && !commit) return;
    const changed = options[option.name] !== value;
    store.set({ options: { ...options, [option.name]: value } });
    ui.controls[option.name]?.setError?.(null);
    if (changed) {
      if (option.live) {
        ctx.stage.applyLive(option, value);
        ctx.revisions.scheduleLiveSave();
      } else {
        markChange();
        ctx.revisions.schedule();
      }
      ctx.quote.schedule();
      ctx.order.render();
    }
    // Let go of a slider, Enter in a field, a button pressed: the customer has decided, so ask now; only the
    // changes in between (dragging, typing) wait for the debounce.
    if (commit && !option.live && ctx.revisions.geometryPending()) ctx.revisions.request({ reason: "geometry" });
    if (commit) commitHistory();
  }

  // A change of geometry: numbered, so the benchmarks can time it to the model that shows it.
  function markChange() {
    const changeCount = store.state.changeCount + 1;
    store.set({ changeCount, pendingChanges: [...store.state.pendingChanges, changeCount] });
    performance.mark(`sartoria:change-requested:${changeCount}`);
  }

  function setSide(value, { commit }) {
    if (store.state.side === value) return;
    store.set({ side: value });
    if (value !== "both") showSide(value);
    markChange();
    ctx.revisions.schedule();
    ctx.quote.schedule();
    if (commit) commitHistory();
    ctx.feet.updateRequired();
  }

  // Making shoes for one foot shows that foot.
  function showSide(value) {
    store.set({ viewSide: value });
    ui.footSideControl.set(value);
  }

  function commitHistory() {
    history.push(ctx.snapshot());
    renderUndo();
  }

  function applySnapshot(next) {
    const before = ctx.geometry();
    for (const option of optionList) {
      const value = next.options[option.name] ?? option.default;
      if (store.state.options[option.name] === value) continue;
      store.set({ options: { ...store.state.options, [option.name]: value } });
      ui.controls[option.name]?.set(value);
      if (option.live) ctx.stage.applyLive(option, value);
    }
    if (next.side && next.side !== store.state.side) {
      store.set({ side: next.side });
      ui.sideControl.set(next.side);
      ui.sideSelect.value = next.side;
      if (next.side !== "both") showSide(next.side);
    }
    if (ctx.geometry() !== before) {
      markChange();
      ctx.revisions.schedule();
    } else {
      ctx.revisions.scheduleLiveSave();
    }
    ctx.quote.schedule();
    ctx.order.render();
    renderUndo();
  }

  function undo() {
    const previous = history.undo();
    if (previous) { applySnapshot(previous); ctx.messages.announce(_("Undone")); }
  }

  function redo() {
    const next = history.redo();
    if (next) { applySnapshot(next); ctx.messages.announce(_("Redone")); }
  }

  function renderUndo() {
    ui.undoButton.disabled = !history.canUndo;
    ui.redoButton.disabled = !history.canRedo;
  }

  function listenForShortcuts() {
    document.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const target = event.target;
      const editing = target.isContentEditable || target.tagName === "TEXTAREA" ||
        (target.tagName === "INPUT" && ["text", "number", "search", "email", "url"].includes(target.type));
      if (editing) return; // the field's own undo
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
      else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
    });
  }

  return { onOptionChange, markChange, setSide, commitHistory, undo, redo, renderUndo, listenForShortcuts };
}
