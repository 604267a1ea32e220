"""Placeholder until the automation scripts land."""


def handler(events, context):
    raise NotImplementedError("create_snapshot")
