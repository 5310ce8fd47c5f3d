import factory
from django.contrib.auth import get_user_model

from configurator.models import Design, ProductTemplate
from customers.models import Customer


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda customer: customer.user.email)


class ProductTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductTemplate
        django_get_or_create = ("slug",)

    slug = "insole"
    name = "Insole"
    generator_key = "insole"
    base_price = "39.00"


class DesignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Design

    customer = factory.SubFactory(CustomerFactory)
    template = factory.SubFactory(ProductTemplateFactory)
    name = factory.Sequence(lambda n: f"Design {n}")
