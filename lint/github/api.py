"""How notelint talks to the GitHub API: the token, the client, time limits, and one
scrubber for every message that could carry the token.

A token pasted with a trailing newline made requests refuse the header and print it
in its error; an API that never answered held a run for minutes while PyGithub's
default retry resent the POST that creates a check run (a second check appeared).
So: the token is stripped and checked before use; only GET is retried, never a
write whose answer was lost; each request has a timeout and the whole publishing
step a deadline.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, TypeVar
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from github import Github

TIMEOUT_ENV = "NOTELINT_GITHUB_TIMEOUT"
DEADLINE_ENV = "NOTELINT_GITHUB_DEADLINE"
DEFAULT_TIMEOUT = 10.0  # seconds per request
DEFAULT_DEADLINE = 60.0  # seconds for the whole publishing step
# PyGithub waits a second between writes (GitHub's advice against secondary rate
# limits): a check run with many annotation batches gets that much more by default.
DEADLINE_PER_BATCH = 2.0
# Tokens GitHub issues are ASCII letters, digits and `_`; allow any printable ASCII.
_TOKEN = re.compile(r"[!-~]+")
_TOKEN_SHAPE = re.compile(r"\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]+")
T = TypeVar("T")


class GitHubError(Exception):
    """The network or the API failed otherwise; the caller prints this and exits 2."""


class Unavailable(Exception):
    """GitHub refused with 403; the caller says so and carries on without it."""


def read_token(env: Mapping[str, str]) -> str:
    """GITHUB_TOKEN without surrounding whitespace (a secret pasted with its newline).

    Whitespace or a control character inside is refused before anything is sent: it
    would break the Authorization header, and requests' error would print it.
    """
    token = env.get("GITHUB_TOKEN", "").strip()
    if token and not _TOKEN.fullmatch(token):
        raise GitHubError(
            "GITHUB_TOKEN holds whitespace, a control character or a non-ASCII character "
            "inside it; it was not sent (check how the secret was pasted)"
        )
    return token


@dataclass(frozen=True)
class Limits:
    timeout: float  # per request
    deadline: float | None  # the whole step; None: the default, scaled to the work


def _seconds(env: Mapping[str, str], name: str) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise GitHubError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def read_limits(env: Mapping[str, str]) -> Limits:
    return Limits(_seconds(env, TIMEOUT_ENV) or DEFAULT_TIMEOUT, _seconds(env, DEADLINE_ENV))


def deadline_for(limits: Limits, requests: int = 1) -> float:
    if limits.deadline is not None:
        return limits.deadline
    return DEFAULT_DEADLINE + DEADLINE_PER_BATCH * max(0, requests - 1)


_ESCAPES: tuple[Callable[[str], str], ...] = (
    lambda s: repr(s)[1:-1],
    # repr() picks the quote the text lacks, escaping the other only when it has both.
    lambda s: repr(s)[1:-1].replace("'", "\\'"),
    lambda s: repr(s)[1:-1].replace('"', '\\"'),
    lambda s: ascii(s)[1:-1],
    lambda s: repr(s.encode("utf-8", "backslashreplace"))[2:-1],
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: quote(s, safe=""),
    lambda s: quote(s),
    lambda s: quote_plus(s, safe=""),
)


def secret_forms(secret: str) -> set[str]:
    """The ways a message can spell `secret`: as is, escaped by repr() or ascii() (an
    exception's args, a header in requests' error), by JSON (an API echoing it), and
    percent-encoded (a URL); also each of these escaped once more (the repr of an
    error message that quotes a repr)."""
    if not secret:
        return set()
    once = {escape(secret) for escape in _ESCAPES}
    twice = {escape(form) for form in once for escape in _ESCAPES}
    return {secret} | once | twice


class Scrubber:
    """Removes the token, in every form it can be written, from a message.

    Built from the raw value of GITHUB_TOKEN as well as the stripped token, so a
    message quoting either is cleaned; anything shaped like a GitHub token goes too.
    """

    def __init__(self, *secrets: str) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= secret_forms(secret) | secret_forms(secret.strip())
        # Longest first: a form that contains another must go whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, "***")
        return _TOKEN_SHAPE.sub("***", text)


def scrubber_for(env: Mapping[str, str]) -> Scrubber:
    raw = env.get("GITHUB_TOKEN", "")
    return Scrubber(raw, raw.strip())


class _ScrubFilter(logging.Filter):
    def __init__(self, scrub: Scrubber) -> None:
        super().__init__()
        self.scrub = scrub

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.scrub(record.getMessage()), None
        return True


def route_logs(log: TextIO, scrub: Scrubber) -> None:
    """PyGithub's and urllib3's warnings (a retry, a dropped connection) go to `log`,
    scrubbed, instead of their own stderr handlers."""
    import github  # noqa: F401  # its import sets the logger's level and handler: first

    handler = logging.StreamHandler(log)
    handler.addFilter(_ScrubFilter(scrub))
    handler.setFormatter(logging.Formatter("notelint: %(name)s: %(message)s"))
    for name in ("github", "urllib3"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.WARNING)  # PyGithub logs every 403 at INFO
        logger.propagate = False


def make_client(env: Mapping[str, str], token: str, limits: Limits | None = None) -> Github:
    from github import Auth, Github, GithubRetry

    limits = limits or read_limits(env)
    retry = GithubRetry(
        total=3,
        backoff_factor=0.5,
        # A lost answer to a POST or PATCH may hide a change already made (a check run
        # created, annotations appended): only reads are sent again. Connection
        # failures before anything was sent are retried for every method.
        allowed_methods=frozenset({"GET"}),
        status_forcelist=[500, 502, 503, 504],
        raise_on_status=False,  # the last answer becomes PyGithub's HTTP error
        secondary_rate_wait=min(60.0, deadline_for(limits)),
        max_rate_limit_wait=deadline_for(limits),
    )
    return Github(
        auth=Auth.Token(token),
        base_url=env.get("GITHUB_API_URL") or "https://api.github.com",
        timeout=math.ceil(limits.timeout),  # PyGithub takes whole seconds only
        retry=retry,
        lazy=True,  # get_repo() then costs no request
        per_page=100,
    )


def describe_error(exc: Exception, limits: Limits | None = None) -> str:
    """One line for an exception from PyGithub or requests (the caller scrubs it)."""
    import requests
    from github import GithubException

    if isinstance(exc, GithubException):
        detail = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
        return f"HTTP {exc.status}" + (f": {detail}" if detail else "")
    if isinstance(exc, requests.Timeout) and limits is not None:
        return f"no answer within {math.ceil(limits.timeout)} s ({TIMEOUT_ENV}), gave up"
    return f"{type(exc).__name__}: {exc}"


def within_deadline(fn: Callable[[], T], seconds: float, scrub: Scrubber) -> T:
    """Run `fn` (one publishing step) but give up after `seconds` in all.

    A per-request timeout alone does not bound a step: retries, rate-limit waits and a
    server trickling bytes add up. The step runs in a daemon thread; past the deadline
    it is abandoned (the process exits soon after). Every message that comes out,
    from our errors or anything unforeseen, is scrubbed here.
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, name="notelint-github", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise GitHubError(
            f"gave up publishing to GitHub after {seconds:g} s ({DEADLINE_ENV}); "
            "the API did not answer in time"
        )
    error = box.get("error")
    if isinstance(error, (GitHubError, Unavailable)):
        raise type(error)(scrub(str(error))) from None
    if isinstance(error, Exception):
        raise GitHubError(scrub(f"unexpected error: {type(error).__name__}: {error}")) from None
    if isinstance(error, BaseException):
        raise error
    result = box["result"]
    return scrub(result) if isinstance(result, str) else result  # type: ignore[return-value]
