"""evac refresh_search_text: existing cases are brought up to date with how names are folded now."""

import io

import pytest
from django.core.management import CommandError, call_command

from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.conftest import make_case


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("refresh_search_text", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_rewrites_stale_search_text_in_batches(canada, uk, officer):
    cases = [make_case(canada, actor=officer, given_name=f"Ahmad{i}") for i in range(5)]
    elsewhere = make_case(uk, given_name="Gul")
    expected = {c.pk: (c.principal_name, c.family_size, c.search_text) for c in Application.objects.all()}
    # As a case saved before this version of evac would have it: the names as typed, no folded keys.
    Application.objects.update(search_text="mohammad wali", principal_name="", family_size=0)

    assert run("--org", "canada", "--batch-size", "2") == "5 cases read, 5 brought up to date.\n"
    for case in cases:
        case.refresh_from_db()
        assert (case.principal_name, case.family_size, case.search_text) == expected[case.pk]
        assert "=muhamad=" in case.search_text
    elsewhere.refresh_from_db()
    assert elsewhere.search_text == "mohammad wali"  # another organisation's cases are left alone

    event = AuditEvent.objects.filter(action="case.search_refresh").last()
    assert event.organisation == canada and event.detail["cases"] == 5 and event.detail["changed"] == 5
    # Again: nothing left to change.
    assert run("--org", "canada") == "5 cases read, 0 brought up to date.\n"
    assert run() == "6 cases read, 1 brought up to date.\n"


@pytest.mark.django_db
def test_it_refuses_an_unknown_organisation_or_a_bad_batch_size(canada):
    with pytest.raises(CommandError, match="No organisation 'nowhere'"):
        run("--org", "nowhere")
    with pytest.raises(CommandError, match="at least 1"):
        run("--batch-size", "0")
