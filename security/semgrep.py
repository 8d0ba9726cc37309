# Test cases for security/semgrep.yml: `semgrep --test --metrics off --disable-version-check security/`.
# Each line under "ruleid:" must be found, each line under "ok:" must not. Never imported or run.
# ruff: noqa
from django.core.mail import EmailMessage, send_mail, send_mass_mail
from django.db import connection
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt


def raw_sql(slug, organisation):
    with connection.cursor() as cursor:
        # ok: evac-raw-sql
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = %s", [slug])
        # ruleid: evac-raw-sql
        cursor.execute(f"SELECT id FROM accounts_organisation WHERE slug = '{slug}'")
        # ruleid: evac-raw-sql
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = '%s'" % slug)
        # ruleid: evac-raw-sql
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = '" + slug + "'")
        # ruleid: evac-raw-sql
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = '{}'".format(slug))
    # ok: evac-raw-sql
    organisation.objects.raw("SELECT * FROM accounts_organisation WHERE slug = %s", [slug])
    # ruleid: evac-raw-sql
    organisation.objects.raw(f"SELECT * FROM accounts_organisation WHERE slug = '{slug}'")
    # ruleid: evac-queryset-extra
    organisation.objects.extra(where=["slug = 'x'"])


def markup(name):
    # ruleid: evac-mark-safe
    return mark_safe(f"<b>{name}</b>")


# ruleid: evac-csrf-exempt
@csrf_exempt
def hook(request):
    return None


def mail(applicant, everyone):
    # ruleid: evac-mail-outside-notify
    send_mail("Your flight", "...", "evac@example.org", [applicant])
    # ruleid: evac-mail-outside-notify, evac-mail-one-recipient
    send_mail("Your flight", "...", "evac@example.org", everyone)
    # ruleid: evac-mail-outside-notify, evac-mail-one-recipient
    send_mail("Your flight", "...", "evac@example.org", recipient_list=[applicant, "x@example.org"])
    # ruleid: evac-mail-outside-notify, evac-mail-one-recipient
    send_mass_mail([("Your flight", "...", "evac@example.org", [applicant])])
    # ruleid: evac-mail-outside-notify
    EmailMessage("Your flight", "...", to=[applicant]).send()
    # ruleid: evac-mail-outside-notify, evac-mail-one-recipient
    EmailMessage("Your flight", "...", to=[applicant], bcc=everyone).send()
    # ruleid: evac-mail-outside-notify, evac-mail-one-recipient
    EmailMessage("Your flight", "...", to=everyone).send()
