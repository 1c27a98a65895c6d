"""The one start-up step (bot/runtime.py), the switch and version guard of the speed patches,
and the patch helper every change to Rasa goes through (bot/patching.py)."""

import logging

import pytest
import rasa

from bot import patching, rasa_patches, runtime
from bot.tracker_store import RedactingSQLTrackerStore


class Base:
    def inherited(self):
        return "base"


class Owner(Base):
    def method(self):
        return "own"

    @staticmethod
    def static():
        return "static"


def test_patch_records_the_original_and_undo_restores_it_exactly():
    before = patching.applied()
    own, static = Owner.__dict__["method"], Owner.__dict__["static"]

    def method(self):
        return "patched"

    assert patching.patch(Owner, "method", method)
    assert not patching.patch(Owner, "method", lambda self: "again")  # installing twice: no-op
    assert Owner().method() == "patched" and method._jineng_original is own
    assert patching.original(Owner, "method") is own and patching.is_patched(Owner, "method")
    patching.patch(Owner, "static", staticmethod(lambda: "patched static"))
    patching.patch(Owner, "inherited", lambda self: "patched inherited")
    assert (Owner.static(), Owner().inherited()) == ("patched static", "patched inherited")
    patching.undo_all(since=before)
    assert Owner.__dict__["method"] is own and Owner.__dict__["static"] is static
    assert "inherited" not in Owner.__dict__ and Owner().inherited() == "base"
    assert patching.applied() == before and not patching.undo(Owner, "method")


def test_a_module_attribute_is_patched_and_restored():
    import copy

    import rasa.core.processor as processor

    before = patching.applied()
    stand_in = object()
    assert patching.patch(processor, "copy", stand_in) and not patching.patch(processor, "copy", object())
    assert processor.copy is stand_in and patching.original(processor, "copy") is copy
    patching.undo_all(since=before)
    assert processor.copy is copy


@pytest.fixture
def fresh_switch(monkeypatch):
    monkeypatch.setattr(rasa_patches, "_warned", False)
    monkeypatch.setattr(runtime, "_speed_patches", None)
    monkeypatch.setattr(RedactingSQLTrackerStore, "speed_paths", RedactingSQLTrackerStore.speed_paths)
    assert patching.applied() == []  # conftest undid what earlier tests installed
    yield monkeypatch
    patching.undo_all()


def _patched_names():
    return {f"{getattr(owner, '__name__', owner)}.{name}" for owner, name in patching.applied()}


def test_rasa_patches_off_runs_plain_rasa_with_one_warning(fresh_switch, caplog):
    fresh_switch.setenv("RASA_PATCHES", "off")
    with caplog.at_level(logging.WARNING, logger="bot.rasa_patches"):
        assert rasa_patches.install() is False
        assert rasa_patches.install() is False
    assert patching.applied() == []
    assert [r.getMessage() for r in caplog.records] == [
        "speed patches not installed (RASA_PATCHES=off): running plain Rasa"
    ]


def test_another_rasa_version_runs_plain(fresh_switch, caplog):
    fresh_switch.delenv("RASA_PATCHES", raising=False)
    fresh_switch.setattr(rasa, "__version__", "3.7.2")
    with caplog.at_level(logging.WARNING, logger="bot.rasa_patches"):
        assert rasa_patches.install() is False
    assert patching.applied() == []
    assert "Rasa 3.7.2 is not 3.6.x" in caplog.text


def test_runtime_installs_the_watch_always_and_the_speed_patches_unless_off(fresh_switch):
    fresh_switch.setenv("RASA_PATCHES", "off")
    assert runtime.install() is False
    assert _patched_names() == {"RemoteAction.run"}  # the action watch is no speed patch
    patching.undo_all()
    fresh_switch.setattr(runtime, "_speed_patches", None)
    fresh_switch.setenv("RASA_PATCHES", "on")
    assert runtime.install() is True
    names = _patched_names()
    assert {
        "RemoteAction.run",
        "MessageProcessor.handle_message",
        "Event.resolve_by_type",
        "EndpointConfig.request",
        "RemoteAction._validate_action_result",
    } <= names
    assert len(names) == 2 + len(rasa_patches.PATCHES)  # the watch, the turn gate, one method per patch


def test_the_tracker_stores_speed_paths_follow_the_speed_patches(fresh_switch):
    """One decision: with RASA_PATCHES=off the tracker store runs Rasa's own SQL code too
    (bot/tracker_store.py says why its fast paths are speed work)."""
    fresh_switch.setenv("RASA_PATCHES", "off")
    assert runtime.install() is False and RedactingSQLTrackerStore.speed_paths is False
    patching.undo_all()
    fresh_switch.setattr(runtime, "_speed_patches", None)
    fresh_switch.setenv("RASA_PATCHES", "on")
    assert runtime.install() is True and RedactingSQLTrackerStore.speed_paths is True


def test_model_loaded_does_nothing_with_the_patches_off(fresh_switch):
    fresh_switch.setenv("RASA_PATCHES", "off")
    started = []
    fresh_switch.setattr(rasa_patches, "freeze_loaded_objects", started.append)

    class App:
        class ctx:
            class agent:
                @staticmethod
                def is_ready():
                    return True

    runtime.model_loaded(App())
    assert started == []


def test_channels_install_nothing():
    """Building the channels (as Rasa does from credentials.yml) changes nothing in Rasa."""
    from bot.channels.assist import AssistInput
    from bot.channels.rest import GuardedRestInput, GuardedSocketIOInput
    from bot.channels.web import WebWidgetInput
    from bot.channels.wechat import WeChatInput

    before = patching.applied()
    for channel in (GuardedRestInput, GuardedSocketIOInput, WebWidgetInput):
        channel.from_credentials(None)
    AssistInput.from_credentials({"token": "t"})
    WeChatInput.from_credentials({"token": "t"})
    assert patching.applied() == before


def test_the_listeners_go_on_every_server_whatever_its_channels():
    names = [(fn.__name__, event) for fn, event in runtime.listeners()]
    assert names == [
        ("filter_logs", "before_server_start"),
        ("fix_socketio_session_rooms", "before_server_start"),
        ("model_loaded", "after_server_start"),
    ]


def test_one_patch_can_be_left_out_for_a_paired_run(fresh_switch):
    fresh_switch.delenv("RASA_PATCHES", raising=False)
    fresh_switch.setenv("RASA_PATCHES_SKIP", "domain_is_empty_cache, rule_lookup_shortcut")
    assert rasa_patches.install() is True
    names = _patched_names()
    assert "Domain.is_empty" not in names and "RulePolicy._get_possible_keys" not in names
    assert "Event.resolve_by_type" in names
    patching.undo_all()
    fresh_switch.setenv("RASA_PATCHES_SKIP", "no_such_patch")
    with pytest.raises(ValueError, match="no_such_patch"):
        rasa_patches.install()


def test_the_assist_console_takes_the_grades_time_said_last():
    """“拿证两年了” then “哦不对，是2021年拿的”: the console had kept both, and its decision
    (2 years) contradicted the chat's (the year)."""
    from bot.channels.assist import merge

    merged = merge({"skill_grade": "技师", "skill_years": 2}, {"skill_grade_year": 2021})
    assert merged == {"skill_grade": "技师", "skill_grade_year": 2021}
    merged = merge({"skill_grade": "技师", "skill_grade_year": 2021}, {"skill_years": 3})
    assert merged == {"skill_grade": "技师", "skill_years": 3}
    both = merge({}, {"skill_years": 20, "skill_grade_year": 2010})
    assert both["skill_grade_year"] == 2010
