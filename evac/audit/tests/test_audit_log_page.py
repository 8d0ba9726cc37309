import pytest
from django.urls import reverse

from evac.audit.services import Origin, record_event
from evac.cases.services import record_case_view


@pytest.mark.django_db
def test_an_auditor_reads_and_filters_the_log(client, case, officer, auditor, outsider, uk):
    record_case_view(case, actor=officer, origin=Origin(ip="10.0.0.7"))
    record_event("case.view", actor=outsider, organisation=uk, target_type="application", target_ref="UKCASE")
    client.force_login(auditor)
    url = reverse("audit:log", kwargs={"org": "canada"})
    page = client.get(url).content.decode()
    assert "case.create" in page and "case.view" in page and "10.0.0.7" in page
    assert "UKCASE" not in page  # another organisation's events stay there
    filtered = client.get(url, {"action": "case.view", "record": case.display_reference}).content.decode()
    assert "case.create" not in filtered and "case.view" in filtered
    assert "case.view" not in client.get(url, {"user": "nobody"}).content.decode()


@pytest.mark.django_db
def test_only_auditors_read_the_log(client, officer, admin_user, outsider, canada):
    url = reverse("audit:log", kwargs={"org": "canada"})
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
