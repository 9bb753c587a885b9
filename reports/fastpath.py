"""The API intake's two departures from how Django and REST framework run a form and a serializer, kept because
each request would otherwise deep-copy every declared field of both (issue #29.6: a replacement of framework
behaviour stays only where it gains at least 20 % on its own figure; nothing else in the code base touches these
private attributes).

Measured 2026-12-06 against main (3563248), one piece at a time (git cherry-pick of 65ae314 onto main, the 201
answer left to reports.api_answer): bench/bench_instructions.py's intake scenario (cachegrind, 40 POSTs through
Django's test client after warm-up; stable to ~1 % under load) 7.26 M instructions per POST with these two,
16.94 M with the form as Django runs it and DRF's per-request serializer fields (+133 %). Under cProfile's CPU clock
(var: 100 POSTs) the stock path spent per POST 6.0 ms building the form (Form.__init__ deep-copies 22 fields, the
three ModelChoiceFields with their querysets), 4.2 ms deep-copying the serializer's declared fields and 2.5 ms
cleaning (a BoundField per field) against 1.4 ms here.

- ``intake_form``: the officer intake form's fields prepared once per process and shared by copy.copy'd forms;
  cleaning only reads them. Its ``_clean_fields`` is Django's (BSD licence) without a BoundField made for each
  field just to read its value. tests/test_api_intake_form.py checks, over generated submissions, that it cleans
  exactly as the web's OfficerReportForm: the same cleaned data and errors.
- ``SharedFields``: a serializer whose fields are built and bound once per process and then shared: validating
  reads the fields and keeps its state on the root instance (initial_data, _errors, _validated_data); such a
  serializer must be given no context.
"""
import copy
import functools

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from reports.forms import OfficerReportForm


class _IntakeForm(OfficerReportForm):
    def _clean_fields(self):
        for name, field in self.fields.items():
            try:
                if field.disabled or type(field)._clean_bound_field is not forms.Field._clean_bound_field:
                    self.cleaned_data[name] = field._clean_bound_field(self[name])
                else:
                    self.cleaned_data[name] = field.clean(
                        field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name)))
                if hasattr(self, "clean_%s" % name):
                    self.cleaned_data[name] = getattr(self, "clean_%s" % name)()
            except ValidationError as e:
                self.add_error(name, e)


@functools.cache
def _template(code_fields: tuple) -> OfficerReportForm:
    template = _IntakeForm()
    for name, to_field in code_fields:
        template.fields[name].to_field_name = to_field
    return template


def intake_form(data: dict, code_fields: dict) -> OfficerReportForm:
    """The officer intake form bound to `data`, the reference fields of `code_fields` chosen by those columns."""
    form = copy.copy(_template(tuple(code_fields.items())))
    form.is_bound, form.data, form._errors, form._bound_fields_cache = True, data, None, {}
    return form


class SharedFields:
    """Mixin for a serializers.Serializer given no context: its fields built once per class and shared.
    `prepare_fields(fields)` (a classmethod, optional) adjusts them once."""

    @property
    def fields(self):
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = serializers.Serializer.fields.func(cls())
            cls.prepare_fields(shared)
            cls._shared_fields = shared
        return shared

    @classmethod
    def prepare_fields(cls, fields) -> None:
        pass
