"""Model fields that keep a value encrypted at rest, and the blind indexes that let it be found.

    phone = ProtectedField(_("phone"), kind="phone", max_length=40, blank=True)
    phone_index = BlindIndexField(source="phone")

The model says which organisation's key protects its rows with `protected_by`, a path to the
organisation ("organisation" on a case, "application__organisation" on a person).

On the instance the field holds plaintext; it is sealed when the row is written (save, create,
bulk_create) and opened when it is read. What is read comes back as a ProtectedValue: a str that also
remembers the ciphertext, so that saving a row again does not re-encrypt what did not change, and so that
a value whose key was destroyed is written back untouched instead of being lost or overwritten by "".

Anything else that would send plaintext to the database (QuerySet.update, bulk_update without seal(),
a filter on the column) raises ProtectionError instead: equality lookups go through the index
(`index_lookup`), never through the ciphertext.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

from django import forms
from django.core import validators
from django.db import models

from evac.protection import keys
from evac.protection.keys import KeyDestroyed, ProtectionError


class ProtectedValue(str):
    """Plaintext read from a protected column, with the sealed text it came from.

    An unreadable value (its key destroyed) is the empty string with readable False.
    """

    ciphertext: str
    readable: bool
    organisation_id: int | None
    label: str  # the column it was sealed for: a ciphertext opens only there

    def __new__(
        cls, plaintext: str, ciphertext: str, *, readable: bool = True, organisation_id=None, label: str = ""
    ):
        value = super().__new__(cls, plaintext)
        value.ciphertext = ciphertext
        value.readable = readable
        value.organisation_id = organisation_id
        value.label = label
        return value

    def __reduce__(self):
        # A pickled value (a cached object, a session) keeps its plaintext only; it is sealed again when
        # saved. The ciphertext is not worth carrying around.
        return (str, (str(self),))


def _digits_to_ascii(text: str) -> str:
    # Dari and Pashto numbers arrive in Eastern Arabic-Indic digits as often as in ASCII ones.
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", _digits_to_ascii(value))
    # 0093..., +93... and 93... are the same number; a local 07... is the same as +937...
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = "93" + digits[1:]
    return digits


def normalise_document(value: str) -> str:
    # Tazkira and passport numbers are written with spaces, dashes and slashes at will.
    return re.sub(r"[^0-9A-Z]", "", _digits_to_ascii(value).upper())


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_text(value: str) -> str:
    return " ".join(value.split()).casefold()


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": normalise_phone,
    "document": normalise_document,
    "email": normalise_email,
    "text": normalise_text,
}


def organisation_id_of(instance: models.Model) -> int:
    path = type(instance).protected_by.split("__")
    target = instance
    for step in path[:-1]:
        target = getattr(target, step)
    organisation_id = getattr(target, path[-1] + "_id")
    if organisation_id is None:
        raise ProtectionError(f"{type(instance).__name__} has no organisation yet: its data cannot be sealed")
    return organisation_id


class ProtectedField(models.TextField):
    """Text sealed with the organisation's data key (see the module's docstring)."""

    def __init__(self, *args, kind: str = "text", **kwargs):
        if kind not in NORMALISERS:
            raise ValueError(f"unknown kind {kind!r}")
        self.kind = kind
        super().__init__(*args, **kwargs)
        if kind == "email":
            self.validators.append(validators.EmailValidator())

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kind != "text":
            kwargs["kind"] = self.kind
        return name, path, args, kwargs

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def normalise(self, value: str) -> str:
        return NORMALISERS[self.kind](value)

    def formfield(self, **kwargs):
        # A text input with the column's length, not a textarea: these are short values.
        defaults = {"max_length": self.max_length, "widget": forms.TextInput}
        if self.kind == "email":
            defaults["form_class"] = forms.EmailField
            defaults.pop("widget")
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    def open(self, stored: str) -> ProtectedValue | str:
        if not stored or not keys.is_sealed(stored):
            return stored  # empty, or plaintext written before the column was protected
        try:
            plain, material = keys.open_sealed(stored, self.label)
        except KeyDestroyed:
            return ProtectedValue("", stored, readable=False, label=self.label)
        return ProtectedValue(plain, stored, organisation_id=material.organisation_id, label=self.label)

    def from_db_value(self, value, expression, connection):
        return self.open(value) if isinstance(value, str) else value

    def to_python(self, value):
        if isinstance(value, ProtectedValue) or value is None:
            return value
        value = super().to_python(value)
        return self.open(value) if keys.is_sealed(value) else value

    def seal_for(self, instance: models.Model, value: str) -> ProtectedValue | str:
        if not value:
            # An unreadable value copied from another column has nothing to bring here.
            foreign = isinstance(value, ProtectedValue) and value.label != self.label
            return "" if foreign else value
        organisation_id = organisation_id_of(instance)
        material = keys.active_key(organisation_id)
        if isinstance(value, ProtectedValue) and value.label == self.label:
            if not value.readable:
                return value  # its key is gone: write it back as it was, never as ""
            if value.organisation_id == organisation_id and keys.key_id_of(value.ciphertext) == material.id:
                return value  # unchanged since read, under the current key: no need to encrypt again
        # New text, or a value read from another column or organisation (its ciphertext opens only there).
        return ProtectedValue(
            str(value),
            keys.seal(str(value), material, self.label),
            organisation_id=organisation_id,
            label=self.label,
        )

    def pre_save(self, model_instance, add):
        sealed = self.seal_for(model_instance, getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, sealed)
        return sealed

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, ProtectedValue):
            return value.ciphertext
        if value is None or value == "" or (isinstance(value, str) and keys.is_sealed(value)):
            return value
        raise ProtectionError(
            f"plaintext for {self.label} reached the database without being sealed: save the instance, or "
            "call evac.protection.fields.seal(objects) before bulk_update; find rows by its blind index"
        )

    def value_to_string(self, obj):
        # dumpdata writes the sealed text, never the plaintext.
        value = self.seal_for(obj, self.value_from_object(obj))
        return value.ciphertext if isinstance(value, ProtectedValue) else value


class BlindIndexField(models.CharField):
    """The keyed hash of a protected field's normalised value, kept up to date when the row is written."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", keys.INDEX_HEX_CHARS)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for default in ("max_length", "blank", "editable", "db_index"):
            kwargs.pop(default, None)
        return name, path, args, kwargs

    def source_field(self) -> ProtectedField:
        return self.model._meta.get_field(self.source)

    def index_for(self, instance: models.Model) -> str:
        value = getattr(instance, self.source_field().attname)
        if isinstance(value, ProtectedValue) and not value.readable:
            return getattr(instance, self.attname)  # the key is gone: nothing new to say about it
        field = self.source_field()
        normalised = field.normalise(value or "")
        if not normalised:
            return ""
        return keys.blind_index(normalised, keys.active_key(organisation_id_of(instance)), field.label)

    def pre_save(self, model_instance, add):
        index = self.index_for(model_instance)
        setattr(model_instance, self.attname, index)
        return index


class ProtectedModel(models.Model):
    """A model with protected fields: `save(update_fields=[...])` naming a protected field also writes its
    blind index, which would otherwise go stale without a word."""

    protected_by: str  # the path to the organisation whose key protects the row

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            names = set(update_fields)
            names |= {f.name for f in index_fields(type(self)) if f.source in names}
            update_fields = names
        super().save(*args, update_fields=update_fields, **kwargs)


def protected_fields(model: type[models.Model]) -> list[ProtectedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, ProtectedField)]


def index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def unreadable_fields(instance: models.Model) -> list[str]:
    """The names of the instance's protected fields whose key was destroyed."""
    return [
        f.name
        for f in protected_fields(type(instance))
        if isinstance(value := getattr(instance, f.attname), ProtectedValue) and not value.readable
    ]


def seal(objects: Iterable[models.Model]) -> None:
    """Seal and index the protected fields of unsaved changes, for bulk_update (which skips pre_save)."""
    for obj in objects:
        for field in protected_fields(type(obj)) + index_fields(type(obj)):
            field.pre_save(obj, False)


def index_lookup(model: type[models.Model], field_name: str, organisation_id: int, value: str) -> dict:
    """Filter arguments that find rows whose protected `field_name` equals `value` (after normalising),
    under any of the organisation's live keys:

        Person.objects.filter(**index_lookup(Person, "phone", org.pk, "+93 70 123 4567"))
    """
    field = model._meta.get_field(field_name)
    index = next(f for f in index_fields(model) if f.source == field_name)
    normalised = field.normalise(value)
    if not normalised:
        return {f"{index.name}__in": []}
    candidates = [keys.blind_index(normalised, m, field.label) for m in keys.live_keys(organisation_id)]
    return {f"{index.name}__in": candidates}
