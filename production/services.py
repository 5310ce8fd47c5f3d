import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from config.exceptions import ApplicationError
from configurator.selectors import revision_list_done
from production.exporters import PRINT_KINDS, ExportRefused, PrintEntry, batch_zip
from production.models import PrintExport

MAX_REVISIONS_PER_EXPORT = 200


@transaction.atomic
def print_files_export(*, revision_ids: list[int], user: AbstractBaseUser) -> tuple[bytes, PrintExport]:
    """Zip the print files of finished, ordered revisions and record who took them."""
    wanted = sorted(set(revision_ids))
    if not wanted or len(wanted) > MAX_REVISIONS_PER_EXPORT:
        raise ApplicationError(
            f"choose between 1 and {MAX_REVISIONS_PER_EXPORT} revisions.",
            {"field": "revision_ids", "allowed": f"1..{MAX_REVISIONS_PER_EXPORT} ids of finished revisions"},
        )
    revisions = list(revision_list_done(revision_ids=wanted))
    missing = sorted(set(wanted) - {revision.pk for revision in revisions})
    if missing:
        raise ApplicationError(
            f"revisions {missing} do not exist, are not finished yet or were not ordered.",
            {"field": "revision_ids", "value": missing, "allowed": "ids of finished, ordered revisions"},
        )
    entries = []
    for revision in revisions:
        entry = PrintEntry(
            revision_id=revision.pk,
            design_id=revision.design_id,
            customer_id=revision.design.customer_id,
            product=revision.design.template.slug,
            revision_number=revision.number,
            params_hash=revision.params_hash,
            report=revision.report,
        )
        for stored in revision.files.all():
            if stored.kind not in PRINT_KINDS:
                continue
            with stored.file.open("rb") as handle:
                entry.files[(stored.side, stored.name)] = handle.read()
            entry.sha256[(stored.side, stored.name)] = stored.sha256
        entries.append(entry)
    try:
        content = batch_zip(entries)
    except ExportRefused as error:
        raise ApplicationError(str(error), {"field": "revision_ids"}) from error
    export = PrintExport.objects.create(
        exported_by=user, sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content)
    )
    export.revisions.set(revisions)
    return content, export
