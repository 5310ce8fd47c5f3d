"""customers.matching: the identity rules, without a database."""
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers import matching


def test_the_module_is_pure():
    code = "import sys, customers.matching; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_emails_match_whatever_their_case_and_spaces():
    assert matching.email_normalise("  Giulia.Rossi@Example.COM ") == "giulia.rossi@example.com"
    with pytest.raises(matching.IdentityError) as refused:
        matching.email_normalise("giulia@")
    assert refused.value.field == "email"


@pytest.mark.parametrize("typed", ["333 123 4567", "+39 333 1234567", "0039 333-123-4567", "(+39) 3331234567"])
def test_phones_become_e164(typed):
    assert matching.phone_normalise(typed) == "+393331234567"


def test_a_phone_of_another_country_keeps_its_code_and_nonsense_is_refused():
    assert matching.phone_normalise("+44 20 7946 0958") == "+442079460958"
    for bad in ("12", "abc", "+39 000"):
        with pytest.raises(matching.IdentityError):
            matching.phone_normalise(bad)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_every_issued_card_is_valid_and_every_single_mistyped_digit_is_caught(body):
    number = matching.loyalty_card_from_body(body)
    assert len(number) == matching.LOYALTY_CARD_LENGTH and matching.loyalty_card_normalise(number) == number
    assert matching.loyalty_card_normalise(matching.loyalty_card_display(number)) == number  # as printed
    for position in range(2, len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1:]
                assert matching.loyalty_card_lookup_key(typo) is None


def test_cards_of_the_earlier_loyalty_system_are_kept_as_they_are():
    assert matching.loyalty_card_normalise("4006381333931") == "4006381333931"
    assert matching.loyalty_card_lookup_key(" 77 ") == "77"
    with pytest.raises(matching.IdentityError):
        matching.loyalty_card_normalise("12ab")


def test_rules_agreeing_is_a_match_named_by_the_strongest_rule():
    decision = matching.match_decide({"phone": {5}, "crm_id": {5}, "verified_email": {5}})
    assert (decision.outcome, decision.customer_id, decision.rule) == ("matched", 5, "verified_email")


def test_two_rules_finding_two_customers_is_a_conflict_never_a_pick():
    decision = matching.match_decide({"loyalty_card": {9}, "phone": {4}})
    assert decision.outcome == "conflict" and decision.customer_id is None
    assert decision.conflicting == (4, 9) and decision.found_by == {9: ["loyalty_card"], 4: ["phone"]}


def test_an_unverified_email_counts_only_alone_and_only_with_one_holder():
    assert matching.match_decide({"email": {3}}).customer_id == 3
    assert matching.match_decide({"email": {3, 7}}).outcome == "conflict"
    # a strong rule wins over an unverified email held by someone else: that email is just shared
    assert matching.match_decide({"email": {3}, "crm_id": {8}}).customer_id == 8
    assert matching.match_decide({}).outcome == "new"


ids = st.integers(min_value=1, max_value=6)
found_sets = st.fixed_dictionaries({}, optional={rule: st.sets(ids, max_size=1) for rule in matching.RULES}
                                   | {"email": st.sets(ids, max_size=3)})


@given(found_sets)
def test_the_decision_depends_only_on_what_was_found(found):
    decision = matching.match_decide(found)
    strong = set().union(*[found.get(rule, set()) for rule in matching.RULES])
    assert matching.match_decide(dict(reversed(list(found.items())))) == decision  # order of rules given: no effect
    if len(strong) > 1:
        assert decision.outcome == "conflict" and set(decision.conflicting) == strong
    elif strong:
        assert decision.outcome == "matched" and decision.customer_id in strong
    else:
        assert decision.outcome == {0: "new", 1: "matched"}.get(len(found.get("email", set())), "conflict")


def test_import_rows_are_normalised_and_the_first_bad_field_is_named():
    row = matching.import_row_parse({"external_id": " C1 ", "email": "A@B.it", "phone": "3331234567",
                                     "marketing_email": "sì", "marketing_sms": ""}, line=2)
    assert (row.external_id, row.email, row.phone, row.marketing_email, row.marketing_sms) == (
        "C1", "a@b.it", "+393331234567", True, None)
    with pytest.raises(matching.IdentityError) as refused:
        matching.import_row_parse({"email": "ok@b.it", "marketing_sms": "maybe"}, line=3)
    assert refused.value.field == "marketing_sms"


def test_the_survivor_is_the_record_with_a_login_then_the_richer_then_the_older():
    login = matching.MergeCandidate(id=9, has_login=True, verified_emails=0, orders=0, designs=0, created_at=200)
    rich = matching.MergeCandidate(id=2, has_login=False, verified_emails=1, orders=3, designs=5, created_at=100)
    assert matching.merge_survivor_choose(rich, login) == (9, 2) == matching.merge_survivor_choose(login, rich)
    older = matching.MergeCandidate(id=7, has_login=False, verified_emails=1, orders=3, designs=5, created_at=50)
    assert matching.merge_survivor_choose(rich, older) == (7, 2)


def test_a_merge_fills_only_empty_fields():
    assert matching.merge_profile_fill({"full_name": "Giulia", "email": ""},
                                       {"full_name": "G. Rossi", "email": "g@x.it", "first_name": ""}) == {"email": "g@x.it"}
