"""No lost update in the admin: a save based on an older version of what a clerk edits
is refused, with what changed since, by whom and when.

The change form carries a digest of each thing it shows (a field; for a petition also
its window, its counts by province and each response), taken when the form was drawn.
A save locks the row, takes the digests again and compares: anything that differs was
saved by someone else meanwhile, and nothing is written. Digests rather than a version
counter, so that a save elsewhere of a related row (a response fixed on its own page)
counts too, and so that any model gets the same guard without a column of its own.

Saves of one model through the admin also wait for one another (a lock on the model's
table name, held until commit), so that two saves cannot both pass the uniqueness
checks: a double-clicked "Save" of a new petition gets a field error, not a 500.
"""

import hashlib
import json

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version


def digest(value):
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def edited_fields(model):
    """The fields of `model` a clerk edits: not the key, nor what the database or Django
    keeps by itself."""
    return [
        field
        for field in model._meta.concrete_fields + model._meta.many_to_many
        if field.editable and not field.primary_key and not field.auto_created
    ]


def field_values(obj):
    """Each edited field's value, by field name; many-to-many as sorted keys."""
    values = {}
    for field in edited_fields(type(obj)):
        if field.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        else:
            values[field.name] = field.value_from_object(obj)
    return values


def field_state(obj):
    """{field name: digest} of an object's edited fields."""
    return {name: digest(value) for name, value in field_values(obj).items()}


class GuardedForm(forms.ModelForm):
    """A change form that refuses to save over a newer version. The admin that uses it
    (GuardedAdmin) says what the version is made of."""

    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by GuardedAdmin.get_form().
    admin = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_state"].initial = json.dumps(
                self.admin.edited_state(self.instance), sort_keys=True
            )

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [model._meta.db_table])
        if self.instance.pk is None:
            return cleaned
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError(
                _("Someone else deleted this while you were editing it: nothing was saved.")
            )
        try:
            loaded = json.loads(cleaned.get("loaded_state") or "")
        except ValueError:
            loaded = {}
        now = self.admin.edited_state(current, lock=True)
        changed = [key for key in now.keys() | loaded.keys() if now.get(key) != loaded.get(key)]
        if changed:
            raise ValidationError(self.admin.changed_message(current, changed))
        return cleaned


class GuardedAdmin:
    """A ModelAdmin mixin: the change form carries the version it was drawn from (see
    the module's docstring). Subclasses add related rows in edited_state() and
    edited_labels(), and the objects whose history tells who saved last in
    history_objects()."""

    form = GuardedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"admin": self})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any(
            "loaded_state" in fields for _name, options in fieldsets for fields in options["fields"]
        ):
            return fieldsets
        # The version travels with the form, hidden, in the first fieldset.
        name, options = fieldsets[0]
        return [(name, {**options, "fields": [*options["fields"], "loaded_state"]}), *fieldsets[1:]]

    def edited_state(self, obj, lock=False):
        """{key: digest} of what the change form of `obj` shows and saves."""
        return field_state(obj)

    def edited_labels(self, obj):
        """{key: label} for the keys of edited_state() in the clerk's language."""
        return {field.name: capfirst(field.verbose_name) for field in edited_fields(type(obj))}

    def history_objects(self, obj):
        """The objects whose saves count as saves of `obj`."""
        return [obj]

    def changed_message(self, current, changed):
        labels = self.edited_labels(current)
        fields = [str(labels[key]) for key in changed if key in labels]
        removed = [key for key in changed if key not in labels]
        if removed:
            fields.append(gettext("a part that was removed"))
        who, when = self.last_save(current)
        by = gettext("saved by %(who)s on %(when)s") % {"who": who, "when": when} if when else who
        return gettext(
            "Someone else saved “%(object)s” while you were editing it (%(by)s). Changed "
            "since you opened it: %(fields)s. Nothing was saved; your edits are still in "
            "the form below. Open it again in a new tab to see the latest version, then "
            "apply your edits there."
        ) % {"object": current, "by": by, "fields": ", ".join(sorted(fields))}

    def last_save(self, obj):
        """(who, when) of the last save of `obj` or a row it shows, from its history:
        the clerk's name, or the import's comment ("Imported from …")."""
        versions = Version.objects.none()
        for item in self.history_objects(obj):
            versions |= Version.objects.filter(
                content_type=ContentType.objects.get_for_model(item), object_id=str(item.pk)
            )
        latest = versions.select_related("revision__user").order_by("-revision__date_created")
        latest = latest.first()
        if latest is None:
            return gettext("another program"), None
        revision = latest.revision
        user = revision.user
        if user is not None:
            who = user.get_full_name() or user.get_username()
        else:
            who = revision.get_comment() or gettext("another program")
        return who, date_format(localtime(revision.date_created), "DATETIME_FORMAT")
