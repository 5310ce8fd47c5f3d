"""
Identity matching for the golden record: pure functions over plain values (no Django, no database).

The rules, in order of precedence (docs/readme/golden-record.md):

1. a verified email (case-insensitive) names one customer;
2. a loyalty card number (digits only, check digit valid);
3. a phone number (E.164, through the `phonenumbers` library);
4. an external CRM id.

Every rule that finds someone must find the *same* customer; two rules finding two customers is a conflict that
staff resolve (a merge suggestion), never a silent merge. Only when none of them finds anyone does an unverified
email count, and only when exactly one customer holds it (several holders: a conflict between them).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers

RULES = ("verified_email", "loyalty_card", "phone", "crm_id")
FALLBACK_RULE = "email"
DEFAULT_PHONE_REGION = "IT"
LOYALTY_CARD_PREFIX = "27"
LOYALTY_CARD_LENGTH = 13  # prefix + 10 random digits + a Luhn check digit
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS = {"1", "true", "yes", "y", "si", "sì", "x", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off"}
IMPORT_COLUMNS = ("external_id", "email", "phone", "loyalty_card", "first_name", "last_name", "marketing_email",
                  "marketing_sms")


class IdentityError(ValueError):
    """A value that cannot be an identity; `field` and `reason` say which and why (English, for logs and import)."""

    def __init__(self, field: str, value: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.value, self.reason = field, value, reason


def email_normalise(value: str) -> str:
    """An email as matched: trimmed and lower-cased. Raises IdentityError when it is not an address."""
    email = (value or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 200:
        raise IdentityError("email", value, f"{value!r} is not an email address (name@domain.tld)")
    return email


def phone_normalise(value: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone number in E.164 (+393331234567); a number without country code is read as `region`'s."""
    text = (value or "").strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise IdentityError("phone", value, f"{value!r} is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise IdentityError("phone", value, f"{value!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that makes `body` + digit valid (catches every single mistyped digit and most swaps)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled: the check digit will sit to the right of this one
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def loyalty_card_from_body(body: str) -> str:
    """A card number from its 10 random digits: prefix, body, check digit."""
    if len(body) != LOYALTY_CARD_LENGTH - len(LOYALTY_CARD_PREFIX) - 1 or not body.isdigit():
        raise ValueError("the card body is 10 digits")
    number = LOYALTY_CARD_PREFIX + body
    return number + luhn_check_digit(number)


def loyalty_card_normalise(value: str) -> str:
    """A card number as matched: digits only (spaces and dashes as printed are dropped). Our cards (13 digits
    starting 27) must have a valid check digit; other numbers of 8 to 20 digits are cards of the retailer's
    earlier loyalty system, brought in by the import, and kept as they are."""
    number = re.sub(r"[\s-]", "", str(value or ""))
    if not number.isdigit() or not 8 <= len(number) <= 20:
        raise IdentityError("loyalty_card", value, f"{value!r} is not a card number (8 to 20 digits)")
    ours = len(number) == LOYALTY_CARD_LENGTH and number.startswith(LOYALTY_CARD_PREFIX)
    if ours and luhn_check_digit(number[:-1]) != number[-1]:
        raise IdentityError("loyalty_card", value, f"{value!r} has a wrong check digit (a digit is mistyped)")
    return number


def loyalty_card_lookup_key(value: str) -> str | None:
    """What a typed or scanned card is looked up by: printed spaces and dashes dropped; None when it cannot be a
    card (not digits, or one of ours with a wrong check digit, so a mistyped digit never finds someone else)."""
    number = re.sub(r"[\s-]", "", str(value or ""))
    if not number.isdigit() or len(number) > 40:
        return None
    ours = len(number) == LOYALTY_CARD_LENGTH and number.startswith(LOYALTY_CARD_PREFIX)
    if ours and luhn_check_digit(number[:-1]) != number[-1]:
        return None
    return number


def loyalty_card_display(number: str) -> str:
    """As printed on the card: 27 1234 5678 901 6 is easier to read aloud than 13 digits."""
    return " ".join([number[:2], number[2:6], number[6:10], number[10:]])


def flag_parse(value, *, field: str) -> bool | None:
    """A yes/no column: 1/0, true/false, yes/no, sì/no; empty means "not said" (None)."""
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word == "":
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise IdentityError(field, value, f"{value!r} is not yes or no (allowed: 1/0, true/false, yes/no)")


@dataclass(frozen=True)
class ImportRow:
    """One import line, normalised; empty identities are None."""

    line: int
    external_id: str | None
    email: str | None
    phone: str | None
    loyalty_card: str | None
    first_name: str
    last_name: str
    marketing_email: bool | None
    marketing_sms: bool | None


def import_row_parse(row: Mapping, *, line: int) -> ImportRow:
    """Normalise one CSV/JSON row; raises IdentityError naming the first bad field."""
    def text(name: str, limit: int) -> str:
        value = row.get(name)
        value = "" if value is None else str(value).strip()
        if len(value) > limit:
            raise IdentityError(name, value, f"longer than {limit} characters")
        return value

    external_id, email, phone, card = text("external_id", 200), text("email", 200), text("phone", 40), text("loyalty_card", 40)
    parsed = ImportRow(
        line=line,
        external_id=external_id or None,
        email=email_normalise(email) if email else None,
        phone=phone_normalise(phone) if phone else None,
        loyalty_card=loyalty_card_normalise(card) if card else None,
        first_name=text("first_name", 150),
        last_name=text("last_name", 150),
        marketing_email=flag_parse(row.get("marketing_email"), field="marketing_email"),
        marketing_sms=flag_parse(row.get("marketing_sms"), field="marketing_sms"),
    )
    if not (parsed.external_id or parsed.email or parsed.phone or parsed.loyalty_card):
        raise IdentityError("external_id", "", "the row has no identity (external_id, email, phone or loyalty_card)")
    return parsed


@dataclass(frozen=True)
class MatchDecision:
    """What the rules say about one incoming set of identities.

    outcome: "new" (nobody), "matched" (customer_id, found by `rule`) or "conflict" (the customers in `conflicting`,
    two or more, each with the rules that found it in `found_by`).
    """

    outcome: str
    customer_id: int | None = None
    rule: str | None = None
    conflicting: tuple[int, ...] = ()
    found_by: dict = field(default_factory=dict)


def match_decide(found: Mapping[str, Iterable[int]]) -> MatchDecision:
    """
    Apply the rules to what each identity found: {"verified_email": {12}, "phone": {12}, "email": {3, 7}, ...}.

    Rules absent or empty found nobody. Deterministic: the answer depends only on the sets, never on id order
    (conflicting ids are sorted only to be reported the same way every time).
    """
    found_by: dict[int, list[str]] = {}
    for rule in RULES:
        for customer_id in set(found.get(rule) or ()):
            found_by.setdefault(customer_id, []).append(rule)
    if len(found_by) == 1:
        (customer_id, rules), = found_by.items()
        return MatchDecision("matched", customer_id, rules[0], found_by={customer_id: rules})
    if len(found_by) > 1:
        return MatchDecision("conflict", conflicting=tuple(sorted(found_by)), found_by=found_by)
    holders = set(found.get(FALLBACK_RULE) or ())
    if len(holders) == 1:
        customer_id = next(iter(holders))
        return MatchDecision("matched", customer_id, FALLBACK_RULE, found_by={customer_id: [FALLBACK_RULE]})
    if len(holders) > 1:
        return MatchDecision("conflict", conflicting=tuple(sorted(holders)),
                             found_by={customer_id: [FALLBACK_RULE] for customer_id in holders})
    return MatchDecision("new")


@dataclass(frozen=True)
class MergeCandidate:
    """What decides which of two records survives a merge."""

    id: int
    has_login: bool  # a user with a usable password (not a guest)
    verified_emails: int
    orders: int
    designs: int
    created_at: float  # POSIX seconds


def merge_survivor_choose(first: MergeCandidate, second: MergeCandidate) -> tuple[int, int]:
    """(survivor id, merged id): the record with a login, then a verified email, then more orders, more designs,
    then the older one. Only equal in all of these does the id decide (so the answer is always the same)."""
    def rank(candidate: MergeCandidate):
        return (not candidate.has_login, -candidate.verified_emails, -candidate.orders, -candidate.designs,
                candidate.created_at, candidate.id)

    survivor, merged = sorted([first, second], key=rank)
    return survivor.id, merged.id


PROFILE_FIELDS = ("full_name", "first_name", "last_name", "email")


def merge_profile_fill(survivor: Mapping[str, str], merged: Mapping[str, str]) -> dict[str, str]:
    """The survivor's empty profile fields that the merged record fills: {field: value}. Nothing is overwritten."""
    return {name: merged[name] for name in PROFILE_FIELDS if not survivor.get(name) and merged.get(name)}


def suggestion_pair(a: int, b: int) -> tuple[int, int]:
    """A merge suggestion names its pair smaller id first, so the same two records give one suggestion."""
    if a == b:
        raise ValueError("a suggestion needs two different customers")
    return (a, b) if a < b else (b, a)
