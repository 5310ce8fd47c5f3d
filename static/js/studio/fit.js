// Fit: the verdict badge over the stage, the fit notes, the clearance map and the measured figures of the built
// shoe in the panel, and the foot shown inside the shoe (the built one, or the avatar of the measurements in use).
import { el } from "./controls.js";
import { formatNumber, gettext as _, interpolate } from "./i18n.js";
import { revisionFile } from "./rules.js";

const VERDICTS = {
  fits: { tone: "good", icon: "✓", label: () => _("Fits well") },
  tight: { tone: "warn", icon: "!", label: () => _("Tight") },
  loose: { tone: "warn", icon: "!", label: () => _("Loose") },
  tight_and_loose: { tone: "bad", icon: "✕", label: () => _("Tight and loose") },
};

// The heat map's colours (geometry/fit/heatmap.py: heat_rgb at -2.75, 1.75 and 11.5 mm, where its legend named them, and
// OUTSIDE_COLOUR), named in the reader's language.
const LEGEND = [
  ["tight", "rgb(193 30 30)", () => _("tight")],
  ["snug", "rgb(99 183 108)", () => _("snug")],
  ["room", "rgb(60 128 187)", () => _("room")],
  ["not-covered", "rgb(214 196 180)", () => _("not covered")],
];

export function setupFit(ctx) {
  const { ui, store, data } = ctx;

  function render() {
    const { latestRevision, viewSide } = store.state;
    const revision = ctx.stage.shownRevision() || (latestRevision?.status === "done" ? latestRevision : null);
    const badge = document.getElementById("fit-badge");
    const sides = revision?.report?.sides || {};
    const side = sides[viewSide] ? viewSide : Object.keys(sides)[0];
    const report = side ? sides[side] : null;
    const fit = report?.fit;
    const { fitSection, fitBody } = ui;
    if (!report) {
      badge.hidden = true;
      fitSection.details.hidden = true;
      return;
    }
    fitSection.details.hidden = false;
    fitBody.replaceChildren();
    const sideName = side === "left" ? _("Left foot") : _("Right foot");
    if (fit && VERDICTS[fit.verdict]) {
      const look = VERDICTS[fit.verdict];
      badge.hidden = false;
      badge.className = `fit-badge fit-${look.tone}`;
      badge.dataset.verdict = fit.verdict;
      badge.replaceChildren(el("span", { class: "fit-icon", "aria-hidden": "true", text: look.icon }), el("span", { text: `${look.label()} · ${sideName}` }));
      const messages = (fit.messages || []).filter((message) => !message.side || message.side === side);
      fitBody.append(
        el("p", { class: `fit-verdict fit-${look.tone}` }, el("span", { class: "fit-icon", "aria-hidden": "true", text: look.icon }),
          el("strong", { text: look.label() }), el("span", { text: ` · ${sideName}` })),
        messages.length ? el("ul", { class: "fit-messages" }, messages.map((message) => el("li", { "data-code": message.code, "data-region": message.region || "", text: message.text }))) : null);
      const fitPng = revisionFile(revision, side, (file) => file.name === "fit.png");
      if (fitPng) {
        // The picture has no words (one picture for every language): its views and colours are named here.
        const shoe = ctx.product.slug === "shoe";
        fitBody.append(el("figure", { class: "fit-map" }, el("img", { src: fitPng.url, loading: "lazy",
          alt: interpolate(_("Clearance map of the %(side)s: where the shoe is tight or loose."), { side: sideName.toLowerCase() }) }),
          el("figcaption", {},
            el("span", { text: _("Clearance between your foot and the shoe") }), el("br"),
            el("span", { class: "hint", text: shoe ? _("Above: seen from above. Below: seen from the outer side.") : _("Above: seen from above. Below: seen from the inner side.") }),
            el("ul", { class: "fit-legend", id: "fit-legend" }, LEGEND.map(([key, colour, label]) =>
              el("li", { "data-legend": key }, el("span", { class: "fit-swatch", style: `background: ${colour}`, "aria-hidden": "true" }), el("span", { text: label() })))))));
      }
    } else {
      badge.hidden = true;
    }
    // Measured figures of the built shoe.
    const figures = [];
    const total = report.printability?.total;
    if (report.length_mm) figures.push([_("Length"), `${formatNumber(report.length_mm)} mm`]);
    if (total?.grams) figures.push([_("Weight"), `${formatNumber(total.grams, 0)} g`]);
    if (total?.print_minutes) {
      const hours = Math.floor(total.print_minutes / 60);
      const minutes = Math.round(total.print_minutes % 60);
      figures.push([_("Print time"), interpolate(_("%(h)s h %(m)s min"), { h: hours, m: minutes })]);
    }
    if (figures.length) {
      fitBody.append(el("dl", { class: "figures" }, figures.map(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })])));
    }
  }

  // The foot to show: the built revision's (placed in the shoe, coloured by clearance), else the avatar of the
  // measurement set in use, when the server offers one.
  function footUrl() {
    const { viewSide, measurementSet } = store.state;
    const revision = ctx.stage.shownRevision();
    const built = revision && revisionFile(revision, viewSide, (file) => file.name === "foot.glb");
    if (built) return built.url;
    const set = (data.measurement_sets || []).find((item) => item.id === measurementSet);
    return set?.foot_urls?.[viewSide] || null;
  }

  function syncFoot() {
    const { viewer } = ctx;
    const url = footUrl();
    ui.footButton.disabled = !url;
    ui.footButton.title = url ? "" : _("The foot appears once your design is built with your measurements.");
    if (!url && viewer?.footShown) viewer.showFoot(null, false);
    if (url && ui.footButton.getAttribute("aria-pressed") === "true") viewer?.showFoot(url, true);
  }

  async function toggleFoot() {
    const pressed = ui.footButton.getAttribute("aria-pressed") !== "true";
    ui.footButton.setAttribute("aria-pressed", String(pressed));
    const url = footUrl();
    if (!ctx.viewer || !url) return;
    await ctx.viewer.showFoot(url, pressed);
  }

  return { render, syncFoot, toggleFoot };
}
