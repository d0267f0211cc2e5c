"""A load while several app sessions keep querying: no errors, never a half-loaded lake."""
import subprocess
import sys
import threading
import time

from lake.api import Filters, LakeAPI
from lake.store import Reader
from tests.lake.small_lake import HEADER, build

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_sessions_querying_during_a_load_see_old_or_new_never_half(tmp_path):
    lake = build(tmp_path / "senco.duckdb")
    rows = "".join(f"{200000 + i},New School {i},2025/26,primary,100,10,1,6,0,no,yes,in progress,01/09/2024,,1,no,0,"
                   "yes,yes,,not judged\n" for i in range(2000))
    big = tmp_path / "big.csv"
    big.write_text(HEADER + rows)
    api = LakeAPI(Reader(path=lake), cache_size=4)       # one API shared by every session, as in the app
    before = int(api.school_year(Filters(year="2025/26")).has_return.sum())
    seen, errors, stop = set(), [], threading.Event()

    def session():
        while not stop.is_set():
            try:
                cur = api.reader.cursor()
                n = cur.execute("SELECT count(*) FROM returns WHERE academic_year = '2025/26'").fetchall()[0][0]
                loads = cur.execute("SELECT count(*) FROM loads").fetchall()[0][0]
                cur.close()
                seen.add((n, loads))
                api.school_year(Filters(year="2025/26", phase=("primary",)))
            except Exception as exc:     # any error is a failure of the design
                errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    proc = subprocess.run([sys.executable, "-m", "etl", "--lake", str(lake), "load", str(big)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    deadline = time.time() + 10
    while time.time() < deadline and not any(n == before + 2000 for n, _ in seen):
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not errors, errors[:3]
    assert seen <= {(before, 2), (before + 2000, 3)}, seen          # old state or new state, nothing between
    assert (before + 2000, 3) in seen
