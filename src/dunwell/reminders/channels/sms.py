"""SMS through a provider plugin. The shipped plugin, ``http-json``, POSTs
``{"to", "body", "reference"}`` with a bearer token to the configured URL and reads ``{"id"}`` back;
other providers install an entry point in the ``dunwell.sms_providers`` group (a class taking
``url`` and ``token``). A 4xx answer is permanent (bad number, refused), a 5xx or a timeout temporary."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib.metadata import entry_points

from dunwell.reminders.channels.base import (
    Channel,
    Delivery,
    OutboundMessage,
    PermanentFailure,
    TemporaryFailure,
)

#: An SMS is cut by the network beyond this; the planner's SMS templates stay within it.
MAX_SMS_CHARACTERS = 612  # four concatenated GSM-7 segments


@dataclass
class HttpJsonSms:
    url: str
    token: str | None = None
    timeout: float = 15.0
    name: str = "sms"

    def send(self, message: OutboundMessage) -> Delivery:
        if not message.to_address:
            raise PermanentFailure("no phone number")
        if len(message.body) > MAX_SMS_CHARACTERS:
            raise PermanentFailure(f"SMS of {len(message.body)} characters (at most {MAX_SMS_CHARACTERS})")
        payload = json.dumps({"to": message.to_address, "body": message.body, "reference": message.key})
        request = urllib.request.Request(
            self.url,
            data=payload.encode(),
            method="POST",
            headers={"Content-Type": "application/json", **self._auth()},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = f"provider answered {error.code}: {error.read()[:300].decode(errors='replace')}"
            if 400 <= error.code < 500 and error.code != 429:
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        return Delivery(provider_ref=str(body.get("id") or message.key))

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def sms_channel(provider: str, url: str, token: str | None) -> Channel:
    """The configured provider: ``http-json`` or an installed ``dunwell.sms_providers`` entry point."""
    if provider == "http-json":
        return HttpJsonSms(url=url, token=token)
    found = [e for e in entry_points(group="dunwell.sms_providers") if e.name == provider]
    if not found:
        raise ValueError(f"no SMS provider {provider!r}: use http-json or install its plugin")
    channel: Channel = found[0].load()(url=url, token=token)
    return channel
