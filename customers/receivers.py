"""Thin entry points from Django signals into the services (the logic stays in customers.services)."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="customers.login_touchpoint")
def login_touchpoint(sender, request, user, **kwargs) -> None:
    from customers.services import customer_get_or_create_for_user, touchpoint_record

    if not user.has_usable_password():  # a guest starting out is not a log-in
        return
    touchpoint_record(customer=customer_get_or_create_for_user(user=user), kind="login", channel="web", actor=user)
