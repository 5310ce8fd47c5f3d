// Strings come from Django's JavaScript catalogue (/jsi18n/, loaded before the modules); numbers, money and dates are
// formatted with Intl in the page's language. Nothing here needs a page to load (Node's tests import it): without
// the catalogue the English text is kept, without a document the language is English.
const catalog = globalThis;

export const gettext = (text) => (typeof catalog.gettext === "function" ? catalog.gettext(text) : text);
export const ngettext = (singular, plural, count) =>
  typeof catalog.ngettext === "function" ? catalog.ngettext(singular, plural, count) : count === 1 ? singular : plural;
export const pgettext = (context, text) => (typeof catalog.pgettext === "function" ? catalog.pgettext(context, text) : text);

export function interpolate(format, values) {
  if (typeof catalog.interpolate === "function") return catalog.interpolate(format, values, !Array.isArray(values));
  if (Array.isArray(values)) { let index = 0; return format.replace(/%s/g, () => String(values[index++])); }
  return format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
}

export const language = () => globalThis.document?.documentElement?.lang || "en";
// Intl's locale for the page: the site's English is British (colour, 2 Dec 2026), as its templates write it.
const intlLocale = () => (language() === "en" ? "en-GB" : language());

export function formatMoney(amount, currency) {
  const value = Number(amount);
  if (!Number.isFinite(value)) return "";
  return new Intl.NumberFormat(intlLocale(), { style: "currency", currency: currency || "EUR" }).format(value);
}

export function formatNumber(value, digits = 1) {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits }).format(value);
}

/** The one way the site writes a date ("1 Dec 2026", "1 dic 2026"): the pages' templates use the same (DATE_FORMAT). */
export const DATE_FORMAT = Object.freeze({ day: "numeric", month: "short", year: "numeric" });

export function formatDate(isoDate, options = DATE_FORMAT) {
  if (!isoDate) return "";
  // "2026-12-01" is a calendar date: read it at noon so no time zone moves it to another day.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(isoDate) ? `${isoDate}T12:00:00` : isoDate);
  return Number.isNaN(date.getTime()) ? "" : new Intl.DateTimeFormat(intlLocale(), options).format(date);
}

export function formatDateRange(first, last) {
  const a = new Date(`${first}T12:00:00`);
  const b = new Date(`${last}T12:00:00`);
  const format = new Intl.DateTimeFormat(intlLocale(), DATE_FORMAT);
  if (Number.isNaN(a.getTime())) return "";
  if (Number.isNaN(b.getTime()) || first === last) return format.format(a);
  return format.formatRange ? format.formatRange(a, b) : `${format.format(a)} – ${format.format(b)}`;
}
