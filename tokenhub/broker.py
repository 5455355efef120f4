"""The embedded broker: kombu's filesystem transport, with every message file appearing whole.

kombu's ``Channel._put`` creates a message file under its final name and only then writes it; a
worker polling the same folder can move and read it in between and die on half a JSON document
(``JSONDecodeError``; celery/kombu#1551, still open). That is how the ``manage.py up`` demo
worker once crashed. Here a message is written under a name no reader picks up (readers take
only ``*.<queue>.msg``) and then renamed, which POSIX makes atomic within a folder.

The Celery app (tokenhub/celery.py) makes it what ``filesystem://`` names, so the broker URL
alone still says which transport runs.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.partial"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def use_for_filesystem_urls() -> None:
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
