"""
The Italian pages read Italian: every page a shopper meets, walked in Chromium with an Italian browser, fails on
English words in its text, labels, titles and placeholders.

A word list, not a dictionary: common English UI words that are not also Italian words (so "design", "file",
"standard", "extra", "note", "guide", "base", "sole", "rose" and "olive" are not on it), plus an allow-list of names (brands, materials, size systems).
"""
import re
import uuid

import pytest

from tests.browser.test_shopper_journeys import BUILD_TIMEOUT_MS, FEET, wait_for_model

pytestmark = pytest.mark.slow

ENGLISH = set("""
the and with your you our from for this that these those what when where which while who will would should could
into onto about after before again also only just more most less than then there here other each every both either
yes not none all any some make made makes making get got give shown show shows showing hide see seen left right
feet foot shoe shoes insole insoles upper heel toe toes ball arch instep girth width length height size sizes fit
fits fitting fitted tight loose snug room wide narrow custom colour color material materials price prices order
orders ordered delivery delivered deliver total machine time hours print printed printing save saved saving build
built building generate queued ready failed failure error errors wrong missing required measure measured
measurements measurement measuring scan scanned scans upload uploaded triangles sign log login logout password
username account profile welcome create continue guest forgot reset send sent new old back next previous undo redo
share shared duplicate delete name named my mine choose chosen value values enter type typed typing allowed between
outside inside above below under over near along across round square almond solid lattice density thickness pattern
cushioning support cup honeycomb ribs flexible soft rigid tough sintered charcoal burgundy saffron navy chalk sand
stage viewer view reset loading version versions revision revisions preview previews check checks checked notes
help how why start started starting shop store stores find pick up pickup near nearest open opens close closed
hours inner outer side sides covered uncovered estimate estimated estimates own
""".split())
ALLOWED = {
    "sartoria", "tpu", "pla", "petg", "nylon", "pa12", "mondopoint", "eu", "uk", "us", "stl", "obj", "ply", "zip",
    "glb", "ansur", "mm", "cm", "g", "h", "min", "demo", "english", "italiano", "qr", "id", "api", "json", "png",
    "account", "password", "navy",  # Italian uses these English words ("Crea un account", "Blu navy")
}
LOANWORDS = {"check-in"}  # English compounds Italian uses as they are ("per il check-in")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# What a page says: its visible text, its title, and the names and hints given to controls.
PAGE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const node of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt], [aria-valuetext]')) {
    if (node.closest('#language-form, form[action*="i18n"]')) continue;  // the language switch names each language in its own
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext']) {
      if (node.getAttribute(name)) parts.push(node.getAttribute(name));
    }
  }
  const switcher = document.querySelector('form[action*="i18n"]');
  let text = parts.join('\\n');
  if (switcher) for (const option of switcher.querySelectorAll('option')) text = text.split(option.textContent.trim()).join(' ');
  return text;
}"""


def english_words(text: str, extra_allowed: set[str] = frozenset()) -> list[str]:
    words = []
    for match in WORD.finditer(text):
        word = re.split(r"['’]", match.group(0).lower())[-1]  # Italian elides before an apostrophe: all'accesso
        if word in LOANWORDS:
            continue
        for part in word.split("-"):
            if part in ENGLISH and part not in ALLOWED and part not in extra_allowed:
                words.append(part)
    return words


def assert_italian(page, where: str, extra_allowed: set[str] = frozenset()) -> None:
    assert page.evaluate("() => document.documentElement.lang") == "it", where
    text = page.evaluate(PAGE_TEXT)
    found = english_words(text, extra_allowed)
    lines = [line for line in text.splitlines() if english_words(line, extra_allowed)]
    assert not found, f"{where}: English words {sorted(set(found))} in:\n" + "\n".join(lines[:20])


def test_the_word_check_catches_english_and_passes_italian():
    assert english_words("Scarpe per il piede left, calzata: extra wide") == ["left", "wide"]
    assert english_words("CUSTOM-FITTED SHOE") == ["custom", "fitted", "shoe"]
    assert english_words("Scarpa su misura · TPU 95A (flessibile) · design salvato · 2.000.000 triangoli") == []
    assert english_words("Torna all'accesso, dell'arco, per il check-in") == []
    assert english_words("Check the fit notes") == ["check", "the", "fit", "notes"]


def test_every_italian_page_a_shopper_meets_is_in_italian(page_factory, screenshot):
    page = page_factory(locale="it-IT")
    name = f"giulia{uuid.uuid4().hex[:6]}"  # no English word in the name shown in the header
    for path, where in (("/", "home"), ("/accounts/login/", "log-in"), ("/accounts/signup/", "sign-up"),
                        ("/accounts/password_reset/", "password reset")):
        page.goto(path)
        assert_italian(page, where)
    page.fill("#id_email", "nessuno@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/password_reset/done/")
    assert_italian(page, "password reset sent")
    screenshot(page, "it-01-password-reset-done")

    page.goto("/accounts/signup/")
    page.fill("#id_username", name)
    page.fill("#id_email", f"{name}@example.com")
    page.fill("#id_password", "una frase lunga 42")
    page.click("button[type=submit]")
    page.wait_for_url("**/profile/")
    assert_italian(page, "profile, new")

    products = page.evaluate("() => fetch('/api/products/').then(r => r.json()).then(list => list.map(p => p.slug))")
    assert products
    for slug in products:
        page.goto(f"/configure/{slug}/")
        wait_for_model(page)
        assert_italian(page, f"studio of {slug}, before the feet")
    # a built design: fit notes, the heat map legend, figures, versions, price lines
    page.goto("/configure/shoe/")
    wait_for_model(page)
    if not page.is_visible("#m-left-length_mm"):
        page.click("#feet-toggle")
    for side, values in FEET.items():
        for field, value in values.items():
            page.fill(f"#m-{side}-{field}", str(value))
    page.click("#generate")
    page.wait_for_selector("#fit-badge:not([hidden])", timeout=BUILD_TIMEOUT_MS)
    page.wait_for_selector("#stage-progress", state="hidden", timeout=BUILD_TIMEOUT_MS)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_italian(page, "studio of shoe, built")
    screenshot(page, "it-02-studio-built")

    page.goto("/profile/")
    assert_italian(page, "profile with a design and measurements")
    screenshot(page, "it-03-profile")
    if page.goto("/stores/").status == 200:  # the store finder, once the stores app has one
        assert_italian(page, "store finder")
