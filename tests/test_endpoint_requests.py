"""Kept-alive action-server calls (bot/rasa_patches/action_server.py) behave as Rasa's: same body,
params, token and errors, over one reused connection, and survive a server restart."""

import asyncio
import json

import aiohttp
import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.rasa_patches import install_kept_alive_endpoint_requests


@pytest.fixture(autouse=True)
def kept_alive_requests():
    install_kept_alive_endpoint_requests()  # conftest puts Rasa's back after each test


BODY = {
    "next_action": "action_x",
    "tracker": {
        "events": [{"text": "我是技师，电话？", "confidence": 0.93}],
        "slots": {"skill_years": 3, "awards": ["quanguo_jineng_nengshou"]},
    },
}


class Server:
    """A tiny aiohttp server that records the body, query and client port of each call."""

    def __init__(self):
        self.calls = []

    async def handler(self, request):
        self.calls.append(
            {
                "body": await request.json(),
                "query": dict(request.query),
                "port": request.transport.get_extra_info("peername")[1],
                "content_type": request.headers.get("Content-Type"),
            }
        )
        if request.path == "/fail":
            return web.Response(status=500, text="boom")
        return web.json_response({"events": [], "responses": [{"text": "好的"}]})

    async def start(self, port=0):
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handler)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    async def stop(self):
        await self.runner.cleanup()


def test_calls_reuse_one_connection_and_send_what_rasa_sends():
    async def scenario():
        server = Server()
        port = await server.start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="secret")
        answers = [await endpoint.request(json=BODY, method="post", timeout=10) for _ in range(5)]
        await server.stop()
        return server.calls, answers

    calls, answers = asyncio.run(scenario())
    assert answers == [{"events": [], "responses": [{"text": "好的"}]}] * 5
    assert [c["body"] for c in calls] == [json.loads(json.dumps(BODY))] * 5
    assert all(c["query"] == {"token": "secret"} and c["content_type"] == "application/json" for c in calls)
    assert len({c["port"] for c in calls}) == 1  # one kept-alive connection


def test_http_errors_raise_rasas_error():
    async def scenario():
        server = Server()
        port = await server.start()
        try:
            await EndpointConfig(f"http://127.0.0.1:{port}").request(subpath="fail", json=BODY)
        finally:
            await server.stop()

    with pytest.raises(ClientResponseError) as error:
        asyncio.run(scenario())
    assert error.value.status == 500


def test_a_restarted_server_is_reached_again_and_a_stopped_one_raises():
    async def scenario():
        server = Server()
        port = await server.start()
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        first = await endpoint.request(json=BODY)
        await server.stop()  # the kept connection dies with it
        server = Server()
        await server.start(port)
        second = await endpoint.request(json=BODY)
        await server.stop()
        with pytest.raises(aiohttp.ClientConnectionError):  # what RemoteAction turns into its error
            await endpoint.request(json=BODY)
        return first, second

    first, second = asyncio.run(scenario())
    assert first == second == {"events": [], "responses": [{"text": "好的"}]}
