import pytest
from django.urls import reverse

from evac.accounts.models import Membership
from evac.accounts.roles import Role
from evac.accounts.services import set_may_export
from evac.conftest import make_case, make_user


def grant(user, organisation):
    set_may_export(organisation, user, True, actor=None)
    return user


@pytest.fixture
def exporter(canada):
    """A case officer the org admin has allowed to export."""
    return grant(make_user(canada, Role.CASE_OFFICER, "exporter"), canada)


@pytest.fixture
def approver(canada):
    """A second member who may export: the one who approves the first one's large exports."""
    return grant(make_user(canada, Role.VERIFIER, "approver"), canada)


@pytest.fixture
def cases(canada, officer):
    """Three families of four: a spelled-out principal each, so a stray value is easy to find."""
    return [
        make_case(canada, actor=officer, given_name=name, family_name=family, native_name=native)
        for name, family, native in (
            ("Spozhmai", "Karokhail", "سپوږمۍ کروخیل"),
            ("Zarghuna", "Popalzai", "زرغونه پوپلزی"),
            ("Nazanin", "Barakzai", "نازنین بارکزی"),
        )
    ]


def url(name: str, export=None, org: str = "canada") -> str:
    kwargs = {"org": org}
    if export is not None:
        kwargs["export_id"] = export.public_id
    return reverse(f"exports:{name}", kwargs=kwargs)


def membership(user, organisation) -> Membership:
    return Membership.objects.select_related("organisation").get(user=user, organisation=organisation)


def ask(client, columns, file_format="csv", key=None, **filters):
    """Post the request form as the page does: the case list's filters, the columns, the format."""
    import uuid

    data = {"columns": list(columns), "format": file_format, "idempotency_key": str(key or uuid.uuid4())}
    return client.post(url("create"), {**filters, **data})
