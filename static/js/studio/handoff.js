// Live hand-off between the customer's phone and the store's tablet on the same design.
//
// Both open the design's progress socket with ?presence=1. Every revision request is announced on it at once with
// who asked (requested_by: {channel, name}), when (requested_at) and whether it was this person (mine). A request
// someone else made shows here too: its options, feet and model, with "Changed in store by <name>". Who else has
// the design open ("who is looking") comes over the same socket. When both change at once the newest request wins:
// each screen follows the request with the latest requested_at it has heard of, so both end on the same one.
//
// Hooks for tests: #handoff has data-changed-by (the last other person's name), data-revision (the revision taken
// over), data-viewers (JSON of the other people looking).
import { api } from "./api.js";
import { gettext as _, interpolate } from "./i18n.js";

const OWN_SETTLE_MS = 1200; // our own request's answer normally arrives well before this
// Someone else's change is shown after this pause, unless a newer request (ours, made at the same moment) is heard
// meanwhile: the screen goes straight to the winner instead of flashing the loser first.
const OTHERS_SETTLE_MS = 250;

export function changedByText(requestedBy) {
  const name = requestedBy?.name || "";
  if (requestedBy?.channel === "store") return interpolate(_("Changed in store by %(name)s"), { name });
  if (requestedBy?.channel === "app") return interpolate(_("Changed in the app by %(name)s"), { name });
  return interpolate(_("Changed online by %(name)s"), { name });
}

export function lookingText(viewers) {
  const others = viewers.filter((viewer) => !viewer.you);
  if (!others.length) return "";
  const names = others.map((viewer) => (viewer.channel === "store"
    ? interpolate(_("%(name)s (in store%(store)s)"), { name: viewer.name, store: viewer.store ? `, ${viewer.store}` : "" })
    : viewer.name));
  return interpolate(_("Also looking: %(names)s"), { names: names.join(", ") });
}

export function setupHandoff(ctx) {
  const { store } = ctx;
  const time = (iso) => { const value = Date.parse(iso || ""); return Number.isNaN(value) ? 0 : value; };
  let newest = time(store.state.latestRevision?.requested_at);
  let following = null; // a revision being fetched to be shown
  const box = document.createElement("div");
  box.id = "handoff";
  box.className = "handoff";
  const looking = document.createElement("p");
  looking.className = "handoff-looking";
  looking.hidden = true;
  const changed = document.createElement("p");
  changed.className = "handoff-changed";
  changed.setAttribute("role", "status");
  changed.setAttribute("aria-live", "polite");
  changed.hidden = true;
  box.append(looking, changed);
  const mount = () => { if (!box.isConnected) (ctx.ui.head || ctx.ui.root).prepend(box); }; // after the layout is built

  function showChangedBy(requestedBy, revisionId) {
    changed.textContent = changedByText(requestedBy);
    changed.hidden = false;
    box.dataset.changedBy = requestedBy?.name || "";
    box.dataset.revision = String(revisionId);
  }

  async function follow(event) {
    if (following === event.revision) return;
    following = event.revision;
    try {
      const revision = await api("GET", `/api/revisions/${event.revision}/`);
      if (time(revision.requested_at || event.requested_at) < newest) return; // something newer came meanwhile
      await ctx.versions.restore(revision);
      if (!event.mine) showChangedBy(event.requested_by, revision.id);
      ctx.messages.announce(event.mine ? _("Your latest change is shown") : changedByText(event.requested_by));
    } catch (error) {
      // gone or no longer ours to see (checked out): the socket closes by itself
    } finally {
      if (following === event.revision) following = null;
    }
  }

  function onEvent(event) {
    mount();
    if (event.type === "presence") {
      const others = (event.viewers || []).filter((viewer) => !viewer.you);
      looking.textContent = lookingText(event.viewers || []);
      looking.hidden = !others.length;
      box.dataset.viewers = JSON.stringify(others.map((viewer) => viewer.name));
      return;
    }
    if (!event.requested_by || event.revision == null || event.status === "superseded") return;
    const at = time(event.requested_at);
    if (at < newest) return; // an older request than one already heard of: the newest wins
    newest = at;
    if (event.revision === store.state.latestRequested) {
      // what was on screen already when the page opened (a snapshot) is not news; our own change clears the note
      if (event.mine) changed.hidden = true;
      else if (!event.snapshot && box.dataset.revision !== String(event.revision)) showChangedBy(event.requested_by, event.revision);
      return;
    }
    if (!event.mine) {
      setTimeout(() => { if (time(event.requested_at) === newest) follow(event); }, OTHERS_SETTLE_MS);
      return;
    }
    // Our own request, not (yet) the one on screen: usually its answer is on its way; if it never lands (a change
    // from the other screen arrived first and took over), show it once it is clearly the newest.
    setTimeout(() => {
      if (time(event.requested_at) === newest && store.state.latestRequested !== event.revision && !ctx.revisions.pending()) {
        follow(event);
      }
    }, OWN_SETTLE_MS);
  }

  /** Open the socket as soon as the design exists, so presence and others' changes arrive before any edit. */
  function start() {
    mount();
    const channel = ctx.revisions.channel();
    if (channel) channel.open();
  }

  return { onEvent, start };
}
