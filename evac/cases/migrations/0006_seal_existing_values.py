"""Seal the values written before these columns were protected, and index them.

Uses the protection module's functions directly: a historical model knows neither `protected_by` nor the
organisation of a row without being told.
"""

from django.db import migrations

from evac.protection import keys
from evac.protection.fields import NORMALISERS, ProtectedValue

PERSON_FIELDS = {
    "tazkira_number": ("document", "tazkira_index"),
    "passport_number": ("document", "passport_index"),
    "phone": ("phone", "phone_index"),
    "email": ("email", "email_index"),
}
BATCH = 2000


def seal_existing(apps, schema_editor):
    Person = apps.get_model("cases", "Person")

    def sealed(plain: str, organisation_id: int, label: str) -> ProtectedValue:
        material = keys.active_key(organisation_id)
        return ProtectedValue(
            plain, keys.seal(plain, material, label), organisation_id=organisation_id, label=label
        )

    last = 0
    while True:
        people = list(
            Person.objects.filter(pk__gt=last).select_related("application").order_by("pk")[:BATCH]
        )
        if not people:
            break
        last = people[-1].pk
        changed = []
        for person in people:
            organisation_id = person.application.organisation_id
            touched = False
            for name, (kind, index_name) in PERSON_FIELDS.items():
                value = getattr(person, name)
                if not value or keys.is_sealed(value) or isinstance(value, ProtectedValue):
                    continue
                label = f"cases.person.{name}"
                setattr(person, name, sealed(value, organisation_id, label))
                normalised = NORMALISERS[kind](value)
                material = keys.active_key(organisation_id)
                setattr(person, index_name, keys.blind_index(normalised, material, label) if normalised else "")
                touched = True
            if touched:
                changed.append(person)
        if changed:
            fields = list(PERSON_FIELDS) + [index for _kind, index in PERSON_FIELDS.values()]
            Person.objects.bulk_update(changed, fields)
    # Applications had no address before this change: nothing to seal there.


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_protected_fields"),
        ("protection", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=True)]
