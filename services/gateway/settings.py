from __future__ import annotations

from shared.config import CommonSettings


class GatewaySettings(CommonSettings, kw_only=True):
    gateway_port: int = 5001
    # Where clients reach the gateway; used in links and printed examples.
    public_url: str = ""
    upload_chunk_size: int = 256 * 1024

    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.gateway_port}"
