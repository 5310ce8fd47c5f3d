"""Golden-record data the tests share: two records to merge, a merge to undo."""
from customers.models import Customer, MergeSuggestion
from customers.services import customer_merge, loyalty_card_issue, merge_suggestion_create


def golden_record_world() -> tuple[MergeSuggestion, object]:
    """An open merge suggestion between two records, and a merge (of two others) that can be undone."""
    first, second, kept, merged = (Customer.objects.create(full_name=name) for name in ("Ada A", "Ada B", "Bea", "Bea 2"))
    for customer in (first, second, kept, merged):
        loyalty_card_issue(customer=customer)
    suggestion = merge_suggestion_create(first_id=first.pk, second_id=second.pk, reason={"rule": "phone"})
    customer_merge(source=merged, target=kept, reason="test")
    return suggestion, kept.merges_received.get()
