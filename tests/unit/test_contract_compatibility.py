import copy

import pytest

from contracts.events.intake import WorkerRegistered
from tools.contracts import IncompatibleSchema, check_compatible, event_schema


def test_adding_an_optional_field_is_compatible():
    old = event_schema(WorkerRegistered)
    new = copy.deepcopy(old)
    new["properties"]["data"]["properties"]["street_code"] = {"type": "string"}
    check_compatible(old, new)


def test_removing_a_field_needs_a_new_version():
    old = event_schema(WorkerRegistered)
    new = copy.deepcopy(old)
    del new["properties"]["data"]["properties"]["community_code"]
    with pytest.raises(IncompatibleSchema, match="community_code"):
        check_compatible(old, new)


def test_changing_a_type_needs_a_new_version():
    old = event_schema(WorkerRegistered)
    new = copy.deepcopy(old)
    new["properties"]["data"]["properties"]["layoff_date"] = {"type": "integer"}
    with pytest.raises(IncompatibleSchema, match="layoff_date"):
        check_compatible(old, new)


def test_a_newly_required_field_needs_a_new_version():
    old = event_schema(WorkerRegistered)
    new = copy.deepcopy(old)
    new["properties"]["data"]["properties"]["street_code"] = {"type": "string"}
    new["properties"]["data"]["required"].append("street_code")
    with pytest.raises(IncompatibleSchema, match="street_code"):
        check_compatible(old, new)
