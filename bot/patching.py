"""One way to replace an attribute of a library's class or module, and to put it back.

Every change this project makes to Rasa's (or socket.io's) code goes through ``patch``: it
records the original the first time, so that installing twice is a no-op, ``original``
gives what was there before, and ``undo`` / ``undo_all`` restore it exactly (also when the
attribute was inherited or a ``staticmethod``). Tests restore what they change with
``undo_all(since=…)`` (see ``applied``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

_MISSING = object()

# (id of owner, name) -> (owner, name, the owner's own attribute before, what getattr gave before),
# oldest first.
_APPLIED: Dict[Tuple[int, Text], Tuple[Any, Text, Any, Any]] = {}


def patch(owner: Any, name: Text, replacement: Any) -> bool:
    """Sets ``owner.name = replacement`` unless already patched; True when this call did it.
    A function replacement gets ``_jineng_original`` (what ``getattr(owner, name)`` gave
    before), so callers and tests can reach Rasa's own code."""
    key = (id(owner), name)
    if key in _APPLIED:
        return False
    before = getattr(owner, name, None)
    if callable(replacement) and not isinstance(replacement, (staticmethod, classmethod)):
        try:
            replacement._jineng_original = before
        except (AttributeError, TypeError):
            pass
    elif isinstance(replacement, (staticmethod, classmethod)):
        replacement.__func__._jineng_original = before
    _APPLIED[key] = (owner, name, vars(owner).get(name, _MISSING), before)
    setattr(owner, name, replacement)
    return True


def is_patched(owner: Any, name: Text) -> bool:
    return (id(owner), name) in _APPLIED


def original(owner: Any, name: Text) -> Any:
    """What ``owner.name`` was before ``patch`` (the current attribute if not patched)."""
    entry = _APPLIED.get((id(owner), name))
    return getattr(owner, name) if entry is None else entry[3]


def undo(owner: Any, name: Text) -> bool:
    """Puts the original back; True when something was patched."""
    entry = _APPLIED.pop((id(owner), name), None)
    if entry is None:
        return False
    _, _, own, _ = entry
    if own is _MISSING:
        delattr(owner, name)
    else:
        setattr(owner, name, own)
    return True


def applied() -> List[Tuple[Any, Text]]:
    """The patched (owner, name) pairs, oldest first."""
    return [(owner, name) for owner, name, _, _ in _APPLIED.values()]


def undo_all(since: Optional[List[Tuple[Any, Text]]] = None) -> None:
    """Undoes every patch, newest first, or only those not in ``since`` (an ``applied()``)."""
    keep = {(id(owner), name) for owner, name in since or ()}
    for owner, name, _, _ in reversed(list(_APPLIED.values())):
        if (id(owner), name) not in keep:
            undo(owner, name)
