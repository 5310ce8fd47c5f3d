"""Designs: create, rename, share, duplicate, delete; the catalogue model and quotes."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from configurator import quote_child
from configurator.models import (
    Design,
    DesignRevision,
    ProductTemplate,
)
from configurator.selectors import revision_latest_done
from configurator.services.quotes import quote_estimate  # grams and machine time, cached per option set
from configurator.services.revisions import options_of, params_by_side_parse, revision_request, sides_parse
from geometry import registry
from geometry.foot import TYPICAL_FOOT_MM

if TYPE_CHECKING:  # annotations only: this app reaches customers through its services and selectors
    from customers.models import Customer



def design_create(*, customer: Customer, template: ProductTemplate, name: str = "") -> Design:
    return Design.objects.create(customer=customer, template=template, name=name.strip()[:120])


def design_rename(*, design: Design, name: str) -> Design:
    design.name = name.strip()[:120]
    design.save(update_fields=["name", "updated_at"])
    return design


PRODUCT_MODEL_CACHE_S = 24 * 3600  # rebuilt daily at most: a new deployment's geometry shows within a day


def product_model_glb(*, product: ProductTemplate) -> bytes:
    """The product with default options on a typical foot, as shown before anyone's own build; cached.

    In the shared cache (Redis when configured), not on this machine's disk: every web process and machine builds
    it at most once a day. A set is atomic, so a concurrent reader gets the whole model or builds it itself (in one
    web process, readers of a model being built wait for that build).
    """
    return _catalogue_model(product.generator_key)


def _catalogue_params(generator_key: str):
    return registry.parse(generator_key, options={}, foot=TYPICAL_FOOT_MM, side="right")


def _model_key(generator_key: str, params) -> str:
    return f"product-model:{generator_key}:{params.fingerprint()[:16]}"


def product_model_cache_key(generator_key: str) -> str:
    """Where the shared cache keeps this product's catalogue model."""
    return _model_key(generator_key, _catalogue_params(generator_key))


def _catalogue_model(generator_key: str) -> bytes:
    params = _catalogue_params(generator_key)  # parsed once per request: the key and a build both use it
    key = _model_key(generator_key, params)
    content = cache.get(key)
    if content is None:  # built in the web process's child when it has one (configurator/quote_child.py)
        content = quote_child.product_model_build(product_key=generator_key, params=params, key=key)
        cache.set(key, content, timeout=PRODUCT_MODEL_CACHE_S)
    return content


def product_models_warm() -> None:
    """Every product's catalogue model into the cache, when a web process starts (config/asgi.py): first in the
    child's queue, so a shopper's first page does not wait behind the quotes of a busy minute."""
    for generator_key in registry.product_keys():
        _catalogue_model(generator_key)


def quote_compute(*, product: ProductTemplate, options: Mapping[str, Any], side: str = "both") -> dict:
    """Price and delivery for these options, checked like a build would check them (on a typical foot)."""
    sides = sides_parse(side=side)
    params_by_side = params_by_side_parse(
        product_key=product.generator_key, options=options, feet={name: TYPICAL_FOOT_MM for name in sides}, sides=sides
    )
    chosen = options_of(next(iter(params_by_side.values())))
    return quote_estimate(product_key=product.generator_key, base_price=product.base_price,
                          params_by_side=params_by_side, options=chosen).to_dict(product.currency)


def design_delete(*, design: Design) -> None:
    """Hide the design from its owner. Rows stay: an order keeps pointing at what was made."""
    design.deleted_at = timezone.now()
    design.save(update_fields=["deleted_at", "updated_at"])


def design_share(*, design: Design, revision: DesignRevision | None = None) -> Design:
    """Give a finished revision (the newest by default) a read-only link; sharing again keeps the same link."""
    revision = revision or revision_latest_done(design=design)
    if revision is None or revision.design_id != design.pk or revision.status != DesignRevision.Status.DONE:
        raise ApplicationError(
            _("only a finished revision of this design can be shared; wait until the model is ready."),
            {"field": "revision", "value": getattr(revision, "pk", None), "allowed": "a finished revision"},
        )
    design.share_token = design.share_token or secrets.token_urlsafe(32)
    design.shared_revision = revision
    design.save(update_fields=["share_token", "shared_revision", "updated_at"])
    return design


def design_unshare(*, design: Design) -> Design:
    """Withdraw the link: it answers 404 from now on, and a later share makes a new one."""
    design.share_token, design.shared_revision = "", None
    design.save(update_fields=["share_token", "shared_revision", "updated_at"])
    return design


@transaction.atomic
def design_duplicate(*, design: Design) -> Design:
    """A new design with the latest revision's inputs; building it again is cheap next to losing the original."""
    copy = design_create(customer=design.customer, template=design.template, name=f"{design.name or design} (2)")
    latest = design.revisions.order_by("-requested_at", "-pk").first()
    if latest is not None:
        revision_request(
            design=copy,
            options=latest.parameters,
            feet=latest.measurements,
            side="both" if len(latest.sides) == 2 else latest.sides[0],
            measurement_set=latest.measurement_set,
        )
    return copy


