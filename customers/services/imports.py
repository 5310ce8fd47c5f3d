"""Importing customers from a CRM file: set-based matching (a few queries per 2,000 rows, not per row)."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from customers import matching
from customers.models import ChannelIdentity, ConsentRecord, Customer, MergeSuggestion, TouchpointEvent
from customers.services.loyalty import loyalty_card_number_new

CHUNK = 2000
Channel = ChannelIdentity.Channel
# import column -> (identity channel, matching rule); email is special (verified or not)
IDENTITY_COLUMNS = {"external_id": (Channel.CRM, "crm_id"), "phone": (Channel.PHONE, "phone"),
                    "loyalty_card": (Channel.LOYALTY, "loyalty_card")}
CONSENT_COLUMNS = {"marketing_email": ConsentRecord.Topic.EMAIL, "marketing_sms": ConsentRecord.Topic.SMS}


@dataclass
class _Plan:
    """What the import will write; new customers are negative ids until they are created."""

    new: dict[int, matching.ImportRow] = field(default_factory=dict)
    identities: list[tuple[int, str, str, int]] = field(default_factory=list)  # (customer, channel, value, line)
    names: dict[int, dict[str, str]] = field(default_factory=dict)
    consents: list[tuple[int, str, bool, int]] = field(default_factory=list)  # (customer, topic, granted, line)
    suggestions: dict[tuple[int, int], dict] = field(default_factory=dict)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _select_in(sql: str, params: list, values: list, *, array_type: str = "text") -> list[tuple]:
    """Run `sql` whose last condition is `... IN {values}` once on PostgreSQL (one array parameter, = ANY), or in
    chunks elsewhere; returns all rows."""
    if not values:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.replace("{values}", f"(SELECT unnest(%s::{array_type}[]))"), [*params, list(values)])
            return cursor.fetchall()
        rows = []
        for chunk in _chunks(list(values), 500):
            cursor.execute(sql.replace("{values}", "(" + ", ".join(["%s"] * len(chunk)) + ")"), [*params, *chunk])
            rows.extend(cursor.fetchall())
        return rows


def _load_identities(channel: str, values: set[str]) -> list[tuple[str, int, bool]]:
    return _select_in(f"SELECT external_id, customer_id, verified FROM {ChannelIdentity._meta.db_table} "
                      "WHERE channel = %s AND external_id IN {values}", [channel], sorted(values))


def _survivors(customer_ids: set[int]) -> dict[int, int]:
    """Merged records -> the record they lead to (chains followed), for the ids given."""
    merged = dict(Customer.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into"))

    def resolve(customer_id: int) -> int:
        seen = set()
        while customer_id in merged and customer_id not in seen:
            seen.add(customer_id)
            customer_id = merged[customer_id]
        return customer_id
    return {customer_id: resolve(customer_id) for customer_id in customer_ids}


def customers_import(*, rows: Iterable[tuple[int, Mapping]], dry_run: bool = False, source: str = "import") -> dict:
    """
    Import rows of (line, {column: value}); returns {"created", "matched", "conflicts", "errors"}.

    Each row is matched by customers.matching.match_decide; a bad row is an error with its line and reason and the
    others go on; a conflict creates a merge suggestion and changes neither record. Running the same file again
    matches every row it created and changes nothing.
    """
    parsed: list[matching.ImportRow] = []
    errors: list[dict] = []
    for line, row in rows:
        try:
            parsed.append(matching.import_row_parse(row, line=line))
        except matching.IdentityError as error:
            errors.append({"line": line, "reason": f"{error.field}: {error.reason}"})

    # Every identity the file names, looked up in one query per channel and chunk.
    lookup: dict[str, dict[str, int]] = {"crm_id": {}, "phone": {}, "loyalty_card": {}, "verified_email": {}}
    unverified: dict[str, set[int]] = {}
    holders: dict[tuple[str, str], set[int]] = {}
    raw: list[tuple[str, str, int, bool]] = []
    for column, (channel, _rule) in IDENTITY_COLUMNS.items():
        values = {getattr(row, column) for row in parsed if getattr(row, column)}
        raw.extend((channel, value, customer_id, verified) for value, customer_id, verified in _load_identities(channel, values))
    emails = {row.email for row in parsed if row.email}
    raw.extend((Channel.EMAIL, value, customer_id, verified)
               for value, customer_id, verified in _load_identities(Channel.EMAIL, emails))
    survivor = _survivors({customer_id for _c, _v, customer_id, _f in raw})
    rule_of = {channel: rule for channel, rule in IDENTITY_COLUMNS.values()}
    for channel, value, customer_id, verified in raw:
        customer_id = survivor[customer_id]
        holders.setdefault((channel, value), set()).add(customer_id)
        if channel == Channel.EMAIL:
            if verified:
                lookup["verified_email"][value] = customer_id
            else:
                unverified.setdefault(value, set()).add(customer_id)
        else:
            lookup[rule_of[channel]][value] = customer_id
    existing_names = {}
    consent_now: dict[tuple[int, str], bool] = {}

    plan = _Plan()
    created = matched = conflicts = 0
    decisions: list[tuple[matching.ImportRow, matching.MatchDecision]] = []
    for row in parsed:
        found = {rule: {lookup[rule][getattr(row, column)]} for column, (_channel, rule) in IDENTITY_COLUMNS.items()
                 if getattr(row, column) in lookup[rule]}
        if row.email:
            if row.email in lookup["verified_email"]:
                found["verified_email"] = {lookup["verified_email"][row.email]}
            found["email"] = unverified.get(row.email, set())
        decision = matching.match_decide(found)
        decisions.append((row, decision))
        if decision.outcome == "conflict":
            if min(decision.conflicting) < 0:  # a record this file creates: the file contradicts itself
                errors.append({"line": row.line, "reason": "the row's identities belong to two different customers, "
                               "one of them created by an earlier line of this file"})
                continue
            conflicts += 1
            for index, first in enumerate(decision.conflicting):
                for second in decision.conflicting[index + 1:]:
                    plan.suggestions.setdefault(matching.suggestion_pair(first, second), {
                        "rule": "import", "line": row.line, "source": source,
                        "found_by": {str(k): v for k, v in decision.found_by.items()}})
            continue
        if decision.outcome == "new":
            created += 1
            customer_id = -(len(plan.new) + 1)
            plan.new[customer_id] = row
        else:
            matched += 1
            customer_id = decision.customer_id
        # Identities the customer does not hold yet (and nobody else does: that would have been a conflict).
        for column, (channel, rule) in IDENTITY_COLUMNS.items():
            value = getattr(row, column)
            if value and value not in lookup[rule]:
                lookup[rule][value] = customer_id
                plan.identities.append((customer_id, channel, value, row.line))
        if row.email and customer_id not in unverified.get(row.email, set()) \
                and lookup["verified_email"].get(row.email) != customer_id:
            unverified.setdefault(row.email, set()).add(customer_id)
            plan.identities.append((customer_id, Channel.EMAIL, row.email, row.line))
        if customer_id > 0:
            names = {"first_name": row.first_name, "last_name": row.last_name}
            plan.names.setdefault(customer_id, {}).update({k: v for k, v in names.items() if v})
        for column, topic in CONSENT_COLUMNS.items():
            granted = getattr(row, column)
            if granted is not None:
                plan.consents.append((customer_id, topic, granted, row.line))

    matched_ids = sorted({cid for cid in plan.names} | {cid for cid, *_ in plan.consents if cid > 0})
    existing_names.update({pk: (first, last) for pk, first, last in _select_in(
        f"SELECT id, first_name, last_name FROM {Customer._meta.db_table} WHERE id IN {{values}}", [], matched_ids,
        array_type="bigint")})
    for customer_id, topic, granted, _at, _pk in sorted(_select_in(
            f"SELECT customer_id, topic, granted, at, id FROM {ConsentRecord._meta.db_table} WHERE customer_id IN {{values}}",
            [], matched_ids, array_type="bigint"), key=lambda row: (row[3], row[4])):
        consent_now[(customer_id, topic)] = granted
    name_updates = {}
    for customer_id, names in plan.names.items():
        first, last = existing_names.get(customer_id, ("", ""))
        fill = {k: v for k, v in names.items() if not {"first_name": first, "last_name": last}[k]}
        if fill:
            name_updates[customer_id] = fill
    consents = []
    for customer_id, topic, granted, line in plan.consents:
        if consent_now.get((customer_id, topic)) is not granted:
            consent_now[(customer_id, topic)] = granted
            consents.append((customer_id, topic, granted, line))

    report = {"created": created, "matched": matched, "conflicts": conflicts,
              "errors": sorted(errors, key=lambda error: error["line"])}
    if dry_run:
        return report
    _write(plan=plan, name_updates=name_updates, consents=consents, source=source)
    return report


def _cards_fresh(count: int, *, taken: set[str]) -> list[str]:
    """`count` new card numbers that no one holds: drawn at random, the few already issued drawn again."""
    fresh: set[str] = set()
    while len(fresh) < count:
        drawn = {loyalty_card_number_new() for _ in range(count - len(fresh))} - taken - fresh
        for chunk in _chunks(sorted(drawn)):
            drawn -= set(ChannelIdentity.objects.filter(channel=Channel.LOYALTY, external_id__in=chunk)
                         .values_list("external_id", flat=True))
        fresh |= drawn
    return sorted(fresh)


def _insert(model, rows: list[dict], *, with_ids: bool = False) -> list[int]:
    """Insert rows ({attname: value}, every concrete field but the id) in bulk; returns their ids when asked.

    PostgreSQL gets COPY with ids drawn from the table's sequence first (several times faster than INSERTs built
    by the ORM for 100,000 rows); other databases get bulk_create.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = []
        for chunk in _chunks(rows):
            created.extend(model.objects.bulk_create([model(**row) for row in chunk]))
        return [item.pk for item in created] if with_ids else []
    table = model._meta.db_table
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)])
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(name) for name in ["id", *[field.column for field in fields]])
        prepare = [(field.attname, field) for field in fields]
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                copy.write_row([pk, *[_copy_value(field, row[attname] if attname in row else field.get_default())
                                      for attname, field in prepare]])
    return ids


def _copy_value(field, value):
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=DjangoJSONEncoder)
    return value


@transaction.atomic
def _write(*, plan: _Plan, name_updates: dict, consents: list, source: str) -> None:
    now = timezone.now()
    temp_ids = list(plan.new)
    blank = {"user_id": None, "full_name": "", "is_guest": False, "merged_into_id": None, "erased_at": None,
             "anonymous_ref": "", "created_at": now, "updated_at": now}
    ids = _insert(Customer, [{**blank, "email": row.email or "", "first_name": row.first_name,
                               "last_name": row.last_name} for row in plan.new.values()], with_ids=True)
    real = dict(zip(temp_ids, ids))

    def resolve(customer_id: int) -> int:
        return real[customer_id] if customer_id < 0 else customer_id

    identity = {"verified": False, "created_at": now}
    identities = [{**identity, "customer_id": resolve(cid), "channel": channel, "external_id": value}
                  for cid, channel, value, _line in plan.identities]
    with_card = {cid for cid, channel, _v, _l in plan.identities if channel == Channel.LOYALTY}
    needing = [temp_id for temp_id in temp_ids if temp_id not in with_card]
    taken = {value for _cid, channel, value, _line in plan.identities if channel == Channel.LOYALTY}
    identities.extend({**identity, "customer_id": real[temp_id], "channel": Channel.LOYALTY, "external_id": number}
                      for temp_id, number in zip(needing, _cards_fresh(len(needing), taken=taken)))
    _insert(ChannelIdentity, identities)
    if name_updates:
        customers = list(Customer.objects.filter(pk__in=list(name_updates)))
        for customer in customers:
            for name, value in name_updates[customer.pk].items():
                setattr(customer, name, value)
            customer.updated_at = now
        Customer.objects.bulk_update(customers, ["first_name", "last_name", "updated_at"], batch_size=CHUNK)
    _insert(ConsentRecord, [{"customer_id": resolve(cid), "topic": topic, "granted": granted,
                             "channel": TouchpointEvent.Channel.IMPORT, "store_id": None, "actor_id": None,
                             "method": f"{source} line {line}"[:200], "at": now} for cid, topic, granted, line in consents])
    event = {"channel": TouchpointEvent.Channel.IMPORT, "store_id": None, "actor_id": None, "at": now}
    events = [{**event, "customer_id": real[temp_id], "kind": TouchpointEvent.Kind.SIGNUP,
               "data": {"source": source, "line": plan.new[temp_id].line}} for temp_id in temp_ids]
    events.extend({**event, "customer_id": resolve(cid), "kind": TouchpointEvent.Kind.CONSENT,
                   "data": {"topic": topic, "granted": granted, "line": line}} for cid, topic, granted, line in consents)
    _insert(TouchpointEvent, events)
    # A pair staff already looked at (merged or said "not the same person") is not suggested again.
    known = set()
    pairs = sorted(plan.suggestions)
    for chunk in _chunks(pairs):
        known.update(MergeSuggestion.objects.filter(customer_a_id__in={a for a, _b in chunk},
                                                    customer_b_id__in={b for _a, b in chunk})
                     .values_list("customer_a_id", "customer_b_id"))
    MergeSuggestion.objects.bulk_create(
        [MergeSuggestion(customer_a_id=a, customer_b_id=b, reason=reason, created_at=now)
         for (a, b), reason in plan.suggestions.items() if (a, b) not in known], ignore_conflicts=True)
