"""Writes of production, split by entity; callers import from `production.services`."""
from production.services.exports import (
    MAX_PLATES_PER_EXPORT,
    MAX_REVISIONS_PER_EXPORT,
    customer_name,
    files_zip,
    plate_export_fail,
    plate_export_files,
    plate_export_finish,
    plate_export_plate_build,
    plate_export_start,
    plate_exports_sweep,
    plate_files_build,
    plates_export_to_dir,
    plates_for_export,
    print_files_export,
)
from production.services.jobs import (
    ORDER_STATUSES_TO_MAKE,
    TRANSITIONS,
    order_number,
    plate_state_set,
    print_job_state_set,
    print_jobs_create_for_order,
    print_jobs_create_for_paid_orders,
    traceability_code,
)
from production.services.planning import (
    farm_plan_compute,
    plate_minutes,
    plates_pack,
    plates_plan,
    printer_farm_demo_load,
)

__all__ = [name for name in dir() if not name.startswith("_")]
