"""Benchmark: throughput of the reading page of a 600-block version vs a trivial route.

Serves the app with gunicorn (2 sync workers on 127.0.0.1, a free port; werkzeug's threaded
server when gunicorn is missing) over a temporary SQLite file, and drives it from a few
Python threads with http.client for a fixed few seconds per route: GET /healthz (one
``SELECT 1``) and GET /manuals/<id>/v/1 as a signed-in team member. Prints requests/second
and their ratio: report only, no throughput limit. The one gate: the reading page must run
the same number of SQL queries for 600 blocks as for 10 (no N+1); exits 1 when it does not,
or when the load loop got answers other than 200 (the numbers would then mean nothing).
Run: ``.venv/bin/python bench/bench_pages.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import logging
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from egi import create_app
from egi.auth.models import Role
from egi.config import TestConfig
from egi.extensions import db
from egi.manuals import services
from tests.conftest import PASSWORD
from tests.factories import make_user

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
THREADS = 4
DURATION = 5.0  # seconds of load per route
WARMUP = 1.0
SERVER_START_TIMEOUT = 30.0
SECTIONS, PARAGRAPHS_PER_SECTION = 30, 19  # 30 headings + 570 paragraphs = 600 blocks
LAST_PARAGRAPH = f"Paragraph {SECTIONS * PARAGRAPHS_PER_SECTION} "


def long_markdown(seed: int = 600) -> str:
    """600 blocks: 30 ``##`` sections of 19 paragraphs, ~44 words each (~25,000 words)."""
    rng = random.Random(seed)
    vocab = ["agreement", "parties", "shall", "labour", "recruitment", "migrant", "workers",
             "the", "of", "and", "to", "in", "authority", "procedure", "review", "sector",
             "cooperation", "article", "provisions", "employer", "rights", "with", "for"]
    parts = []
    n = 0
    for s in range(1, SECTIONS + 1):
        parts.append(f"## Section {s}: {rng.choice(vocab)} {rng.choice(vocab)}")
        for _ in range(PARAGRAPHS_PER_SECTION):
            n += 1
            words = " ".join(rng.choice(vocab) for _ in range(42))
            parts.append(f"Paragraph {n} {words}.")
    return "\n\n".join(parts) + "\n"


def short_markdown() -> str:
    """10 blocks: a heading and nine paragraphs."""
    return "# Short\n\n" + "\n\n".join(f"Paragraph {i} of the short one." for i in range(1, 10))


COMMENTS = 2000  # the reading page: 600 blocks with 2,000 comments


def add_comments(version, authors, count: int) -> None:
    """Team comments spread over the version's blocks (written directly: this is load)."""
    import sqlalchemy as sa

    from egi.comments.models import Audience, Comment, CommentType
    from egi.manuals.models import Block

    blocks = db.session.scalars(sa.select(Block).where(Block.version_id == version.id)
                                .order_by(Block.position)).all()
    db.session.add_all(
        Comment(manual_id=version.manual_id, version_id=version.id,
                origin_version_id=version.id, block_id=block.id, block_anchor=block.anchor,
                block_number=block.number, chapter=block.number.split(".")[0],
                block_text_at_comment=block.text, kind=CommentType.TECHNICAL,
                audience=Audience.TEAM, author_id=authors[i % len(authors)].id,
                author_sector=authors[i % len(authors)].sector,
                body=f"Benchmark comment {i} on {block.number}.")
        for i, block in ((i, blocks[(i * 7) % len(blocks)]) for i in range(count)))
    db.session.flush()


def seed(url: str) -> dict:
    """Migrate, create a team and two manuals (600 and 10 blocks); return ids and e-mail."""
    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade()
        coordinator = make_user(Role.COORDINATOR)
        consultant = make_user(Role.CONSULTANT)
        experts = [make_user(Role.EXPERT) for _ in range(5)]
        ids = {}
        for name, text, comments in (("large", long_markdown(), COMMENTS),
                                     ("small", short_markdown(), 5)):
            manual = services.create_manual(coordinator, title=f"Bench {name}",
                                            description="Reading-page benchmark",
                                            working_language="en")
            services.add_member(coordinator, manual, consultant)
            for expert in experts:
                services.add_member(coordinator, manual, expert)
            outcome = services.upload_version(consultant, manual, filename=f"{name}.md",
                                              data=text.encode(), note="", expected_number=1)
            add_comments(outcome.version, experts, comments)
            ids[name] = (manual.id, outcome.version.block_count)
        db.session.commit()
        email = consultant.email
        db.session.remove()
        db.engine.dispose()
    return {"email": email, **ids}


def count_queries(url: str, email: str, paths: dict[str, str]) -> dict[str, int]:
    """SQL statements per reading page, counted in-process through the test client."""
    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    client = app.test_client()  # no app context pushed: each request gets its own
    client.post("/login", data={"email": email, "password": PASSWORD})
    counts = {}
    for name, path in paths.items():
        client.get(path)  # the first read creates the read mark; count a steady-state read
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            response = client.get(path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        counts[name] = len(statements)
        statements.clear()
    engine.dispose()
    return counts


def free_port() -> int:
    """A port the kernel says is free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(url: str, tmp: Path):
    """Yield (port, description) of a running server; stop it afterwards, whatever happens."""
    port = free_port()
    env_overrides = {"EGI_BENCH_DATABASE_URL": url}
    if importlib.util.find_spec("gunicorn") is not None:
        log = (tmp / "gunicorn.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
             "--bind", f"{HOST}:{port}", "--chdir", str(BENCH_DIR), "bench_app:app"],
            env={**os.environ, **env_overrides}, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(port, proc)
            yield port, "gunicorn, 2 sync workers"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()
        return
    from werkzeug.serving import make_server

    os.environ.update(env_overrides)
    sys.path.insert(0, str(BENCH_DIR))
    from bench_app import app  # needs the environment set above

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server(HOST, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        wait_until_up(port, None)
        yield port, "werkzeug threaded server (gunicorn not installed)"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def wait_until_up(port: int, proc: subprocess.Popen | None) -> None:
    """Poll /healthz until it answers 200, the process dies, or the time runs out."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} before answering")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} in {SERVER_START_TIMEOUT} s")


def cookies_from(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    """Fold a response's Set-Cookie headers into a name -> value dict."""
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            jar[name] = morsel.value


def http_login(port: int, email: str) -> str:
    """Sign in through the real form (CSRF on) and return the Cookie header to reuse."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", "/login")
        page = conn.getresponse()
        html = page.read().decode()
        cookies_from(page, jar)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        fields = {"email": email, "password": PASSWORD}
        if match:
            fields["csrf_token"] = match.group(1)
        body = urllib.parse.urlencode(fields)
        conn.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        answer = conn.getresponse()
        answer.read()
        cookies_from(answer, jar)
        if answer.status != 302:
            raise SystemExit(f"POST /login answered {answer.status}, not a redirect")
    finally:
        conn.close()
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[int, int, int, int]:
    """(ok, other statuses, connection errors, body bytes of one answer) for `seconds`."""
    deadline = time.monotonic() + seconds
    totals = {"ok": 0, "bad": 0, "errors": 0, "size": 0}
    lock = threading.Lock()

    def worker() -> None:
        ok = bad = errors = size = 0
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < deadline:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()  # reopened by the next request
                continue
            if response.status == 200:
                ok += 1
                size = len(body)
            else:
                bad += 1
        conn.close()
        with lock:
            totals["ok"] += ok
            totals["bad"] += bad
            totals["errors"] += errors
            totals["size"] = max(totals["size"], size)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return totals["ok"], totals["bad"], totals["errors"], totals["size"]


def main() -> int:
    """Seed, count queries, serve, load both routes; exit 1 on an N+1 or a bad answer."""
    status = 0
    with tempfile.TemporaryDirectory(prefix="egi-bench-pages-") as tmp_name:
        tmp = Path(tmp_name)
        url = "sqlite:///" + str(tmp / "bench.sqlite")
        seeded = seed(url)
        (large_id, large_blocks), (small_id, small_blocks) = seeded["large"], seeded["small"]
        read_large = f"/manuals/{large_id}/v/1"
        print(f"seeded: reading page {read_large} ({large_blocks} blocks), "
              f"comparison page /manuals/{small_id}/v/1 ({small_blocks} blocks)")

        counts = count_queries(url, seeded["email"], {
            "large": read_large, "small": f"/manuals/{small_id}/v/1"})
        same = counts["large"] == counts["small"]
        print(f"SQL queries per reading page: {large_blocks} blocks and {COMMENTS} comments -> "
              f"{counts['large']}, {small_blocks} blocks and 5 comments -> {counts['small']}: "
              f"{'same' if same else 'DIFFERENT'}")
        if not same:
            print("FAIL: the query count grows with the number of blocks (N+1)")
            status = 1

        with served(url, tmp) as (port, server):
            cookie = http_login(port, seeded["email"])
            check = http.client.HTTPConnection(HOST, port, timeout=10)
            check.request("GET", read_large, headers={"Cookie": cookie})
            page = check.getresponse()
            text = page.read().decode()
            check.close()
            if page.status != 200 or LAST_PARAGRAPH not in text:
                print(f"FAIL: {read_large} answered {page.status} without the last paragraph")
                return 1
            print(f"server: {server} on {HOST}:{port}; client: {THREADS} threads, "
                  f"http.client, {DURATION:.0f} s per route after {WARMUP:.0f} s warm-up")
            rates = {}
            for label, path, auth in (("/healthz", "/healthz", ""),
                                      ("reading page", read_large, cookie)):
                load(port, path, auth, WARMUP)
                ok, bad, errors, size = load(port, path, auth, DURATION)
                rates[label] = ok / DURATION
                print(f"  {label:<13} {rates[label]:8.1f} req/s  ({ok} ok, {bad} other status, "
                      f"{errors} connection errors; {size / 1024:.0f} KiB per answer)")
                if bad or errors:
                    print(f"FAIL: {path} gave {bad} non-200 answers and {errors} errors")
                    status = 1
            if rates["reading page"]:
                print(f"  ratio healthz / reading page: "
                      f"{rates['/healthz'] / rates['reading page']:.1f}x (report only)")
    return status


if __name__ == "__main__":
    sys.exit(main())
