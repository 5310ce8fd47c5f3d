"""Customer services, by entity; `from customers.services import X` keeps working for every X below."""
from customers.services.timeline import touchpoint_record  # noqa: F401  (first: the others record events)
from customers.services.identities import (  # noqa: F401
    email_confirm,
    email_confirmation_send,
    identity_attach,
    identity_normalise,
)
from customers.services.loyalty import customer_qr_token, loyalty_card_issue, loyalty_card_number_new  # noqa: F401
from customers.services.scans import (  # noqa: F401
    FOOT_SIDES,
    REQUEST_BODY_MAX_BYTES,
    SNIFF_BYTES,
    feet_validate,
    measurement_set_foot_glb,
    measurement_set_foot_mesh,
    measurement_set_record,
    parameter_error_to_application_error,
    scan_accepted_text,
    scan_fail,
    scan_limits_text,
    scan_measure_file,
    scan_process,
    scan_process_enqueue,
    scan_progress_save,
    scan_upload,
    scan_upload_check,
    scans_sweep,
)
from customers.services.accounts import (  # noqa: F401
    account_sign_up,
    customer_get_or_create_for_user,
    guest_merge_into_account,
    guest_start,
)
from customers.services.merge import (  # noqa: F401
    customer_links,
    customer_merge,
    customer_merge_undo,
    merge_suggestion_create,
    merge_suggestion_dismiss,
    merge_survivor_default,
)
from customers.services.consent import consent_set  # noqa: F401
from customers.services.loyalty import barcode_svg, loyalty_card_send, qr_svg  # noqa: F401
from customers.services.privacy import (  # noqa: F401
    customer_erase,
    customer_export_data,
    customer_export_record,
    customer_export_zip,
)
from customers.services.imports import customers_import  # noqa: F401
