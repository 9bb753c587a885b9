"""factory_boy factories shared by the whole suite."""
import datetime as dt
import random

import factory
from django.contrib.auth.models import Group

from cases.models import Agency, Case, CaseRespondent, CaseStatus, ElectionPeriod, Region, Respondent, User


def make_nip(rng=random):
    """A valid 18-digit PNS NIP."""
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    year = birth.year + rng.randint(20, 30)
    return f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    nip = factory.LazyFunction(make_nip)
    name = factory.Sequence(lambda n: f"Terlapor Uji {n}")
    position = "Kepala Bidang"
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="PEMKAB-33.01"))
    verified = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Petugas {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"NTR-T-{n:06d}")
    election = factory.LazyFunction(lambda: ElectionPeriod.objects.get(slug="pilkada-2024"))
    region = factory.LazyFunction(lambda: Region.objects.get(code="33.01"))
    region_code = factory.LazyAttribute(lambda o: o.region.code)
    status = CaseStatus.RECEIVED
    title = "ASN mengunggah dukungan kepada pasangan calon"
    description = "Unggahan di media sosial berisi ajakan memilih pasangan calon nomor 1."


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseRespondent

    case = factory.SubFactory(CaseFactory)
    respondent = factory.SubFactory(RespondentFactory)
    agency = factory.LazyAttribute(lambda o: o.respondent.agency)
