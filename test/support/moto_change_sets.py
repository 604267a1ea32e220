"""Teach moto's CloudFormation change sets what DescribeChangeSet reports in AWS.

CloudFormation API reference, DescribeChangeSet and the ResourceChange data type: each
change of a resource carries its Action (Add, Modify, Remove), LogicalResourceId,
PhysicalResourceId (for an existing resource), ResourceType, and for a Modify its
Replacement (True, False or Conditional), Scope and Details (which property changes, whether
that property "RequiresRecreation", and whether the change comes from a parameter reference
or a direct modification of the template). The CloudFormation User Guide, "Update behaviors
of stack resources", says a change to a property whose reference reads "Update requires:
Replacement" makes a new physical resource and deletes the old one.

moto 5.2 lists only Action, LogicalResourceId and ResourceType, and compares templates only:
an update that changes a parameter alone (the cluster a stack protects, say) shows no change
at all. Here a Modify is found for every resource whose properties differ or refer to a
changed parameter (Ref or a ${Name} inside Fn::Sub), with the property-level details, and
Replacement from a table of the properties that require replacement, for the resource types
the tests use (AWS resource and property types reference); an unknown type answers
Conditional, as AWS does when it cannot tell before the update.
"""
import re

import moto.cloudformation.models as cfn_models

# "Update requires: Replacement" properties (AWS resource and property types reference).
REPLACING_PROPERTIES = {
    "AWS::SNS::Topic": {"TopicName", "FifoTopic"},
    "AWS::SQS::Queue": {"QueueName", "FifoQueue"},
}


def _references(value):
    """Parameters (and resources) a property value refers to: Ref, and ${Name} in Fn::Sub."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                if isinstance(text, str):
                    found.update(re.findall(r"\$\{([^}!.]+)\}", text))
                if isinstance(inner, list) and len(inner) > 1:
                    found.update(_references(inner[1]))
            else:
                found.update(_references(inner))
    elif isinstance(value, list):
        for item in value:
            found.update(_references(item))
    return found


class _ResourceChange:
    """Serialised by moto's response layer as a ResourceChange (attribute names in snake case)."""

    def __init__(self, action, logical_id, resource_type, physical_id=None, details=None):
        self.action = action
        self.logical_resource_id = logical_id
        self.resource_type = resource_type
        self.physical_resource_id = physical_id
        if action == "Modify":
            replacing = REPLACING_PROPERTIES.get(resource_type)
            names = {d["Target"]["Name"] for d in details}
            if replacing is None:
                self.replacement = "Conditional"
            else:
                self.replacement = "True" if names & replacing else "False"
            self.scope = ["Properties"]
            self.details = details


def _diff(self):
    stack = self.stack
    old_resources = stack.resource_map._resource_json_map if stack.resource_map else {}
    new_resources = self.template_dict.get("Resources", {})
    old_parameters = dict(stack.stack_parameters or {})
    changed = {name for name, value in (self.parameters or {}).items() if old_parameters.get(name) != value}
    physical = {}
    for logical_id, resource in getattr(stack.resource_map, "_parsed_resources", {}).items():
        physical[logical_id] = getattr(resource, "physical_resource_id", None) or (resource if isinstance(resource, str) else None)
    changes = []
    for logical_id, new in new_resources.items():
        if logical_id not in old_resources:
            changes.append(_ResourceChange("Add", logical_id, new["Type"]))
            continue
        old = old_resources[logical_id]
        old_properties = old.get("Properties", {}) or {}
        new_properties = new.get("Properties", {}) or {}
        details = []
        for name in sorted(set(old_properties) | set(new_properties)):
            value = new_properties.get(name)
            requires = "Always" if name in REPLACING_PROPERTIES.get(new["Type"], set()) else "Never"
            target = {"Attribute": "Properties", "Name": name, "RequiresRecreation": requires}
            if old_properties.get(name) != value:
                details.append({"Target": target, "Evaluation": "Static", "ChangeSource": "DirectModification"})
            else:
                for parameter in sorted(_references(value) & changed):
                    details.append(
                        {"Target": target, "Evaluation": "Static", "ChangeSource": "ParameterReference", "CausingEntity": parameter}
                    )
        if details or old.get("Type") != new["Type"]:
            changes.append(_ResourceChange("Modify", logical_id, new["Type"], physical.get(logical_id), details))
    for logical_id, old in old_resources.items():
        if logical_id not in new_resources:
            changes.append(_ResourceChange("Remove", logical_id, old["Type"], physical.get(logical_id)))
    return changes


if not getattr(cfn_models.ChangeSet.diff, "documented", False):
    _diff.documented = True
    cfn_models.ChangeSet.diff = _diff
