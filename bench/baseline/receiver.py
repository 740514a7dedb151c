"""The original NGlive's stack as a baseline: FastAPI on uvicorn, each webhook inserted durably into SQLite
(one transaction per request, synchronous=FULL: on disk before the answer, as nglive's HSQLDB commit is),
duplicates by EventId stored once. Run: python3 receiver.py PORT DBFILE"""
import sqlite3
import sys
import threading

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()
local = threading.local()
DB = sys.argv[2]


def db():
    if not hasattr(local, "c"):
        local.c = sqlite3.connect(DB, isolation_level=None)
        local.c.execute("PRAGMA journal_mode=WAL")
        local.c.execute("PRAGMA synchronous=FULL")
    return local.c


with sqlite3.connect(DB) as c:
    c.execute("CREATE TABLE IF NOT EXISTS event (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, "
              "time TEXT NOT NULL, source_id TEXT UNIQUE, body TEXT NOT NULL)")


@app.post("/webhook")
async def webhook(request: Request):
    try:
        event = await request.json()
        kind, event_id = event["EventType"], event["EventId"]
    except Exception as e:  # the same refusal nglive gives
        return JSONResponse({"code": 4000, "message": str(e)}, status_code=400)
    c = db()
    c.execute("BEGIN IMMEDIATE")
    try:
        row = c.execute("SELECT seq FROM event WHERE source_id = ?", (event_id,)).fetchone()
        if row is None:
            cur = c.execute("INSERT INTO event (type, time, source_id, body) VALUES (?, datetime('now'), ?, ?)",
                            (kind, event_id, (await request.body()).decode()))
            row = (cur.lastrowid,)
        c.execute("COMMIT")
    except Exception:
        c.execute("ROLLBACK")
        raise
    return {"code": 0, "data": {"seq": row[0], "type": kind, "duplicate": False}}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
