"""A customer's own data: the export (JSON, and a zip with their files) and erasure."""
import io
import json
import secrets
import zipfile
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from customers.models import (
    ChannelIdentity,
    ConsentRecord,
    Customer,
    FootScanFile,
    MergeSuggestion,
    TouchpointEvent,
)
from customers.selectors import consent_current, customer_loyalty_card
from customers.services.merge import customer_links, link_key
from customers.services.timeline import touchpoint_record

EXPORT_FORMAT = "sartoria-customer-export/1"
# Children of what a customer owns that the export lists under their parent's table (model label -> FK name).
CHILD_ROWS = {"customers.MeasurementSet": ("customers.Measurement", "measurement_set"),
              "customers.FootScan": ("customers.FootScanFile", "scan"),
              "configurator.Design": ("configurator.DesignRevision", "design")}


def _row(instance: models.Model) -> dict:
    data = model_to_dict(instance, fields=[field.name for field in instance._meta.concrete_fields])
    for name, value in list(data.items()):
        if hasattr(value, "name") and hasattr(value, "storage"):  # a file: its name in the zip, not a server path
            data[name] = value.name or ""
    return data


def customer_export_data(*, customer: Customer) -> dict:
    """Everything held about the customer, as JSON-safe data: the profile, identities, consents, timeline and
    every row of every app that points at them (designs, revisions, measurements, scans, orders, check-ins...)."""
    from django.apps import apps

    user = customer.user
    records: dict[str, list[dict]] = {}
    for model, field in customer_links():
        rows = list(model._base_manager.filter(**{field.name: customer}).order_by("pk"))
        if not rows:
            continue
        records[link_key(model, field)] = [_row(row) for row in rows]
        child = CHILD_ROWS.get(model._meta.label)
        if child:
            child_model = apps.get_model(child[0])
            children = child_model._base_manager.filter(**{f"{child[1]}__in": rows}).order_by("pk")
            records[child[0]] = [_row(row) for row in children]
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": {"id": customer.pk, "full_name": customer.full_name, "first_name": customer.first_name,
                     "last_name": customer.last_name, "email": customer.email, "is_guest": customer.is_guest,
                     "created_at": customer.created_at, "loyalty_card": customer_loyalty_card(customer=customer)},
        "account": None if user is None else {"username": user.get_username(), "email": user.email,
                                               "date_joined": user.date_joined, "last_login": user.last_login},
        "consent": consent_current(customer=customer),
        "records": records,
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _paths_to_customer(model, depth: int = 3, seen: tuple = ()) -> list[str]:
    """Lookups from `model` to Customer over foreign keys ("revision__design__customer"), at most `depth` long."""
    if model is Customer:
        return [""]
    if depth == 0 or model in seen:
        return []
    paths = []
    for field in model._meta.concrete_fields:
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.related_model is not None:
            for rest in _paths_to_customer(field.related_model, depth - 1, (*seen, model)):
                paths.append(f"{field.name}__{rest}" if rest else field.name)
    return paths


def _customer_files(customer: Customer) -> list[tuple[str, models.fields.files.FieldFile]]:
    """Every stored file of every app's rows that lead to the customer (scans, cleaned feet, revision files...),
    found from the model meta like the merge, as (name in the zip, file)."""
    from django.apps import apps

    files = []
    for model in apps.get_models():
        file_fields = [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
        if not file_fields or model is Customer:
            continue
        query = models.Q()
        for path in _paths_to_customer(model):
            if not path.startswith(("actor", "uploaded_by", "user")):
                query |= models.Q(**{path: customer})
        if not query:
            continue
        folder = f"{model._meta.app_label}/{model._meta.model_name}"
        for row in model._base_manager.filter(query).distinct().order_by("pk"):
            for field in file_fields:
                field_file = getattr(row, field.name)
                if field_file:
                    files.append((f"{folder}/{row.pk}/{field.name}/{PurePosixPath(field_file.name).name}", field_file))
    return files


def customer_export_zip(*, customer: Customer, actor: AbstractBaseUser | None = None) -> bytes:
    """The export as a zip: data.json plus the customer's files (scans, cleaned feet, revision files)."""
    data = customer_export_data(customer=customer)
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, field_file in _customer_files(customer):
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except OSError:  # a file the storage lost: say so in the export rather than fail it
                missing.append(name)
        data["missing_files"] = missing
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
    customer_export_record(customer=customer, actor=actor, what="zip")
    return buffer.getvalue()


def customer_export_record(*, customer: Customer, actor: AbstractBaseUser | None, what: str) -> TouchpointEvent:
    return touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.EXPORT, channel=TouchpointEvent.Channel.WEB,
                             actor=actor, data={"format": what})


@transaction.atomic
def customer_erase(*, customer: Customer, password: str, actor: AbstractBaseUser | None = None) -> Customer:
    """
    Erase a customer's personal data at their request (they confirm with their password).

    Names, emails, phone, every identity and the consent details go, the scans' files are deleted and the login
    can no longer be used. Designs, orders and production records stay, pointing at the record, which now shows
    only an anonymous reference. The erasure itself is logged on the timeline without personal data.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    user = customer.user
    if customer.erased_at is not None:
        raise ApplicationError(_("This account was already erased."), {"field": "customer"})
    if user is None or not user.has_usable_password() or not user.check_password(password or ""):
        raise ApplicationError(_("The password is wrong: type the password you log in with to confirm the erasure."),
                               {"field": "password"})
    from configurator.services import orders_personal_data_erase  # configurator's services import ours

    orders_personal_data_erase(customer=customer)  # refused while an order is on its way: nothing changed yet
    reference = f"anon-{secrets.token_hex(6)}"
    user.set_unusable_password()
    user.username = f"erased-{reference}"[:150]
    user.email, user.first_name, user.last_name, user.is_active = "", "", "", False
    user.save()
    customer.full_name = customer.first_name = customer.last_name = customer.email = ""
    customer.anonymous_ref, customer.erased_at = reference, timezone.now()
    customer.save(update_fields=["full_name", "first_name", "last_name", "email", "anonymous_ref", "erased_at",
                                 "updated_at"])
    ChannelIdentity.objects.filter(customer=customer).delete()
    ConsentRecord.objects.filter(customer=customer).delete()
    MergeSuggestion.objects.filter(models.Q(customer_a=customer) | models.Q(customer_b=customer),
                                   status=MergeSuggestion.Status.OPEN).delete()
    for stored in FootScanFile.objects.filter(scan__customer=customer):
        def delete_files(stored=stored) -> None:  # after commit: a rolled-back erasure keeps the files
            stored.file.delete(save=False)
            stored.foot.delete(save=False)

        transaction.on_commit(delete_files)
    FootScanFile.objects.filter(scan__customer=customer).update(file="", foot="", original_name="", result={})
    # What events said (emails typed at a desk, names) goes too; when and where they happened stays.
    TouchpointEvent.objects.filter(customer=customer).update(data={})
    touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.ERASE, channel=TouchpointEvent.Channel.WEB,
                      data={"reference": reference})
    return customer
