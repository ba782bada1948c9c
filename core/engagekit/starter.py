"""``engage init``: a commented starter project built from the models' example settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import tomli_w

from engagekit.engine import Engine
from engagekit.projectfile import unknown_model


def _months_later(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def starter_text(engine: Engine, models: Sequence[str], *, name: str, currency: str) -> str:
    """TOML text of a project with one component per model, one after the other."""
    for m in models:
        if m not in engine.models:
            raise unknown_model(m, engine.models)
    today = date.today()
    start = _months_later(date(today.year, today.month, 1), 1)
    parts = [
        "# An engagekit project. Check it with: engage validate FILE",
        "# Format: docs/project-file.md. Data file paths are relative to this file.",
        "",
        tomli_w.dumps({"project": {"name": name, "client": "Client Ltd", "currency": currency}}),
        "# Working calendar: hours per weekday in a time zone, public holidays by country.",
        tomli_w.dumps({"calendar": {"timezone": "Europe/Berlin", "country": "DE", "hours": "8x5"}}),
        "# Rates per role (per person overrides a role), effective-dated; cost beside bill.",
        tomli_w.dumps(
            {
                "rate_card": {
                    "overtime": Decimal("1.5"),
                    "rates": [
                        {"role": "developer", "bill": 95, "cost": 55},
                        {"role": "lead", "bill": 120, "cost": 70},
                    ],
                }
            }
        ),
    ]
    for i, model in enumerate(models):
        spec = engine.models[model]
        first = _months_later(start, 6 * i)
        last = _months_later(first, 6) - timedelta(days=1)
        component: dict[str, Any] = {
            "name": f"{model} {i + 1}"
            if models.count(model) > 1
            else model.replace("-", " ").title(),
            "model": model,
            "start": first,
            "end": last,
        }
        parts.append(f"# {spec.summary} (model {model!r}, plugin {spec.plugin})")
        # Written by hand as [[components]] so every table below belongs to this component.
        parts.append("[[components]]\n" + tomli_w.dumps(component))
        if spec.example:
            parts.append(tomli_w.dumps({"components": {"settings": spec.example}}))
    return "\n".join(parts)
