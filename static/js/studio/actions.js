// Design actions in the panel's header: rename, duplicate, share a link, delete (after a confirming dialog).
// They need a saved design, so their buttons wait for the first revision request to create it.
import { api } from "./api.js";
import { el } from "./controls.js";
import { gettext as _ } from "./i18n.js";

export function setupActions(ctx) {
  const { ui, store, data } = ctx;
  let dialog = null;

  function render() {
    for (const button of [ui.duplicateButton, ui.shareButton, ui.deleteButton]) button.disabled = !store.state.design;
  }

  async function rename() {
    const name = ui.nameInput.value.trim();
    const { design } = store.state;
    if (!design) return; // used when the design is created
    try {
      const updated = await api("PATCH", `/api/designs/${design.id}/`, { name });
      store.set({ design: { ...store.state.design, name: updated.name } });
      ctx.messages.announce(_("Name saved"));
    } catch (error) {
      ctx.messages.showError(error, { general: true });
    }
  }

  async function duplicate() {
    const { design } = store.state;
    if (!design) return;
    try {
      const copy = await api("POST", `/api/designs/${design.id}/duplicate/`);
      const url = new URL(location.href);
      url.searchParams.set("design", String(copy.id));
      location.assign(url);
    } catch (error) {
      ctx.messages.showError(error.status === 404 ? _("Duplicating is not available yet.") : error, { general: true });
    }
  }

  async function share() {
    const { design } = store.state;
    if (!design) return;
    const { shareBox } = ui;
    shareBox.hidden = false;
    shareBox.replaceChildren(el("p", { role: "status", text: _("Creating a link…") }));
    try {
      // the link shows the version on screen (else the newest finished one), not whatever is built later
      const shown = ctx.stage.shownRevision();
      const { url } = await api("POST", `/api/designs/${design.id}/share/`, shown?.status === "done" ? { revision: shown.id } : {});
      const absolute = new URL(url, location.origin).href;
      let copied = false;
      try { await navigator.clipboard.writeText(absolute); copied = true; } catch (error) { copied = false; }
      const input = el("input", { type: "text", readonly: true, value: absolute, id: "share-url", "aria-label": _("Link to your design") });
      const stop = el("button", { type: "button", class: "link-button", id: "share-stop", text: _("Stop sharing") });
      stop.addEventListener("click", () => unshare(design));
      shareBox.replaceChildren(
        el("label", { for: "share-url", class: "control-label", text: _("Link to your design") }), input,
        el("p", { role: "status", class: "hint", text: copied ? _("Copied to the clipboard.") : _("Copy this link to share your design.") }),
        el("p", { class: "hint", text: _("The link shows this version's model and pictures, never your feet.") }, " ", stop));
      input.addEventListener("focus", () => input.select());
      if (!copied) input.focus();
    } catch (error) {
      shareBox.replaceChildren(el("p", { class: "error", role: "alert", text: error.status === 404 ? _("Sharing is not available yet.") : ctx.messages.errorMessage(error) }));
    }
  }

  async function unshare(design) {
    const { shareBox } = ui;
    try {
      await api("DELETE", `/api/designs/${design.id}/share/`);
      shareBox.replaceChildren(el("p", { role: "status", class: "hint", text: _("The link no longer works. Sharing again makes a new one.") }));
    } catch (error) {
      shareBox.replaceChildren(el("p", { class: "error", role: "alert", text: ctx.messages.errorMessage(error) }));
    }
  }

  function remove() {
    if (!store.state.design) return;
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("[value=cancel]").focus();
  }

  /** The confirming dialog, at the end of the page; the buttons follow whether a design exists. */
  function mount() {
    dialog = el("dialog", { class: "dialog", id: "delete-dialog", "aria-labelledby": "delete-title" },
      el("h2", { id: "delete-title", text: _("Delete this design?") }),
      el("p", { text: _("Its versions are deleted too. Orders already placed are kept.") }),
      el("form", { method: "dialog", class: "dialog-actions" },
        el("button", { value: "cancel", class: "button secondary", text: _("Cancel") }),
        el("button", { value: "delete", class: "button danger", text: _("Delete") })));
    document.body.append(dialog);
    dialog.addEventListener("close", async () => {
      const { design } = store.state;
      if (dialog.returnValue !== "delete" || !design) { ui.deleteButton.focus(); return; }
      try {
        await api("DELETE", `/api/designs/${design.id}/`);
        location.assign(data.urls?.profile || "/profile/");
      } catch (error) {
        ctx.messages.showError(error.status === 404 || error.status === 405 ? _("Deleting is not available yet.") : error, { general: true });
      }
    });
    store.watch(["design"], render);
  }

  return { render, rename, duplicate, share, remove, mount };
}
