"""Speed fixes for Rasa 3.6 internals, installed once at start-up by bot/runtime.py.
Each keeps Rasa's behaviour and is checked against it in tests/test_rasa_patches.py;
each docstring says what it cost before, measured with py-spy on a loaded server.

They are written against Rasa 3.6's internals, so ``enabled()`` allows them only on Rasa
3.6.x (any other version runs plain, with one warning), and ``RASA_PATCHES=off`` runs plain
Rasa on purpose (CONTRACT.md §5). Every replacement goes through ``bot.patching.patch``,
which records the original and can put it back. The patches live by what they speed up:
``action_server`` (calls to the action server), ``trackers`` (events), ``prediction`` (graphs,
rules, forms, domain).
"""

from __future__ import annotations

import logging
import os
from typing import Any, List, Text

from bot.rasa_patches.action_server import (  # noqa: F401 - re-exported: tests install one patch at a time
    KEEPALIVE_SECONDS,
    fast_response_check,
    install_fast_action_result_validation,
    install_kept_alive_endpoint_requests,
)
from bot.rasa_patches.prediction import (  # noqa: F401
    install_domain_is_empty_cache,
    install_in_order_graph_runner,
    install_rule_lookup_shortcut,
    install_unique_entity_mapping_cache,
    run_graph_in_order,
)
from bot.rasa_patches.trackers import (  # noqa: F401
    install_event_type_cache,
)

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."
OFF_VALUES = ("0", "off", "false", "no")
_warned = False


def enabled() -> bool:
    """Whether the speed patches may be installed: not switched off with ``RASA_PATCHES``,
    and the Rasa they were written for (3.6.x); otherwise one warning, and plain Rasa."""
    global _warned
    import rasa

    if os.environ.get("RASA_PATCHES", "on").strip().lower() in OFF_VALUES:
        why = "RASA_PATCHES=off"
    elif not rasa.__version__.startswith(SUPPORTED_RASA):
        why = f"Rasa {rasa.__version__} is not {SUPPORTED_RASA}x, which they were written for"
    else:
        return True
    if not _warned:
        _warned = True
        logger.warning("speed patches not installed (%s): running plain Rasa", why)
    return False


_FROZEN = False


def freeze_loaded_objects(agent: Any) -> None:
    """Moves everything alive after the model has loaded (spaCy and jieba dictionaries,
    the domain, the policies: ~570k objects) out of the garbage collector's reach.
    Measured under load before this: every few seconds a full collection walked them all
    and stopped the server for ~270 ms, stalling every conversation in flight; after it,
    a full collection takes ~3 ms. Once per process, and only when a model is loaded."""
    global _FROZEN
    import gc

    if _FROZEN or agent is None or not agent.is_ready():
        return
    _FROZEN = True
    gc.collect()
    gc.freeze()
    logger.info("model loaded: %d objects kept out of garbage collection", gc.get_freeze_count())


# Installed in this order; RASA_PATCHES_SKIP names some to leave out (paired runs per patch).
PATCHES = {
    "fast_action_result_validation": install_fast_action_result_validation,
    "event_type_cache": install_event_type_cache,
    "unique_entity_mapping_cache": install_unique_entity_mapping_cache,
    "in_order_graph_runner": install_in_order_graph_runner,
    "kept_alive_endpoint_requests": install_kept_alive_endpoint_requests,
    "domain_is_empty_cache": install_domain_is_empty_cache,
    "rule_lookup_shortcut": install_rule_lookup_shortcut,
}


def skipped() -> List[Text]:
    """The patches ``RASA_PATCHES_SKIP`` (comma-separated names of ``PATCHES``) leaves out, so
    that a paired run can measure what one patch earns; an unknown name is an error."""
    names = [n.strip() for n in os.environ.get("RASA_PATCHES_SKIP", "").split(",") if n.strip()]
    unknown = [n for n in names if n not in PATCHES]
    if unknown:
        raise ValueError(f"RASA_PATCHES_SKIP: unknown patch(es) {unknown}; known: {', '.join(PATCHES)}")
    return names


def install() -> bool:
    """Installs every speed patch (but those in ``RASA_PATCHES_SKIP``) if ``enabled()``;
    True when they are in."""
    if not enabled():
        return False
    skip = skipped()
    if skip:
        logger.warning("speed patches left out (RASA_PATCHES_SKIP): %s", ", ".join(skip))
    for name, install_patch in PATCHES.items():
        if name not in skip:
            install_patch()
    return True
