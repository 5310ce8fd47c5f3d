// Prices, numbers and dates in the page's language, and the text fallbacks when Django's catalogue is missing.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import {
  formatDate, formatDateRange, formatMoney, formatNumber, gettext, interpolate, language, ngettext,
} from "../../static/js/studio/i18n.js";

// The page's language is <html lang>: a stand-in document for these tests.
const inLanguage = (lang) => { globalThis.document = { documentElement: { lang } }; };
const zone = process.env.TZ;
afterEach(() => {
  delete globalThis.document;
  if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone;
});

// Intl puts no-break and thin spaces around the euro sign and the dash; compare the visible characters.
const plain = (text) => text.replace(/\s/g, " ");

test("without a document the language is English", () => {
  assert.equal(language(), "en");
  inLanguage("it");
  assert.equal(language(), "it");
});

test("a price in euros reads as the page's language writes it", () => {
  inLanguage("en");
  assert.equal(formatMoney(204, "EUR"), "€204.00");
  inLanguage("it");
  assert.equal(plain(formatMoney("189.5", "EUR")), "189,50 €");
  assert.equal(formatMoney("not a number", "EUR"), "");
  assert.equal(formatMoney(undefined, "EUR"), "");
});

test("numbers keep at most the digits asked for, with the language's decimal mark", () => {
  inLanguage("en");
  assert.equal(formatNumber(262.25), "262.3");
  assert.equal(formatNumber(269.4, 0), "269");
  inLanguage("it");
  assert.equal(formatNumber(17.5), "17,5");
});

test("a calendar date stays on its day in every time zone", () => {
  inLanguage("en-GB");
  for (const tz of ["Pacific/Kiritimati", "America/Adak", "UTC"]) {
    process.env.TZ = tz;
    assert.equal(formatDate("2026-12-01"), "1 Dec 2026", tz);
    assert.equal(formatDateRange("2026-12-10", "2026-12-10"), "10 Dec 2026", tz);
  }
});

test("a delivery window names both days in the one date format of the page, in Italian too", () => {
  inLanguage("en-GB");
  // ICU versions differ on repeating the month and year; the days, month and year are what the customer reads.
  assert.match(plain(formatDateRange("2026-12-10", "2026-12-14")), /^10( Dec( 2026)?)? ?– ?14 Dec 2026$/);
  assert.equal(formatDate("2026-12-14"), "14 Dec 2026"); // the same format as a measurement set's date
  inLanguage("it");
  assert.match(plain(formatDateRange("2026-12-10", "2026-12-14")), /^10( dic( 2026)?)? ?– ?14 dic 2026$/);
  assert.equal(formatDateRange("someday", "2026-12-14"), "");
  assert.equal(formatDate(""), "");
});

test("without Django's catalogue the English text is kept and placeholders are filled", () => {
  assert.equal(gettext("Saved"), "Saved");
  assert.equal(ngettext("%(min)s day", "%(min)s days", 1), "%(min)s day");
  assert.equal(ngettext("%(min)s day", "%(min)s days", 3), "%(min)s days");
  assert.equal(interpolate("Saved as version %(number)s", { number: 4 }), "Saved as version 4");
  assert.equal(interpolate("%s of %s", [1, 2]), "1 of 2");
});

test("with Django's catalogue its translations are used", () => {
  globalThis.gettext = (text) => ({ Saved: "Salvato" }[text] ?? text);
  try {
    assert.equal(gettext("Saved"), "Salvato");
  } finally {
    delete globalThis.gettext;
  }
});
