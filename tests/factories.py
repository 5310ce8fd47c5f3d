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
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda customer: customer.user.email)

    @factory.post_generation
    def identities(customer, create, extracted, **kwargs):
        """What sign-up gives: the email as an (unconfirmed) identity and a loyalty card."""
        if not create:
            return
        from customers.models import ChannelIdentity
        from customers.services import loyalty_card_issue

        if customer.email:
            ChannelIdentity.objects.get_or_create(customer=customer, channel="email",
                                                  external_id=customer.email.strip().lower())
        loyalty_card_issue(customer=customer)


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
