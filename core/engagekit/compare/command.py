"""``engage compare SCOPE``: the command, added to the app by ``cli.build_app``."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engagekit.cli import JsonOpt, SeedOpt, TrialsOpt

if TYPE_CHECKING:
    from engagekit.engine import Engine

__all__ = ["add_compare", "init_scope"]


def init_scope(
    engine: "Engine", scope: Path, project: Path, *, name: str, currency: str, force: bool
) -> None:
    """Write a starter scope (and its project file if absent), checked before it is written."""
    import tomllib
    from decimal import Decimal

    from engagekit import cli
    from engagekit.compare.scopefile import scope_from_dict
    from engagekit.compare.starter import scope_starter_text
    from engagekit.projectfile import project_from_dict
    from engagekit.starter import starter_text

    if scope.exists() and not force:
        cli._fail(f"{scope} exists; pass --force to overwrite it")
    write_project = not project.exists()
    if write_project:
        text = starter_text(engine, ["time-material"], name=name, currency=currency)
        project_from_dict(
            tomllib.loads(text, parse_float=Decimal),
            engine.models,
            base_dir=project.resolve().parent,
            source=project,
            text=text,
        )
        cli._write(project, text)
        typer.echo(f"wrote {project}")
    text = scope_starter_text(scope, project, name=name)
    scope_from_dict(
        tomllib.loads(text, parse_float=Decimal), engine.models, source=scope, text=text
    )
    cli._write(scope, text)
    typer.echo(f"wrote {scope}; try: engage compare {scope}")


def add_compare(app: typer.Typer, engine: "Engine", state: Any) -> None:
    from engagekit import cli

    @app.command()
    def compare(
        scope: Annotated[
            Path, typer.Argument(help="The scope file (TOML).", metavar="SCOPE", show_default=False)
        ],
        models: Annotated[
            str | None,
            typer.Option(help="Models to compare, comma-separated (a mix as a+b); default: all."),
        ] = None,
        goal: Annotated[
            str, typer.Option(help="What to rank by: margin, risk, client-cost or balanced.")
        ] = "balanced",
        json_: JsonOpt = False,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Write the HTML comparison (or, with --json, the JSON) to this file.",
            ),
        ] = None,
        trials: TrialsOpt = None,
        seed: SeedOpt = None,
    ) -> None:
        """Price one scope under every model on the same trials, and recommend one."""
        from engagekit.compare import compare as run_compare
        from engagekit.compare import load_scope
        from engagekit.compare.doc import comparison_doc, show_comparison
        from engagekit.compare.rank import GOALS
        from engagekit.output import dumps

        with cli._errors(state):
            if goal not in GOALS:
                cli._fail(f"unknown goal {goal!r}; use one of {', '.join(GOALS)}", 2)
            chosen = [m.strip() for m in models.split(",") if m.strip()] if models else None
            loaded, project = load_scope(scope, engine.models)
            result = run_compare(
                engine, loaded, project, models=chosen, goal=goal, trials=trials, seed=seed
            )
            if json_:
                cli._emit(dumps(comparison_doc(result)), output)
            elif output is not None:
                from engagekit.compare.html import render_comparison

                cli._emit(render_comparison(result), output)
            else:
                show_comparison(result, cli._console())
