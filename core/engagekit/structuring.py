"""Settings structured without cattrs when they are valid: the common case, and most of what
`engage validate` did before reading any data (importing cattrs and generating a structuring
function per class cost about as much as the rest of the command).

`Structurer.structure` does what ``settings.make_converter()`` does for the types that
settings use, with the same hooks, or raises: `Unsupported` for a type whose cattrs dispatch
it does not mirror, anything else for a value that cattrs would refuse too. Either way
``settings.structure`` then structures the table again with cattrs, so every error (message,
key path, order) is cattrs' own; this module never words one.
"""

from __future__ import annotations

import builtins
import collections.abc
import functools
import inspect
import keyword
import sys
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Structurer", "Unsupported"]

Hook = Callable[[Any, Any], Any]
Plan = Callable[[Any], Any]

#: Classes that cattrs' converter dispatches on by class (and on their subclasses): a subclass
#: of one of these is not structured here. The settings hooks are added to them.
_CATTRS_CLASSES = (str, bytes, int, float, Path)
_SEQUENCES = (list, tuple, collections.abc.Sequence, collections.abc.MutableSequence)


class Unsupported(Exception):
    """A type whose structuring is left to cattrs."""


class Structurer:
    """The fast path of one converter: ``hooks`` are its class hooks (exact classes)."""

    def __init__(self, hooks: Mapping[type, Hook]) -> None:
        self._hooks = dict(hooks)
        self._dispatched = (*_CATTRS_CLASSES, *hooks)
        self._plans: dict[Any, Plan] = {}

    def structure(self, value: Any, tp: Any) -> Any:
        return self._plan(tp)(value)

    def _plan(self, tp: Any) -> Plan:
        try:
            return self._plans[tp]
        except KeyError:
            pass
        except TypeError:  # an unhashable type argument
            raise Unsupported(tp) from None
        plan = self._make(tp)
        self._plans[tp] = plan
        return plan

    def _make(self, tp: Any) -> Plan:
        hook = self._hooks.get(tp)
        if hook is not None:
            return lambda v: hook(v, tp)
        if tp is Any or tp is object:
            return lambda v: v
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is None and isinstance(tp, type):
            if issubclass(tp, self._dispatched) or not attrs.has(tp):
                raise Unsupported(tp)  # an enum, a str subclass, a bare list...
            if getattr(tp, "__parameters__", ()):
                raise Unsupported(tp)
            return self._attrs(tp)
        if origin in (typing.Union, types.UnionType):
            return self._union(args)
        if origin is typing.Literal:
            if not all(type(a) in (str, int, bool) for a in args):
                raise Unsupported(tp)  # enums: cattrs maps values to members
            return lambda v: _literal(v, args)
        if origin in _SEQUENCES:
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                raise Unsupported(tp)  # a fixed-length tuple
            if len(args) not in (1, 2):
                raise Unsupported(tp)
            return self._sequence(args[0], tuple if origin is tuple else list)
        if origin is dict and len(args) == 2:
            return self._mapping(*args)
        raise Unsupported(tp)

    def _attrs(self, cls: type) -> Plan:
        fields: list[tuple[str, str, bool, Any]] | None = None

        def structure_cls(value: Any) -> Any:
            nonlocal fields
            if fields is None:
                fields = self._fields(cls)
            if not isinstance(value, dict):
                raise TypeError("not a table")
            kwargs = {}
            n = 0
            for name, alias, required, tp in fields:
                if name in value:
                    kwargs[alias] = self._plan(tp)(value[name])
                    n += 1
                elif required:
                    raise KeyError(name)
            if n != len(value):
                raise KeyError("unknown key")
            return cls(**kwargs)

        return structure_cls

    @staticmethod
    def _fields(cls: type) -> list[tuple[str, str, bool, Any]]:
        hints = type_hints(cls)
        out = []
        for a in attrs.fields(cls):
            if not a.init:
                continue  # not a key cattrs accepts
            tp = hints.get(a.name, a.type)
            if tp is None or isinstance(tp, str | typing.TypeVar):
                raise Unsupported(cls)
            if typing.get_origin(tp) in (typing.Final, typing.Annotated) or tp is typing.Final:
                raise Unsupported(cls)
            out.append((a.name, a.alias, a.default is attrs.NOTHING, tp))
        return out

    def _union(self, args: tuple[Any, ...]) -> Plan:
        arms = [a for a in args if a is not type(None)]
        nullable = len(arms) < len(args)
        if len(arms) == 1:  # Optional: cattrs' own handling
            (arm,) = arms

            def optional(v: Any) -> Any:
                return None if v is None else self._plan(arm)(v)

            return optional

        def union(v: Any) -> Any:
            # the union hook of settings.make_converter: the first arm that takes the value
            if v is None and nullable:
                return None
            for arm in arms:
                try:
                    return self._plan(arm)(v)
                except Unsupported:
                    raise
                except Exception:
                    continue
            raise TypeError("no arm of the union")

        return union

    def _sequence(self, item: Any, kind: type) -> Plan:
        def sequence(v: Any) -> Any:
            if isinstance(v, str | bytes | dict):
                raise TypeError("not a list")
            plan = self._plan(item)
            return kind([plan(x) for x in v])

        return sequence

    def _mapping(self, key: Any, val: Any) -> Plan:
        def mapping(v: Any) -> Any:
            if not isinstance(v, dict):
                raise TypeError("not a table")
            kp, vp = self._plan(key), self._plan(val)
            return {kp(k): vp(x) for k, x in v.items()}

        return mapping


def _literal(v: Any, args: tuple[Any, ...]) -> Any:
    if v not in args:
        raise ValueError("not in the literal")
    return v


def type_hints(cls: type) -> dict[str, Any]:
    """``typing.get_type_hints(cls, include_extras=True)`` (what cattrs resolves a class's
    fields with), without its cost: a name is looked up, an expression evaluated once per
    text, in the same places and order (the module of the class that annotates it, then that
    class's namespace, then the builtins). `Unsupported` for what it would resolve further
    (a string inside a type)."""
    hints: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        annotated = inspect.get_annotations(base)
        if not annotated:
            continue
        module = getattr(sys.modules.get(base.__module__), "__dict__", {})
        namespace = dict(vars(base))
        for name, value in annotated.items():
            if isinstance(value, str):
                value = _evaluated(value, module, namespace)
            if value is None:
                value = type(None)
            _check_resolved(value, cls)
            hints[name] = value
    return hints


def _evaluated(text: str, module: dict[str, Any], namespace: dict[str, Any]) -> Any:
    if text.isidentifier() and not keyword.iskeyword(text):
        for scope in (module, namespace, builtins.__dict__):
            if text in scope:
                return scope[text]
    return eval(_compiled(text), namespace, module)  # an annotation, evaluated as typing does


@functools.cache
def _compiled(text: str) -> types.CodeType:
    return compile(text, "<string>", "eval")


def _check_resolved(tp: Any, cls: type) -> None:
    if isinstance(tp, str | typing.ForwardRef):
        raise Unsupported(cls)
    for arg in typing.get_args(tp):
        if not isinstance(arg, int | bool | str) or typing.get_origin(tp) is not typing.Literal:
            _check_resolved(arg, cls)
