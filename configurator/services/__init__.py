"""Writes of the configurator, split by entity; callers keep importing from `configurator.services`."""
from configurator.services.designs import (
    design_create,
    design_delete,
    design_duplicate,
    design_rename,
    design_share,
    design_unshare,
    product_model_glb,
    product_models_warm,
    quote_compute,
)
from configurator.services.orders import (
    orders_personal_data_erase,
    ORDER_TRANSITIONS,
    OrderPermissionDenied,
    order_cancel,
    order_delivery_set,
    order_email_send,
    order_pay,
    order_place,
    order_status_allowed,
    order_status_set,
)
from configurator.services.revisions import (
    SIDE_CHOICES,
    RevisionSuperseded,
    options_of,
    params_by_side_parse,
    params_hash_compute,
    revision_build,
    revision_build_enqueue,
    revision_fail,
    revision_file_store,
    revision_is_superseded,
    revision_previews_enqueue,
    revision_previews_render,
    revision_request,
    revision_request_with_measurements,
    revision_superseded_announce,
    revision_superseded_settle,
    revisions_sweep,
    scanned_feet_for,
    sides_parse,
)

__all__ = [name for name in dir() if not name.startswith("_")]
