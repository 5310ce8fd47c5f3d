// Ordering: the button and the note under the price. A design is ordered as built and checked, so the button waits
// for the latest revision to match what the customer sees; a guest is asked to sign up first.
import { gettext as _ } from "./i18n.js";
import { orderStatus } from "./rules.js";

const NOTES = {
  "needs-feet": () => _("Enter your measurements to order."),
  building: () => _("Finishing your design…"),
  "check-fit": () => _("Check the fit notes before you order."),
  ready: () => "",
  failed: () => _("Change the options to build a version that can be ordered."),
  "build-first": () => _("We build it first, so you can check the fit."),
};

export function setupOrder(ctx) {
  const { ui, store, data } = ctx;

  function ready() {
    const { latestRevision: revision, latestRequested } = store.state;
    return Boolean(revision && revision.status === "done" && revision.id === latestRequested && ctx.matches(revision));
  }

  function render() {
    const { orderButton, orderNote } = ui;
    if (data.user?.is_guest) {
      orderButton.disabled = false;
      orderButton.textContent = _("Sign up to order");
      orderButton.onclick = () => { location.href = data.urls?.signup || "/accounts/signup/"; };
      return;
    }
    if (orderNote.dataset.order) return; // placed: the note says so
    const { latestRevision: revision, latestRequested, viewSide } = store.state;
    const isReady = ready();
    const status = orderStatus({
      guest: false,
      feetComplete: ctx.feetComplete(),
      building: (revision && ["queued", "running"].includes(revision.status) && revision.id === latestRequested) || ctx.revisions.pending(),
      ready: isReady,
      failedHere: revision?.status === "failed" && ctx.matches(revision),
      fit: isReady ? revision.report?.sides?.[viewSide]?.fit : null,
    });
    orderButton.disabled = status.disabled;
    orderNote.textContent = NOTES[status.note]();
  }

  async function place() {
    const { orderButton, orderNote } = ui;
    if (!ready()) {
      orderButton.disabled = true;
      orderNote.textContent = _("Building it now: check the fit, then order.");
      await ctx.revisions.request({ immediate: true, reason: "order" });
      return;
    }
    const { latestRevision: revision, design } = store.state;
    // the checkout reviews what is bought (pictures, size, fit, price lines), asks for delivery and takes payment
    location.href = `/checkout/${design.id}/?revision=${revision.id}`;
  }

  return { render, place };
}
