// Price and delivery of what the customer sees, asked of POST /api/quote/ a moment after each change; only the
// answer to the latest question is shown.
import { api, ApiError } from "./api.js";
import { el } from "./controls.js";
import { formatDateRange, formatMoney, gettext as _, interpolate, ngettext } from "./i18n.js";

const QUOTE_DEBOUNCE_MS = 150;

export function setupQuote(ctx) {
  const { ui, store, product, data } = ctx;
  let timer = null;
  const setQuote = (patch) => store.set({ quote: { ...store.state.quote, ...patch } });

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(load, QUOTE_DEBOUNCE_MS);
  }

  async function load() {
    if (store.state.quote.unavailable) return;
    const seq = store.state.quote.seq + 1;
    setQuote({ seq });
    const { priceNode } = ui;
    priceNode.setAttribute("aria-busy", "true");
    try {
      const { options, side } = store.state;
      const quote = await api("POST", "/api/quote/", { product: product.slug, parameters: { ...options }, side });
      if (seq !== store.state.quote.seq) return;
      setQuote({ data: quote });
      render();
    } catch (error) {
      if (seq !== store.state.quote.seq) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        setQuote({ unavailable: true }); // no quotes on this server: show no price rather than a wrong one
        ui.footer.querySelector(".quote").hidden = true;
      } else if (error instanceof ApiError && error.status === 400) {
        priceNode.replaceChildren(el("span", { class: "price-label", text: _("Price") }), el("span", { class: "price-amount muted", text: "—" }));
      }
    } finally {
      if (seq === store.state.quote.seq) priceNode.removeAttribute("aria-busy");
    }
  }

  function render() {
    const quote = store.state.quote.data;
    if (!quote) return;
    const currency = quote.price?.currency || data.currency || "EUR";
    ui.priceNode.replaceChildren(
      el("span", { class: "price-label", text: _("Price") }),
      el("span", { class: "price-amount", id: "price-amount", text: formatMoney(quote.price?.amount, currency) }));
    const delivery = quote.delivery;
    const { deliveryNode } = ui;
    if (delivery?.earliest) {
      deliveryNode.textContent = interpolate(_("Delivered %(dates)s"), { dates: formatDateRange(delivery.earliest, delivery.latest || delivery.earliest) });
      deliveryNode.title = interpolate(ngettext("%(min)s–%(max)s working day", "%(min)s–%(max)s working days", delivery.days_max || 0),
        { min: delivery.days_min, max: delivery.days_max });
    } else if (delivery?.days_min != null) {
      deliveryNode.textContent = interpolate(_("Delivered in %(min)s–%(max)s days"), { min: delivery.days_min, max: delivery.days_max });
    }
    const lines = quote.lines || [];
    ui.breakdown.hidden = !lines.length;
    document.getElementById("price-lines").replaceChildren(...lines.map((line) => el("li", {},
      el("span", { text: line.label }), el("span", { text: formatMoney(line.amount, currency) }))));
  }

  return { schedule };
}
