"""From a POST body to a wechatpy message, refusing what could attack the parser.

wechatpy parses with xmltodict (stdlib expat). Recent xmltodict already forbids entity
declarations, but that is a default of a transitive dependency, so we are explicit: a
strict expat pass aborts at the first DOCTYPE, ENTITY, NOTATION or external reference
(XXE, billion laughs) before wechatpy sees the body, and again after AES decryption.
"""

from __future__ import annotations

from typing import Any, Optional, Text
from xml.parsers import expat

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import BaseMessage


class UnsafeXMLError(ValueError):
    """The body declares a DTD or entities (XXE / entity-expansion attack)."""


class MalformedXMLError(ValueError):
    """The body is not the well-formed ``<xml>…</xml>`` document WeChat sends."""


def ensure_safe_xml(raw: bytes, max_depth: int = 8) -> None:
    """Raises unless ``raw`` is a plain ``<xml>`` document without DTD or entities.

    The check is structural, not a substring search: text that merely *contains*
    ``<!DOCTYPE`` inside CDATA (a follower typing it) is fine."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def forbid(*_args: Any) -> None:
        raise UnsafeXMLError("DTD / entity declarations are not allowed")

    def start(name: Text, _attrs: Any) -> None:
        nonlocal depth
        if depth == 0 and name != "xml":
            raise MalformedXMLError("root element must be <xml>")
        depth += 1
        if depth > max_depth:
            raise MalformedXMLError("XML nested too deeply")

    def end(_name: Text) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.NotationDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise MalformedXMLError(str(exc)) from exc


def parse_body(
    body: bytes,
    crypto: Optional[WeChatCrypto] = None,
    msg_signature: Any = None,
    timestamp: Any = None,
    nonce: Any = None,
) -> BaseMessage:
    """The message in ``body`` (decrypted first when ``crypto`` is given).

    Raises UnsafeXMLError, MalformedXMLError, wechatpy's InvalidSignatureException /
    InvalidAppIdException (safe mode), or another exception for an unusable body."""
    ensure_safe_xml(body)
    if crypto is not None:
        xml = crypto.decrypt_message(body, msg_signature, timestamp, nonce)
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        ensure_safe_xml(body)
    message = parse_message(body.decode("utf-8"))
    if message is None or not isinstance(message._data.get("FromUserName"), str):
        raise MalformedXMLError("not a WeChat message")
    return message
