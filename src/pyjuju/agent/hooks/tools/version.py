"""``application-version-set``: the workload version shown by ``status``."""

from __future__ import annotations

from .base import Command, check_empty, usage_error


class ApplicationVersionSet(Command):
    name = "application-version-set"
    args_doc = "<new-version>"
    purpose = "Specify which version of the application is deployed."
    doc = """
application-version-set tells Juju which version of the application
software is running. This could be a package version number or some
other useful identifier, such as a Git hash, that indicates the
version of the deployed software. (It shouldn't be confused with the
charm revision.) The version set will be displayed in "juju status"
output for the application.
"""
    version: str

    def init(self, args: list[str]) -> None:
        if not args:
            raise usage_error("no version specified")
        self.version = args[0]
        check_empty(args[1:])

    async def run(self) -> None:
        await self.ctx.set_application_version(self.version)


COMMANDS = (ApplicationVersionSet,)
