import factory

from passerelles.core.enums import OrganisationKind, Role, TerritoryKind
from passerelles.core.models import Directorate, Membership, Organisation, Territory, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Collectivité {n}")
    kind = OrganisationKind.INTERCOMMUNALITY
    country = "FR"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Fonction {n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Direction {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER

    class Params:
        contributor = factory.Trait(
            role=Role.CONTRIBUTOR,
            directorate=factory.SubFactory(DirectorateFactory, organisation=factory.SelfAttribute("..organisation")),
        )


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    organisation = factory.SubFactory(OrganisationFactory)
    kind = TerritoryKind.PARTNER
    name = factory.Sequence(lambda n: f"Territoire {n}")
    country = "ML"

    class Params:
        home = factory.Trait(
            kind=TerritoryKind.HOME, country="FR", insee_code=factory.Sequence(lambda n: f"{91000 + n}")
        )
