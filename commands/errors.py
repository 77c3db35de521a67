"""Refusals of the console's commands, printed in Chinese without click's English “Error:”.

    @click.command("evaluate", cls=ConsoleCommand)
    ...
        raise CommandError("期间格式不对。")

A `CommandError` (or a `ConsoleError` from the code a command calls) prints its
message alone on stderr and exits with status 1. Usage mistakes click would
report in English (a missing option, a value that is not a number, an unknown
option) are reported in Chinese the same way.
"""

from __future__ import annotations

from typing import IO, Any

import click

from console.errors import ConsoleError


class CommandError(click.ClickException):
    """A Chinese refusal: the message alone on stderr, exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message without click's English prefix."""
        click.echo(self.format_message(), err=file is None, file=file)


def _hint(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    if param is not None:
        return param.human_readable_name
    return getattr(exc, "param_hint", None) or ""


def usage_message(exc: click.UsageError, ctx: click.Context) -> str:
    """Click's usage error, said in Chinese, with where to read the usage."""
    command = ctx.command_path
    if isinstance(exc, click.NoSuchOption):
        said = f"没有选项 {exc.option_name}。"
    elif isinstance(exc, click.BadOptionUsage):
        said = f"选项 {exc.option_name} 的用法有误（缺少取值？）。"
    elif isinstance(exc, click.MissingParameter):
        said = f"缺少参数 {_hint(exc)}。"
    elif isinstance(exc, click.BadParameter):
        said = f"参数 {_hint(exc)} 的值无效。"
    else:
        said = "命令的参数有误。"
    return f"{said}用法见 {command} --help。"


class ConsoleCommand(click.Command):
    """A click command whose usage errors and refusals read in Chinese (see the module docstring)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Click's parsing, its usage errors re-said in Chinese."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise CommandError(usage_message(exc, ctx)) from exc

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a ConsoleError or a BadParameter raised inside becomes a Chinese refusal."""
        try:
            return super().invoke(ctx)
        except ConsoleError as exc:
            raise CommandError(str(exc)) from exc
        except click.BadParameter as exc:
            hint = _hint(exc)
            raise CommandError(f"{hint}：{exc.message}" if hint else exc.message) from exc
