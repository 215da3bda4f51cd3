"""What opening an encrypted library costs after sign-in, on ten years of a service.

    .venv/bin/python benchmarks/unlock.py [--years 10] [--runs 7]

Builds YEARS of a service as `benchmarks/report.py` does, gives the library its first account
(which encrypts it: the key file, the database exported into SQLCipher, the chains linked with
the chain key), and then times, each the median of RUNS (and the spread), a command's way in:
`Studio.open` of the encrypted library and `sign_in`, whole, and its parts: the key file's
Argon2id unwrapping the library key, the database opened with it (checks and migrations), the
ledger checked, the account's passphrase checked against its hash. Beside them, in the same
run on a plain copy of the same library: `Studio.open` with its ledger check, and the sqlite3
shell counting the sessions. Issue 19: the library open after sign-in under 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mt_studio.core.domain.accounts import Role
from mt_studio.core.library import Library
from mt_studio.core.studio import Studio
from mt_studio.core.studio.encryption import library_keys, load_key_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.ledger import timed  # noqa: E402 - run as a script from anywhere
from benchmarks.report import build  # noqa: E402

NAME, PASSPHRASE = "Therese", "a song for every morning"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp())
    plain, encrypted = root / "plain", root / "encrypted"
    with Library.open(plain) as library:
        written = build(library, args.years * 52)
    shutil.copytree(plain, encrypted)
    started = time.perf_counter()
    with Studio.open(encrypted) as studio:
        studio.accounts.add(NAME, Role.ADMIN, PASSPHRASE)
    encrypting = time.perf_counter() - started

    def open_and_sign_in() -> None:
        with Studio.open(encrypted) as studio:
            studio.sign_in(NAME, PASSPHRASE)

    def unwrap() -> bytes:
        return load_key_file(encrypted).unlock(NAME, PASSPHRASE)[0]

    keys = library_keys(unwrap())

    def open_database() -> None:
        Library.open(encrypted, keys=keys).close()

    def check_ledger() -> None:
        with Studio.open(encrypted) as studio:
            studio.sign_in(NAME, PASSPHRASE)
            studio.check_ledger()

    def open_plain() -> None:
        Studio.open(plain).close()

    with Studio.open(encrypted) as studio:
        studio.sign_in(NAME, PASSPHRASE)
        passphrase = timed(args.runs, lambda: studio.accounts.check(NAME, PASSPHRASE))
        ledger = timed(args.runs, studio.check_ledger)
    rows = [
        ("Studio.open + sign_in, encrypted (whole)", timed(args.runs, open_and_sign_in)),
        ("  of which: the key file unwrapped (Argon2id)", timed(args.runs, unwrap)),
        ("  of which: the database opened with the key", timed(args.runs, open_database)),
        ("  of which: the ledger checked", ledger),
        ("  of which: the passphrase checked (Argon2id)", passphrase),
        ("reference: Studio.open of the plain copy", timed(args.runs, open_plain)),
        ("reference: sqlite3 shell, the plain copy", timed(args.runs, lambda: subprocess.run(
            ["sqlite3", str(plain / "library.sqlite3"), "SELECT count(*) FROM sessions"],
            check=True, capture_output=True))),
    ]
    print(f"{args.years} years: " + ", ".join(f"{n} {what}" for what, n in written.items())
          + f"; encrypted by the first account in {encrypting:.1f} s")
    print(f"{args.runs} runs, ms")
    print(f"{'':48} {'median':>8} {'min':>8} {'max':>8}")
    for name, (median, least, most) in rows:
        print(f"{name:48} {median:8.1f} {least:8.1f} {most:8.1f}")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
