"""The pieces of the petition filter's form (petitions/filters.py): selects written out in
Python with options kept per language and named in it, records chosen by slug, and the
rules across parameters that every face applies (a parameter given twice, bounds the
wrong way round), with the errors as a person reads them."""

import datetime
import unicodedata

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from petitions.cache import kept
from petitions.house.dates import format_house_date
from petitions.models import Ministry, normalize_petition_number

# The signature count column is a 32-bit integer.
MAX_SIGNATURES = 2**31 - 1


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class PetitionNumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = normalize_petition_number(value)
        if not number:
            raise forms.ValidationError(
                _("Enter a petition number like e-4172 or 441-00264."), code="invalid"
            )
        return number


class PetitionNumberFilter(django_filters.CharFilter):
    field_class = PetitionNumberField


class PlainSelect(forms.Select):
    """A <select> written out in Python, the same markup as Django's: rendering each of
    the form's hundred-odd options through its template took a third of a list page's
    time."""

    def options(self):
        return [(str(key), str(label)) for key, label in self.choices]

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)
                for key, label in self.options()
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}\n</select>', name, attributes, options)


def _folded(text):
    """`text` as a reader alphabetizes it: accents and case set aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class KeptChoicesSelect(PlainSelect):
    """A PlainSelect whose options come from the database (sessions, topics, ministries,
    parties): kept under `kept_as` per language until the data changes, rather than
    read for every list page. `alphabetical`: in the order of their names in the page's
    language (the records are ordered by their English names), "Any" first."""

    def __init__(self, attrs=None, choices=(), *, kept_as, alphabetical=False):
        super().__init__(attrs, choices)
        self.kept_as = kept_as
        self.alphabetical = alphabetical

    def options(self):
        key = f"options:{self.kept_as}:{get_language()}"
        return kept(key, self.ordered_options)

    def ordered_options(self):
        options = super().options()
        if self.alphabetical:
            empty = [option for option in options if not option[0]]
            named = [option for option in options if option[0]]
            options = empty + sorted(named, key=lambda option: _folded(option[1]))
        return options


def name_in_language(record):
    """A record's name in the page's language (the other language's when it has none):
    a ministry's title, a Member's name, a topic's, keyword's or party's name."""
    return record.title if isinstance(record, Ministry) else record.name


class NamedModelChoiceField(django_filters.fields.ModelChoiceField):
    """Options named in the page's language, not by the records' English __str__."""

    def label_from_instance(self, obj):
        return name_in_language(obj)


class KeptRecordField(NamedModelChoiceField):
    """A record chosen by its slug, found among the records kept by slug until the data
    changes instead of by a query for each value chosen: for the short lists (topics,
    keywords, ministries, parties), not the Members."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        model = self.queryset.model
        records = kept(
            f"by-slug:{model._meta.label}",
            lambda: {record.slug: record for record in model.objects.all()},
        )
        if str(value) not in records:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return records[str(value)]


class KeptRecordFilter(django_filters.ModelChoiceFilter):
    field_class = KeptRecordField


class NamedRecordFilter(django_filters.ModelChoiceFilter):
    field_class = NamedModelChoiceField


# Bounds that must not cross: (lower, upper, message). An empty range matches nothing,
# and a researcher who typed the dates the wrong way round should be told, not shown 0.
RANGES = [
    ("opened_after", "opened_before", _("%(value)s is after “%(other)s” (%(other_value)s).")),
    (
        "presented_after",
        "presented_before",
        _("%(value)s is after “%(other)s” (%(other_value)s)."),
    ),
    (
        "min_signatures",
        "max_signatures",
        _("%(value)s is more than “%(other)s” (%(other_value)s)."),
    ),
]


def _shown(value):
    if isinstance(value, datetime.date):
        return format_house_date(value, "fr" if get_language() == "fr" else "en")
    return number_format(value, force_grouping=True)


class PetitionFilterForm(forms.Form):
    """The rules across parameters, for every face at once: a parameter given more than
    once (but the status, which takes several) and bounds the wrong way round."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if (
                hasattr(self.data, "getlist")
                and len(self.data.getlist(name)) > 1
                and not isinstance(field, forms.MultipleChoiceField)
            ):
                self.add_error(name, forms.ValidationError(REPEATED, code="repeated"))
        for lower, upper, message in RANGES:
            low, high = cleaned.get(lower), cleaned.get(upper)
            if low is not None and high is not None and low > high:
                values = {
                    "value": _shown(low),
                    "other": self.fields[upper].label,
                    "other_value": _shown(high),
                }
                self.add_error(lower, forms.ValidationError(message % values, code="reversed"))
        return cleaned


REPEATED = _("Given more than once: give one value.")


class PageForm(PetitionFilterForm):
    """The paging of the lists that are not the petitions' (Members, the API's other
    lists), refused by the same rules as the petitions' `page` and `page_size`."""

    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SIGNATURES, label=_("Page")
    )
    page_size = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SIGNATURES, label=_("Per page")
    )


def filter_errors(filterset):
    """The filter's errors as a person reads them: each with its field's label (never
    the parameter's name), in the page's language."""
    return form_errors(filterset.form)


def form_errors(form):
    return [
        {"name": name, "label": form.fields[name].label, "message": message}
        for name, messages in form.errors.items()
        if name in form.fields
        for message in messages
    ]
