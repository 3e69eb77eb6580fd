"""``resource-get``: the local path of one of the charm's file resources (docs/charm-runtime.md, Resources).

ops and charmhelpers both call ``resource-get <name>`` and take stdout as the
path, so it is printed with no trailing newline. charmhelpers treats any
failure as "no such resource".
"""

from __future__ import annotations

from .base import Command, check_empty, usage_error


class ResourceGet(Command):
    name = "resource-get"
    args_doc = "<resource name>"
    purpose = "Get the path to the locally cached resource file."
    doc = """
"resource-get" is used while a hook is running to get the local path
to the file for the identified resource. This file is an fs-local copy,
unique to the unit for which the hook is running. It is downloaded from
the controller, if necessary.

Examples:
    # resource-get software
    /var/lib/juju/agents/unit-resources-example-0/resources/software/software.zip
"""
    resource: str

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("missing required resource name")
        check_empty(args[1:])
        self.resource = args[0]

    async def run(self) -> None:
        # The context refuses with Juju's "could not download resource: ..." (exit 1).
        path = await self.ctx.resource_get(self.resource)
        self.inv.stdout += path.encode("utf-8", "surrogateescape")


COMMANDS = (ResourceGet,)
