"""A browser for the cluster: its own cookies, the real forms with their CSRF tokens, through the balancer (HTTPS) or
straight to one instance.

Cookies are kept here rather than in requests' jar: the session cookie is Secure, which requests sends over HTTPS
only, and the tests also talk to an instance on its plain loopback port, as haproxy does. A request sent there carries
the headers haproxy would add (X-Forwarded-Proto: https, X-Forwarded-For), which the instance trusts from one proxy.
"""

import http.cookiejar
import re
import threading
from http.cookies import SimpleCookie

import requests

from tests.factories import PASSWORD
from tests.scale.cluster import Cluster

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive connection pool per thread, which never keeps a cookie itself."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return _local.session


class Browser:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _base(self, via: str | None) -> str:
        return self.cluster.instances[via].url if via else self.cluster.url

    def request(self, method: str, path: str, via: str | None = None, **kwargs) -> requests.Response:
        """`via`: the name of an instance to talk to directly; None: through haproxy."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   # Flask-WTF checks that an HTTPS form was posted from this site (its Referer), as a browser does.
                   "Referer": f"{self.cluster.url}{path}", "Accept-Language": "en"}  # English pages before login
        if via:
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1",
                            "Host": f"127.0.0.1:{self.cluster.balancer.https_port}"})
        response = _session().request(method, self._base(via) + path, headers=headers, allow_redirects=False,
                                      verify=self.cluster.certificate, timeout=60, **kwargs)
        self._keep(response)
        return response

    def _keep(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, via: str | None = None) -> requests.Response:
        return self.request("GET", path, via)

    def token(self, page: str, via: str | None = None) -> str:
        response = self.get(page, via)
        assert response.status_code == 200, f"{page} answered {response.status_code}"
        match = CSRF_RE.search(response.text)
        assert match, f"{page} has no CSRF token"
        return match.group(1)

    def post(self, path: str, data: dict | None = None, token: str | None = None, via: str | None = None,
             **kwargs) -> requests.Response:
        payload = {"csrf_token": token, **(data or {})} if token else (data or {})
        return self.request("POST", path, via, data=payload, **kwargs)

    def submit(self, path: str, data: dict, via: str | None = None, page: str | None = None,
               **kwargs) -> requests.Response:
        """GET the form's page, then POST `data` with its token (both through `via`)."""
        return self.post(path, data, token=self.token(page or path, via), via=via, **kwargs)

    def login(self, email: str, password: str = PASSWORD, via: str | None = None) -> "Browser":
        """Log in through the form; `csrf` keeps its token, which stays good for the session's other forms (Flask-WTF
        signs the session's own secret, and logging in keeps the session's keys)."""
        self.csrf = self.token("/login", via)
        response = self.post("/login", {"email": email, "password": password}, token=self.csrf, via=via)
        assert response.status_code == 302, f"login of {email} answered {response.status_code}"
        return self


def instance_of(response: requests.Response) -> str:
    return response.headers.get("X-Instance", "?")
