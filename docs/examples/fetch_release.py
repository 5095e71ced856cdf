"""Download the newest release of an Athar project, verify it, and load it with pandas.

Usage:
    ATHAR_URL=https://athar.example.org ATHAR_USER=researcher ATHAR_PASSWORD=... \\
        python fetch_release.py sahel-demo

Needs: requests, pandas.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys

import pandas as pd
import requests


def token(base: str, username: str, password: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=30
    )
    response.raise_for_status()
    return response.json()["token"]


def project_id(session: requests.Session, base: str, slug: str) -> int:
    response = session.get(f"{base}/api/v1/projects/", timeout=30)
    response.raise_for_status()
    for project in response.json()["results"]:
        if project["slug"] == slug:
            return int(project["id"])
    raise SystemExit(f"no project {slug!r} visible to this account")


def newest_ready_release(session: requests.Session, base: str, project: int) -> dict:
    response = session.get(f"{base}/api/v1/projects/{project}/releases/", timeout=30)
    response.raise_for_status()
    ready = [r for r in response.json() if r["status"] == "ready"]
    if not ready:
        raise SystemExit("the project has no ready release yet")
    return ready[0]  # newest first


def download_verified(session: requests.Session, base: str, file: dict) -> bytes:
    response = session.get(base + file["url"], timeout=300)
    response.raise_for_status()
    digest = hashlib.sha256(response.content).hexdigest()
    if digest != file["sha256"]:
        raise SystemExit(f"checksum mismatch for {file['filename']}: {digest}")
    return response.content


def load_release(base: str, username: str, password: str, slug: str) -> pd.DataFrame:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token(base, username, password)}"
    project = project_id(session, base, slug)
    release = newest_ready_release(session, base, project)
    csv_file = next(f for f in release["files"] if f["format"] == "csv")
    content = download_verified(session, base, csv_file)
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str)
    print(
        f"{slug} {release['tag']}: {len(frame)} events, codebook {release['codebook']}, "
        f"sha256 {csv_file['sha256'][:12]}… verified"
    )
    return frame


if __name__ == "__main__":
    frame = load_release(
        os.environ.get("ATHAR_URL", "http://127.0.0.1:8000"),
        os.environ["ATHAR_USER"],
        os.environ["ATHAR_PASSWORD"],
        sys.argv[1],
    )
    print(frame.head())
