"""Sara in production: paid orders become plates on the timeline, one click exports them with progress, a zip."""
import re

PAY = """
from configurator.models import ProductTemplate
from configurator.services import order_place, order_status_set, revision_build, revision_request
from customers.services import measurement_set_record
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(username="demo")
customer = user.customer
customer.full_name = "Giulia Demo"; customer.save()
feet = {s: {"length_mm": 265, "ball_width_mm": 100, "ball_girth_mm": 245, "instep_girth_mm": 250,
            "heel_width_mm": 65, "arch_height_mm": 18} for s in ("left", "right")}
from configurator.models import Design
design = Design.objects.create(customer=customer, template=ProductTemplate.objects.get(slug="shoe"), name="Dashboard")
revision = revision_request(design=design, options={}, feet=feet, side="both",
                            measurement_set=measurement_set_record(customer=customer, feet=feet))
revision = revision_build(revision_id=revision.pk)
order = order_place(design=design, revision=revision, checkout_token="dashboard-test")
print(order_status_set(order=order, status="paid", actor=None).pk)
"""


def test_production_plans_sees_the_timeline_and_exports_a_plate_with_progress(page_factory, app_shell, screenshot):
    order_id = int(app_shell(PAY).strip().splitlines()[-1])
    page = page_factory(viewport=(1280, 1400))
    page.goto("/accounts/login/")
    page.fill("#id_username", "production")
    page.fill("#id_password", "sartoria-production")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.goto("/production/")
    assert f"S{order_id:04d}" in page.content() and "Giulia Demo" in page.content()

    page.click("text=Plan plates")
    page.wait_for_selector(".gantt .bar")
    assert page.locator(".plate-card").count() >= 2
    assert re.search(r"finish in .*; no plan can finish before", page.content())
    screenshot(page, "production-01-plan")

    page.locator(".plate-card input[name=plate_ids]").first.check()
    page.click("text=Export the ticked plates")
    page.wait_for_selector("[data-role=download]:not([hidden])", timeout=180_000)
    screenshot(page, "production-02-exported")
    with page.expect_download() as download:
        page.click("text=Download the zip")
    assert download.value.suggested_filename.endswith(".zip")
    assert page.console_errors == []
