"""The marker plugins use on their hook implementations: ``@engagekit.hookimpl``."""

import pluggy

hookimpl = pluggy.HookimplMarker("engagekit")
