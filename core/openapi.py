"""The OpenAPI description as the API behaves (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

drf-spectacular guesses from the code; two guesses are wrong for ServPlan and are corrected here once,
for every endpoint: only a viewset's `list` is paged and filtered (an extra action answers a plain array),
and every operation may be refused the way core.drf refuses it (400, 401, 403, 404, 409). A record's
status is documented as the states enum of its type's workflow, one component per enum.
"""

from functools import partial

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list

from .registry import registry

PAGED_ACTIONS = {"list"}
CREATING_ACTIONS = {"create", "new_version"}  # answer 201 Created with the new record
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _messages(item):
    return {"type": "object", "required": ["detail"], "properties": {"detail": item}}


# status code: (component name, when the operation can answer it, the body, its description in the docs)
ERRORS = {
    "400": ("ValidationError", lambda schema: schema.method in UNSAFE_METHODS or schema.has_parameters,
            lambda: {"type": "object", "additionalProperties": {},
                     "description": _("Messages by field name; `detail` or `non_field_errors` for the request "
                                      "as a whole.")},
            lambda: _("The request was refused: the messages say what to correct.")),
    "401": ("Error", lambda schema: True, lambda: _messages({"type": "string"}),
            lambda: _("Not signed in, or the token is unknown, expired or revoked.")),
    "403": ("Error", lambda schema: True, lambda: _messages({"type": "string"}),
            lambda: _("Your role (or the record's state) does not allow this.")),
    "404": ("Error", lambda schema: "{" in schema.path, lambda: _messages({"type": "string"}),
            lambda: _("No such record, or not one you may see.")),
    "409": ("Conflict", lambda schema: schema.method in UNSAFE_METHODS,
            lambda: _messages({"type": "array", "items": {"type": "string"}}),
            lambda: _("Someone changed the record at the same time; reload it and try again.")),
}


class AutoSchema(SpectacularAutoSchema):
    def _get_paginator(self):
        return super()._get_paginator() if self._is_paged() else None

    def get_filter_backends(self):
        return super().get_filter_backends() if self._is_paged() else []

    def _is_create_operation(self):
        return self.method == "POST" and getattr(self.view, "action", None) in CREATING_ACTIONS

    def _is_paged(self):
        return getattr(self.view, "action", None) in PAGED_ACTIONS and getattr(self.view, "pagination_class", None)

    @property
    def has_parameters(self):
        return bool(self._get_filter_parameters() or self._get_pagination_parameters()
                     or self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (name, applies, body, description) in ERRORS.items():
            if code in responses and code == "400":
                # The endpoint's own 400 body (a rejected import's report), or a plain validation error.
                content = responses[code]["content"]["application/json"]
                content["schema"] = {"anyOf": [content["schema"], self._component(name, body)]}
            elif code not in responses and applies(self):
                responses[code] = self._component(f"Error{code}", partial(self._error, name, body, description),
                                                  ResolvedComponent.RESPONSE)
        return responses

    def _error(self, name, body, description):
        return {"description": description(), "content": {"application/json": {"schema": self._component(name, body)}}}

    def _component(self, name, build, kind=ResolvedComponent.SCHEMA):
        """A reference to a shared component, built (in the request's language) the first time."""
        component = ResolvedComponent(name=name, type=kind, object=name)
        if component not in self.registry:
            component.schema = build()
            self.registry.register(component)
        return component.ref


class WorkflowStateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "core.api.WorkflowStateField"

    def map_serializer_field(self, auto_schema, direction):
        states = self.target.states
        component = ResolvedComponent(name=states_component_name(states), type=ResolvedComponent.SCHEMA,
                                      object=states, schema={"type": "string", "enum": list(states.values),
                                                             "description": build_choice_description_list(
                                                                 states.choices)})
        auto_schema.registry.register_on_missing(component)
        return component.ref


def states_component_name(states):
    """The enum's class name (`SignedStatus`), with its app's when two apps' workflows use the same name."""
    namesakes = {record_type.workflow.states for record_type in registry
                 if record_type.workflow is not None and record_type.workflow.states.__name__ == states.__name__}
    if len(namesakes) <= 1:
        return states.__name__
    return states.__module__.split(".")[0].capitalize() + states.__name__
