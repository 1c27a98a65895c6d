"""Speed patches on the way to and from the action server: its responses checked against
Rasa's schema without re-checking the schema, and kept-alive connections with orjson.
Installed by bot.rasa_patches.install()."""

from __future__ import annotations

import copy
from typing import Any, Dict, Optional, Text

from bot.jsonfast import dumps_json
from bot.patching import is_patched, patch


def _cached_validator(schema: Dict[Text, Any]):
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def fast_response_check(schema: Dict[Text, Any]):
    """A check equivalent to Rasa's action-response schema, or None if its shape is new.

    Rasa's event schema says "exactly one of 23 event kinds" (``oneOf``), so every event was
    tried against all 23. Each kind is told apart by its ``event`` constant, which the
    event schema requires: exactly one kind matches iff ``event`` is one of the constants
    and that kind's own schema holds. So we check the response with the events reduced to
    "an object whose ``event`` is one of the constants", then each event against its own
    kind only, each part compiled by fastjsonschema."""
    import fastjsonschema

    try:
        event_schema = schema["properties"]["events"]["items"]
        branches = event_schema["oneOf"]
        consts = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return None
    if (
        "event" not in event_schema.get("required", [])
        or len(set(consts)) != len(consts)
        or any(key not in ("type", "properties", "required", "oneOf") for key in event_schema)
    ):
        return None
    shared = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_kind = {const: fastjsonschema.compile({**shared, "allOf": [branch]}) for const, branch in zip(consts, branches)}
    skeleton = copy.deepcopy(schema)
    skeleton["properties"]["events"]["items"] = {
        "type": "object",
        "required": ["event"],
        "properties": {"event": {"enum": consts}},
    }
    check_skeleton = fastjsonschema.compile(skeleton)

    def check(result: Any) -> None:
        """Raises fastjsonschema.JsonSchemaException where Rasa's schema would refuse."""
        check_skeleton(result)
        for event in result.get("events") or ():
            by_kind[event["event"]](event)

    return check


def install_fast_action_result_validation() -> None:
    """Every action-server response is checked against Rasa's schema. jsonschema 4.17
    re-checked the schema itself on every call (42% of the server's CPU under load), and
    even with the validator built once, trying each event against all 23 event kinds cost
    about 0.3 ms per event (10% of the CPU of a turn that answers). A response is now first
    checked by ``fast_response_check``; only when that refuses it does Rasa's own
    validation run, to raise Rasa's exact error."""
    import fastjsonschema
    from jsonschema.exceptions import ValidationError, best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    remote = rasa_action.RemoteAction
    if is_patched(remote, "_validate_action_result"):
        return
    schema = remote.action_response_format_spec()
    validator = _cached_validator(schema)
    fast_check = fast_response_check(schema) or validator.validate

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        try:
            fast_check(result)
            return True
        except (fastjsonschema.JsonSchemaException, ValidationError):
            pass
        error = best_match(validator.iter_errors(result))  # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    patch(remote, "_validate_action_result", _validate_action_result)


# Shorter than Sanic's 5 s keep-alive on the action server, so that the client does not
# reuse a connection the server is just closing.
KEEPALIVE_SECONDS = 4.0


def install_kept_alive_endpoint_requests() -> None:
    """`EndpointConfig.request` opens a new aiohttp session, hence a new TCP connection,
    for every action-server call, and encodes the tracker with the standard json module:
    9% of the server's CPU. This keeps one session per endpoint and event loop with
    kept-alive connections and encodes with orjson; everything else is Rasa's code path
    (headers, params, auth, errors). A call over a kept connection that the server had
    already closed (server restarted) is sent once more on a fresh connection; our
    actions compute answers without side effects, so a repeat is harmless."""
    import asyncio
    import ssl

    import aiohttp
    import orjson
    from aiohttp import ContentTypeError
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, FileNotFoundException

    from bot import turn_gate

    if is_patched(EndpointConfig, "request"):
        return

    def kept_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self.__dict__.get("_jineng_session")
        if session is None or session.closed or session._loop is not loop:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            )
            session = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                json_serialize=dumps_json,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS, ttl_dns_cache=300),
            )
            self.__dict__["_jineng_session"] = session
        return session

    async def request(
        self,
        method: Text = "post",
        subpath: Optional[Text] = None,
        content_type: Optional[Text] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        headers.update(kwargs.pop("headers", None) or {})
        if self.headers:
            headers.update(self.headers)
        url = concat_url(self.url, subpath)
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile) if self.cafile else None
        except FileNotFoundError as e:
            raise FileNotFoundException(f"Failed to find certificate file, '{self.cafile}' does not exist.") from e
        params = self.combine_parameters(kwargs)
        for attempt in (1, 2):
            try:
                async with (
                    turn_gate.outside_gate(),
                    kept_session(self).request(
                        method, url, headers=headers, params=params, compress=compress, ssl=sslcontext, **kwargs
                    ) as response,
                ):
                    if response.status >= 400:
                        raise ClientResponseError(response.status, response.reason, await response.content.read())
                    try:
                        return await response.json(loads=orjson.loads)
                    except ContentTypeError:
                        return None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt == 2:
                    raise

    patch(EndpointConfig, "request", request)
