"""A local OpenID Connect provider for the tests: discovery, authorize (the person is already
signed in there), token (a signed RS256 ID token, client secret and PKCE checked), JWKS and
userinfo, as the OpenID Connect Core and Discovery specifications lay them out."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class LocalOpenIDProvider:
    client_id: str = "safepassage"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # The person signed in at the provider, as its claims.
    person: dict[str, Any] = field(default_factory=dict)
    amr: list[str] = field(default_factory=lambda: ["pwd", "otp"])
    token_requests: int = 0

    def __post_init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                provider._get(self)

            def do_POST(self) -> None:
                provider._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- the endpoints ----------------------------------------------------------------------

    def _json(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()
        handler.wfile.write(data)

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        if url.path == "/.well-known/openid-configuration":
            self._json(handler, 200, {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                          "client_secret_basic"],
            })
        elif url.path == "/jwks":
            numbers = self._key.public_key().public_numbers()
            self._json(handler, 200, {"keys": [{
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "test-key",
                "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}]})
        elif url.path == "/authorize":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if query.get("client_id") != self.client_id or query.get("response_type") != "code":
                self._json(handler, 400, {"error": "invalid_request"})
                return
            code = secrets.token_urlsafe(16)
            self._codes[code] = query
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.end_headers()
        elif url.path == "/userinfo":
            token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = self._tokens.get(token)
            if claims is None:
                self._json(handler, 401, {"error": "invalid_token"})
                return
            self._json(handler, 200, claims)
        else:
            self._json(handler, 404, {"error": "not_found"})

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        if urlparse(handler.path).path != "/token":
            self._json(handler, 404, {"error": "not_found"})
            return
        self.token_requests += 1
        length = int(handler.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        basic = handler.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id != self.client_id or secret != self.client_secret:
            self._json(handler, 401, {"error": "invalid_client"})
            return
        request = self._codes.pop(form.get("code", ""), None)
        if (form.get("grant_type") != "authorization_code" or request is None
                or form.get("redirect_uri") != request["redirect_uri"]):
            self._json(handler, 400, {"error": "invalid_grant"})
            return
        if "code_challenge" in request:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != request["code_challenge"]:
                self._json(handler, 400, {"error": "invalid_grant"})
                return
        now = int(time.time())
        id_claims = {"iss": self.issuer, "sub": self.person["sub"], "aud": self.client_id,
                     "iat": now, "exp": now + 300, "amr": self.amr,
                     **({"nonce": request["nonce"]} if "nonce" in request else {})}
        id_token = jwt.encode(id_claims, self._key, algorithm="RS256",
                              headers={"kid": "test-key"})
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = dict(self.person)
        self._json(handler, 200, {"access_token": access_token, "token_type": "Bearer",
                                  "expires_in": 300, "id_token": id_token})
