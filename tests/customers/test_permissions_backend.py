"""The project's backend answers every permission question as Django's ModelBackend does, in one query."""
import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from hypothesis import HealthCheck, given, settings, strategies as st

from customers.auth_backends import EmailOrUsernameBackend
from customers.roles import user_can_export_print_files
from tests.factories import UserFactory

CODENAMES = ["export_print_files", "add_design", "change_design", "view_customer", "delete_order"]


def fresh(user):
    """The same account as a new request loads it: no permission cached on the object."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(own=st.sets(st.sampled_from(CODENAMES)), groups=st.lists(st.sets(st.sampled_from(CODENAMES)), max_size=3),
       active=st.booleans(), superuser=st.booleans())
def test_the_permissions_are_django_s_own(own, groups, active, superuser):
    user = UserFactory(is_active=active, is_superuser=superuser)
    user.user_permissions.set(Permission.objects.filter(codename__in=own))
    for index, codenames in enumerate(groups):
        group = Group.objects.create(name=f"{user.username}-{index}")
        group.permissions.set(Permission.objects.filter(codename__in=codenames))
        user.groups.add(group)

    ours = EmailOrUsernameBackend().get_all_permissions(fresh(user))
    assert ours == ModelBackend().get_all_permissions(fresh(user))
    granted = own.union(*groups)
    assert user_can_export_print_files(fresh(user)) == (active and (superuser or "export_print_files" in granted))


def test_a_shopper_s_permissions_cost_one_query(shopper, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not user_can_export_print_files(shopper)
        assert not shopper.has_perm("configurator.change_design")  # the answer is kept for the request
