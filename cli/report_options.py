"""The options of ``exchange report NAME``: the shared filters, and each report's own.

The shared filters (``--year``, ``--region`` …) are options of the command; a report
takes those its ``build`` names as keyword parameters. A report's own options
(:class:`exchange.registry.ReportOption`, declared on its ``ReportSpec``) are added to
the command once NAME is known, so ``exchange report NAME --help`` shows them and
click parses and converts them like any other.
"""

from __future__ import annotations

import decimal
import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from .help import LocalizedCommand, localized_help
from .i18n import _, localized
from .params import DAY

if TYPE_CHECKING:
    from exchange.registry import ReportOption, ReportSpec

FILTERS: list[tuple[str, Any, str]] = [
    ("year", click.IntRange(1900, 2999), "The calendar year to report on."),
    ("since", DAY, "First day of the period, e.g. 2024-09-01."),
    ("until", DAY, "Last day of the period, e.g. 2025-07-15."),
    ("region", str, "A region, as written on its schools, e.g. 贵州省黔西南州贞丰县."),
    ("partnership", str, "A partnership, by id or ref."),
    ("school", str, "A school, by id or ref."),
    (
        "programme",
        str,
        "A programme by name, e.g. 百千万 (mentoring) or 两个全覆盖: its records only, "
        "or its thresholds (quotas).",
    ),
    ("rubric", str, "A rubric by id or ref (assessments)."),
    ("period", str, "An assessment period, e.g. 2023-2024学年 (assessments)."),
    ("threshold", click.IntRange(1), "Days of rural service asked for (rural-service; 365)."),
    (
        "by",
        str,
        "Break secondments down by kind (default), role, subject, stage, province, "
        "prefecture or county (summary).",
    ),
]
"""The report filters the command line offers; each report takes the ones its
``build`` function names (see `exchange reports`)."""

OWN = "report_option__"
"""The prefix of the click parameter names of a report's own options."""


def filter_options(command: Any) -> Any:
    """Add one ``--NAME`` option per report filter."""
    for name, kind, text in reversed(FILTERS):
        command = click.option(f"--{name}", type=kind, help=text)(command)
    return command


def report_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of NAME: the registered reports, plugins' included."""
    from exchange.plugins import default_plugins

    return [spec.name for spec in default_plugins().reports if spec.name.startswith(incomplete)]


class ReportCommand(LocalizedCommand):
    """``exchange report``: adds the options NAME declares once NAME is on the line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        name = self._report_name(args)
        if name is not None:
            from exchange.errors import ConfigurationError
            from exchange.plugins import default_plugins

            try:
                spec = default_plugins().reports.get(name)
            except ConfigurationError:
                spec = None  # the command says so, in its own words
            if spec is not None:
                ctx.meta[OWN] = [self._option(spec, option) for option in spec.options]
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The command's parameters and the options of the report being built."""
        return [*super().get_params(ctx), *ctx.meta.get(OWN, ())]

    def _report_name(self, args: list[str]) -> str | None:
        """The first argument that is neither an option nor an option's value."""
        with_value = {
            opt
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag
            for opt in param.opts
        }
        words = iter(args)
        for word in words:
            if not word.startswith("-"):
                return word
            if word in with_value:
                next(words, None)
        return None

    def _option(self, spec: ReportSpec, option: ReportOption) -> click.Option:
        taken = {opt for param in self.params for opt in param.opts}
        if option.flag in taken:
            from exchange.errors import PluginError
            from exchange.i18n import message

            raise PluginError(
                message(
                    "report {name!r} declares the option {flag}, which `exchange report` "
                    "already has; shared filters reach build as keyword parameters",
                    name=spec.name,
                    flag=option.flag,
                )
            )
        return click.Option(
            [option.flag, OWN + option.name],
            type=click_type(option),
            is_flag=option.type == "flag",
            required=option.required,
            help=localized(option.help),
        )


class Number(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.5 on
    """A decimal number, as :class:`decimal.Decimal`."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, decimal.Decimal):
            return value
        try:
            return decimal.Decimal(str(value).strip().replace(",", ""))
        except decimal.InvalidOperation:
            self.fail(_("{value!r} is not a number", value=value), param, ctx)


def click_type(option: ReportOption) -> Any:
    """The click type of a report's own option."""
    types: dict[str, Any] = {
        "text": str,
        "int": int,
        "number": Number(),
        "date": DAY,
        "flag": bool,
        "choice": click.Choice(option.choices),
    }
    return types[option.type]


def split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shared filters and the report's own options the user gave."""
    shared = {k: v for k, v in values.items() if not k.startswith(OWN) and v is not None}
    own = {
        k[len(OWN) :]: v
        for k, v in values.items()
        if k.startswith(OWN) and v is not None and v is not False
    }
    return shared, own


def check(spec: ReportSpec, shared: dict[str, Any]) -> None:
    """Refuse a shared filter ``build`` does not take, or one it needs and was not given."""
    accepted = inspect.signature(spec.build).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    for option in shared:
        if option not in accepted and not takes_any:
            raise click.UsageError(
                _("report {name!r} takes no --{option}", name=spec.name, option=option)
            )
    own = {option.name for option in spec.options}
    for option, parameter in accepted.items():
        needed = parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
        if needed and option not in shared and option not in own:
            raise click.UsageError(
                _("report {name!r} needs --{option}", name=spec.name, option=option)
            )


def described(spec: ReportSpec) -> Iterator[dict[str, Any]]:
    """The options of a report, for ``exchange reports``: the shared filters its ``build``
    takes (every one, for ``**filters``), then its own. Other keyword parameters of
    ``build`` are for callers of the library only and are not listed."""
    parameters = inspect.signature(spec.build).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    for name, kind, text in FILTERS:
        parameter = parameters.get(name)
        if parameter is not None or takes_any:
            required = parameter is not None and parameter.default is parameter.empty
            yield _entry(
                name, f"--{name}", _type_name(kind), required, localized_help(text), shared=True
            )
    for option in spec.options:
        entry = _entry(option.name, option.flag, option.type, option.required, option.help)
        yield {**entry, "choices": list(option.choices)} if option.choices else entry


def _entry(
    name: str, flag: str, kind: str, required: bool, text: str, *, shared: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "option": flag,
        "type": kind,
        "required": required,
        "help": localized(text),
        "shared": shared,
    }


def _type_name(kind: Any) -> str:
    """A shared filter's click type as a :data:`~exchange.registry.OPTION_TYPES` name."""
    if kind is str:
        return "text"
    name = str(getattr(kind, "name", "text"))
    return {"integer": "int", "integer range": "int", "datetime": "date"}.get(name, name)
