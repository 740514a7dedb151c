#!/usr/bin/python3
"""nglive's benchmarks: each scenario against its baseline, on the same machine, in the same run.

Run through bench/run (it builds the jar and installs the tools). Prints a table and writes
bench/results/latest.json. Ratios and medians, never single timings: these machines are small and noisy.
"""
import argparse
import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "target" / "nglive.jar"
NICE = int(re.search(r"^nglive\.transcode\.nice\s*=\s*(\d+)", (ROOT / "application.properties").read_text(),
                     re.M).group(1))
ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
NAME = "录制-23058-20241124-203001-249-\"测试\" 的 直播.flv"   # Chinese, spaces and quotes, as the recorder writes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, env=ENV)


def rss_mb(pid):
    """The JVM's resident memory (its children, ffmpeg, are not nglive's memory)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid):
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(d.name))
            found.extend(descendants(int(d.name)))
    return found


def count_ffmpeg(pid):
    n = 0
    for p in descendants(pid):
        try:
            if Path(f"/proc/{p}/comm").read_text().strip() == "ffmpeg":
                n += 1
        except OSError:
            pass
    return n


class Events:
    """An HTTP receiver for nglive's event webhooks (nglive.notify.urls): when each event arrived."""

    def __init__(self):
        self.port = free_port()
        self.received = []
        self.cond = threading.Condition()
        events = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with events.cond:
                    events.received.append((time.monotonic(), json.loads(body)))
                    events.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, types):
        return f"http://127.0.0.1:{self.port}/events#{','.join(types)}"

    def wait(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for at, event in self.received:
                    if predicate(event):
                        return at, event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no such event in time")
                self.cond.wait(left)

    def close(self):
        self.server.shutdown()


class Nglive:
    """The packaged application in a directory of its own, run as the README says: java @jvm.options -jar
    target/nglive.jar, with the project's application.properties, routes/ and target/ (linked, so that the class-data
    archive, valid for that relative path, is used). `jvm` adds options after jvm.options, which they override."""

    OPTIONS = ROOT / "jvm.options"

    def __init__(self, work, props, jvm=()):
        self.dir = Path(tempfile.mkdtemp(prefix="nglive-", dir=work))
        shutil.copy(ROOT / "application.properties", self.dir)
        shutil.copytree(ROOT / "routes", self.dir / "routes")
        (self.dir / "target").symlink_to(JAR.parent)
        (self.dir / "works").mkdir()
        self.port = free_port()
        self.props = {"camel.server.port": str(self.port), "nglive.recorder.sync-interval": "1h",
                      "nglive.recorder.scan-interval": "1h", "nglive.jobs.sweep-interval": "1h", **props}
        self.jvm = list(jvm)
        self.proc = None

    def start(self):
        args = ["java", f"@{self.OPTIONS}", *self.jvm, *[f"-D{k}={v}" for k, v in self.props.items()],
                "-jar", str(Path("target") / JAR.name)]
        started = time.monotonic()
        self.log = open(self.dir / "nglive.log", "ab")
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT, env=ENV)
        while time.monotonic() - started < 120:
            if self.proc.poll() is not None:
                raise RuntimeError("nglive exited: " + (self.dir / "nglive.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/observe/health", timeout=2) as r:
                    if r.status == 200 and b'"UP"' in r.read():
                        return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("nglive not healthy within 120 s")

    def post(self, path, body):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=60) as r:
            return json.loads(r.read())

    def jobs(self):
        """Every job, a page of 1,000 (the API's largest) at a time."""
        jobs = []
        while True:
            page = self.get(f"/api/jobs?limit=1000&offset={len(jobs)}")["data"]
            jobs += page
            if len(page) < 1000:
                return jobs

    def file_closed(self, relative):
        return self.post("/webhook", json.dumps({
            "EventType": "FileClosed", "EventTimestamp": "2024-11-24T22:05:43.9461101+08:00",
            "EventId": str(uuid.uuid4()),
            "EventData": {"SessionId": "7c7f3672-70ce-405a-aa12-886702ced6e5", "RelativePath": relative,
                          "FileSize": 1, "Duration": 1.0, "RoomId": 23058, "ShortId": 3, "Name": "3号直播间",
                          "Title": "哔哩哔哩音悦台", "Recording": True, "Streaming": False}}))

    def wait_finished(self, job, timeout=120):
        """Until the job is DONE (its output may then go: a job whose file vanished before its last stage would
        retry that stage and hold its pipeline slot meanwhile)."""
        deadline = time.monotonic() + timeout
        while (status := self.get(f"/api/jobs/{job}")["data"]["status"]) != "DONE":
            if status == "FAILED" or time.monotonic() > deadline:
                raise RuntimeError(f"job {job} is {status}")
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# ---------------------------------------------------------------------------------------------------------- inputs

def make_inputs(work, quick):
    """A 1080p H.264 + AAC clip, looped by stream copy into the big COPY input, and a short one for x264."""
    clip = work / "clip-1080p.flv"
    # noise keeps the encoder honest: a test pattern alone compresses to almost nothing
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
           "-t", "10", "-vf", "noise=alls=30:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "16M",
           "-g", "60", "-c:a", "aac", "-b:a", "128k", "-f", "flv", str(clip))
    big_size = (300 if quick else 2048) * 1024 * 1024
    loops = max(1, big_size // clip.stat().st_size)
    big = work / "big-1080p.flv"
    ffmpeg("-stream_loop", str(loops - 1), "-i", str(clip), "-c", "copy", "-f", "flv", str(big))
    seconds = 10 if quick else 120
    short = work / f"x264-{seconds}s-1080p.flv"
    ffmpeg("-stream_loop", str(seconds // 10 - 1), "-i", str(clip), "-c", "copy", "-f", "flv", str(short))
    small = work / "small.flv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine", "-t", "1",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "flv", str(small))
    return {"big": big, "short": short, "small": small}


# ------------------------------------------------------------------------------------------------------- scenarios

def transcode_ratio(work, source, props, runs, label):
    """FileClosed → TranscodeEnded through nglive, against the same ffmpeg argument list run bare."""
    events = Events()
    app = Nglive(work, {"nglive.upload.target": "none", "nglive.transcode.workers": "1",
                        "nglive.notify.urls": events.url(["TranscodeEnded", "TranscodeError"]), **props})
    nglive_times, bare_times = [], []
    try:
        app.start()
        room = app.dir / "works" / "23058-3号直播间"
        room.mkdir()

        def through_nglive(run):
            """One FileClosed → TranscodeEnded; its time, and the ffmpeg argument list nglive ran."""
            name = NAME.replace(".flv", f"-{run}.flv")
            os.link(source, room / name)
            relative = f"23058-3号直播间/{name}"
            sampled = []
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    for p in descendants(app.proc.pid):
                        try:
                            argv = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")[:-1]
                            if any(a.endswith(b"ffmpeg") for a in argv[:4]) and b"-progress" in argv:
                                sampled.append([a.decode() for a in argv])
                                return
                        except OSError:
                            pass
                    time.sleep(0.005)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            os.sync()  # each side starts with nothing left to write back from the other's 2 GB
            t0 = time.monotonic()
            job = app.file_closed(relative)["data"]["jobId"]
            at, event = events.wait(lambda e: e.get("jobId") == job, 3600)
            stop.set()
            if event["type"] != "TranscodeEnded":
                raise RuntimeError(f"{label}: {event}")
            # the output goes once the job is DONE (a job whose file vanished would retry its upload stage) and
            # before the next sync: this file system discards the blocks of a deleted file (mount option discard),
            # which slows whatever writes right after the delete
            app.wait_finished(job)
            (app.dir / "out" / relative).with_suffix(".mp4").unlink(missing_ok=True)
            (room / name).unlink()
            return at - t0, sampled[0] if sampled else None

        def bare():
            """The same arguments, input and output replaced, at the niceness nglive gives its ffmpeg
            (nglive.transcode.nice), so that a busy machine weighs both alike."""
            args = list(command)
            args[args.index("-i") + 1] = str(source)
            args[-1] = str(work / "bare-output.mp4")  # a fresh file, as nglive writes
            os.sync()
            t0 = time.monotonic()
            subprocess.run(["nice", "-n", str(NICE), *args], check=True, stdout=subprocess.DEVNULL, env=ENV)
            took = time.monotonic() - t0
            (work / "bare-output.mp4").unlink()
            return took

        # run 0 is a warm-up, and gives the argument list nglive uses
        _, command = through_nglive(0)
        if command is None:
            raise RuntimeError("could not read nglive's ffmpeg command line")
        for run in range(1, runs + 1):
            # who goes first alternates: whatever one run leaves behind (the page cache, the disk's write-back)
            # then weighs on both sides alike
            if run % 2 == 1:
                bare_times.append(bare())
            nglive_times.append(through_nglive(run)[0])
            if run % 2 == 0:
                bare_times.append(bare())
    finally:
        app.stop()
        events.close()
    return {"nglive_s": median(nglive_times), "baseline_s": median(bare_times),
            "ratio": median(nglive_times) / median(bare_times),
            "added_ms": (median(nglive_times) - median(bare_times)) * 1000,
            "runs": runs, "nglive_all_s": nglive_times, "baseline_all_s": bare_times,
            "command": " ".join(command[command.index("-hide_banner"):]) if command else None}


def timed_upload(app, events, relative):
    """A FileClosed for `relative`, then its upload's time from UpStarted to UpEnded (as nglive's event webhooks tell)
    and the JVM's RSS peak meanwhile."""
    job = app.file_closed(relative)["data"]["jobId"]
    start, _ = events.wait(lambda e: e.get("jobId") == job and e["type"] == "UpStarted", 600)
    peak = [0.0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(app.proc.pid))
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    end, event = events.wait(lambda e: e.get("jobId") == job and e["type"] in ("UpEnded", "UpError"), 3600)
    done.set()
    if event["type"] != "UpEnded":
        raise RuntimeError(f"upload of {relative}: {event}")
    return end - start, peak[0]


def upload(work, source, runs):
    """A big file to `rclone serve webdav`: nglive's http target (UpStarted → UpEnded) against curl -T."""
    dav_root = work / "dav"
    dav_root.mkdir(exist_ok=True)
    port = free_port()
    rclone = subprocess.Popen(["rclone", "serve", "webdav", str(dav_root), "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    events = Events()
    app = Nglive(work, {"nglive.transcode.mode": "NONE", "nglive.upload.target": "http",
                        "nglive.upload.url": f"http://127.0.0.1:{port}/archive/",
                        "nglive.notify.urls": events.url(["UpStarted", "UpEnded", "UpError"])}, jvm=["-Xmx128m"])
    size = source.stat().st_size
    nglive_times, curl_times, heap = [], [], []
    try:
        time.sleep(1)
        app.start()
        room = app.dir / "works" / "23058-3号直播间"
        room.mkdir()
        for run in range(runs):
            name = NAME.replace(".flv", f"-up{run}.flv")
            os.link(source, room / name)

            def by_curl():
                os.sync()  # nothing left to write back from the previous 2 GB
                t0 = time.monotonic()
                subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", "-T", str(source),
                                f"http://127.0.0.1:{port}/curl-{run}.flv"], check=True)
                curl_times.append(time.monotonic() - t0)

            # who goes first alternates, and each starts after a sync: the second would otherwise run while the
            # server's disk still writes back the first 2 GB
            if run % 2 == 1:
                by_curl()
            os.sync()
            seconds, rss = timed_upload(app, events, f"23058-3号直播间/{name}")
            nglive_times.append(seconds)
            heap.append(rss)
            if run % 2 == 0:
                by_curl()
            for f in dav_root.rglob("*.flv"):
                f.unlink()
            (room / name).unlink()
    finally:
        app.stop()
        events.close()
        rclone.terminate()
    mb = size / 1024 / 1024
    return {"size_mb": round(mb), "nglive_mb_s": mb / median(nglive_times), "baseline_mb_s": mb / median(curl_times),
            "ratio": median(curl_times) / median(nglive_times), "rss_peak_mb": max(heap), "xmx": "128m",
            "runs": runs}


S3_PART_MB = 16
S3_PARALLEL = 4

BOTO3_UPLOAD = """
import sys, time, boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
endpoint, access, secret, path, key, part, parallel = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
config = TransferConfig(multipart_threshold=int(part), multipart_chunksize=int(part), max_concurrency=int(parallel))
t0 = time.monotonic()
s3.upload_file(path, "live", key, Config=config)
print(time.monotonic() - t0)
"""


def s3(work, quick):
    """A big file to s3proxy on loopback (the tests' S3Server, bench/S3Serve.java): nglive's s3 target on -Xmx128m
    (UpStarted → UpEnded, multipart, S3_PARALLEL parts of S3_PART_MB at once) against boto3's upload_file with the same
    part size and concurrency, alternating who goes first."""
    size = (256 if quick else 2048) << 20
    source = work / "s3-source.flv"
    if not source.exists():
        with open(source, "wb") as f:
            for _ in range(size >> 20):
                f.write(os.urandom(1 << 20))
    store = work / "s3-store"
    store.mkdir(exist_ok=True)
    classpath = f"{ROOT / 'target' / 'test-classes'}:{test_classpath(work)}"
    server = subprocess.Popen(["java", "-Xmx512m", "-cp", classpath, str(ROOT / "bench" / "S3Serve.java"), str(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    port = int(next(line for line in server.stdout if line.startswith("PORT ")).split()[1])
    # its log goes on: a pipe nobody reads would stop the server once full
    threading.Thread(target=lambda: shutil.copyfileobj(server.stdout, open(os.devnull, "w")), daemon=True).start()
    endpoint = f"http://127.0.0.1:{port}"
    events = Events()
    app = Nglive(work, {"nglive.transcode.mode": "NONE", "nglive.upload.target": "s3",
                        "nglive.upload.s3.endpoint": endpoint, "nglive.upload.s3.bucket": "live",
                        "nglive.upload.s3.access-key": "nglive-access", "nglive.upload.s3.secret-key": "nglive-secret-key",
                        "nglive.upload.s3.part-size": f"{S3_PART_MB}MB", "nglive.upload.s3.parallel": str(S3_PARALLEL),
                        "nglive.notify.urls": events.url(["UpStarted", "UpEnded", "UpError"])}, jvm=["-Xmx128m"])
    nglive_times, boto3_times, heap = [], [], []
    runs = 1 if quick else 2
    try:
        app.start()
        room = app.dir / "works" / "23058-3号直播间"
        room.mkdir()
        for run in range(runs):
            name = NAME.replace(".flv", f"-s3-{run}.flv")
            os.link(source, room / name)

            def by_boto3():
                os.sync()
                out = subprocess.run(["/usr/bin/python3", "-c", BOTO3_UPLOAD, endpoint, "nglive-access",
                                      "nglive-secret-key", str(source), f"boto3-{run}.flv", str(S3_PART_MB << 20),
                                      str(S3_PARALLEL)], check=True, capture_output=True, text=True).stdout
                boto3_times.append(float(out.strip().splitlines()[-1]))

            if run % 2 == 1:
                by_boto3()
            os.sync()
            seconds, rss = timed_upload(app, events, f"23058-3号直播间/{name}")
            nglive_times.append(seconds)
            heap.append(rss)
            if run % 2 == 0:
                by_boto3()
            (room / name).unlink()
            shutil.rmtree(store / "live", ignore_errors=True)
            (store / "live").mkdir()
    finally:
        app.stop()
        events.close()
        server.stdin.close()
        server.wait(60)
    mb = size / 1024 / 1024
    return {"size_mb": round(mb), "nglive_mb_s": mb / median(nglive_times), "baseline_mb_s": mb / median(boto3_times),
            "ratio": median(boto3_times) / median(nglive_times), "rss_peak_mb": max(heap), "xmx": "128m",
            "part_mb": link_part_mb, "parallel": S3_PARALLEL, "runs": runs}


# s3-latency: the same file, parallel parts against a single PUT stream, over a link with added latency
NETNS = "nglive-bench"
LINK_HOST, LINK_NS = "nglb-host", "nglb-ns"        # veth (netem) or tun (bench's own delay line) ends
HOST_IP, NS_IP = "10.231.0.1", "10.231.0.2"
# 50 ms added round trip: 25 ms host → namespace, 25 ms back (BENCH_DELAY_MS=50 for 50 ms each way)
DELAY_EACH_WAY_MS = int(os.environ.get("BENCH_DELAY_MS", "25"))
# Two links of that round trip. "clean": no loss, MTU 9000 (so the delay line's CPU stays small), one TCP stream
# limited only by the kernels' windows. "lossy": the long path most users upload over (a home line in China to
# object storage abroad): the same delay, Internet MTU 1500 and BENCH_LOSS_PERCENT (0.1 %) of packets lost each
# way, where one TCP stream is held back by its congestion window. The file is smaller there (the link is slower).
# On the lossy link the senders' congestion control is CUBIC, Linux's default and Windows' (this VM runs BBR, which
# hardly slows down for random loss and is not what a NAS or a home server runs); it is set for the profile's run
# and put back after (net.ipv4.tcp_congestion_control; BENCH_LOSSY_CC to choose another).
LINKS = {   # name: (MTU, loss each way in percent, congestion control or None for the host's, file in MB, file with
            #        --quick, part in MB, MB for the TCP-only test)
    "clean": (9000, 0.0, None, 256, 128, S3_PART_MB, 128),
    "lossy": (1500, float(os.environ.get("BENCH_LOSS_PERCENT", "0.1")), os.environ.get("BENCH_LOSSY_CC", "cubic"),
              96, 48, 8, 32),
}
CONGESTION_CONTROL = Path("/proc/sys/net/ipv4/tcp_congestion_control")

# A delay line between two tun devices, for kernels without sch_netem: every IP packet read from one is written to
# the other DELAY ms later, in order, except a random LOSS percent of them. Packet level, so each TCP connection's window, slow start and ACK clock are the
# kernel's own, as over netem. Exits (and the devices, not persistent, vanish) when its standard input closes.
DELAY_LINE = r"""
import collections, fcntl, os, random, select, struct, sys, time
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000
def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd
a, b = tun(sys.argv[1]), tun(sys.argv[2])
delay, loss = float(sys.argv[3]) / 1000, float(sys.argv[4]) / 100
stdin = sys.stdin.fileno()
queues = {a: collections.deque(), b: collections.deque()}
other = {a: b, b: a}
print("READY", flush=True)
while True:
    now = time.monotonic()
    for fd, queue in queues.items():
        while queue and queue[0][0] <= now:
            try:
                os.write(other[fd], queue.popleft()[1])
            except OSError:
                pass  # the kernel's backlog is full or the device is down: the packet is lost, as on a link
    heads = [queue[0][0] for queue in queues.values() if queue]
    ready, _, _ = select.select([a, b, stdin], [], [], max(0.0, min(heads) - now) if heads else None)
    for fd in ready:
        if fd == stdin:
            if not os.read(stdin, 4096):
                sys.exit(0)
            continue
        at = time.monotonic() + delay
        for _ in range(256):
            try:
                packet = os.read(fd, 65536)
            except BlockingIOError:
                break
            if random.random() >= loss:
                queues[fd].append((at, packet))
"""


def sh(*args, ns=False, check=True):
    command = (["ip", "netns", "exec", NETNS] if ns else []) + list(args)
    return subprocess.run(command, check=check, capture_output=True, text=True)


def link_down():
    """The namespace and the host's end of the link, if a previous run left them."""
    sh("ip", "netns", "del", NETNS, check=False)
    sh("ip", "link", "del", LINK_HOST, check=False)


def link_up(mtu, loss):
    """The namespace and a link to it with DELAY_EACH_WAY_MS each way, `loss` percent of packets lost each way, MTU
    `mtu`: a veth pair with `tc netem` on both ends, or, where the kernel has no sch_netem, two tun devices joined by
    DELAY_LINE. Returns (how, the delay line's process or None)."""
    link_down()
    sh("ip", "netns", "add", NETNS)
    sh("ip", "link", "set", "lo", "up", ns=True)
    sh("ip", "link", "add", LINK_HOST, "type", "veth", "peer", "name", LINK_NS)
    sh("ip", "link", "set", LINK_NS, "netns", NETNS)
    netem = ["tc", "qdisc", "add", "dev", None, "root", "netem", "delay", f"{DELAY_EACH_WAY_MS}ms", "loss", f"{loss}%",
             "limit", "100000"]
    if sh(*[LINK_HOST if a is None else a for a in netem], check=False).returncode == 0:
        sh(*[LINK_NS if a is None else a for a in netem], ns=True)
        sh("ip", "link", "set", LINK_HOST, "mtu", str(mtu))
        sh("ip", "link", "set", LINK_NS, "mtu", str(mtu), ns=True)
        sh("ip", "addr", "add", f"{HOST_IP}/24", "dev", LINK_HOST)
        sh("ip", "link", "set", LINK_HOST, "up")
        sh("ip", "addr", "add", f"{NS_IP}/24", "dev", LINK_NS, ns=True)
        sh("ip", "link", "set", LINK_NS, "up", ns=True)
        return f"veth, tc netem delay {DELAY_EACH_WAY_MS}ms loss {loss}% on both ends, MTU {mtu}", None
    # no sch_netem in this kernel (CONFIG_NET_SCH_NETEM unset, as in some VMs): a userspace delay line
    sh("ip", "link", "del", LINK_HOST)
    line = subprocess.Popen(["/usr/bin/python3", "-c", DELAY_LINE, LINK_HOST, LINK_NS, str(DELAY_EACH_WAY_MS), str(loss)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if line.stdout.readline().strip() != "READY":
        raise RuntimeError("the delay line did not start")
    sh("ip", "link", "set", LINK_NS, "netns", NETNS)
    for dev, me, peer, ns in ((LINK_HOST, HOST_IP, NS_IP, False), (LINK_NS, NS_IP, HOST_IP, True)):
        sh("ip", "link", "set", dev, "mtu", str(mtu), "txqueuelen", "10000", ns=ns)
        sh("ip", "addr", "add", me, "peer", peer, "dev", dev, ns=ns)
        sh("ip", "link", "set", dev, "up", ns=ns)
    return (f"tun pair, a userspace delay line of {DELAY_EACH_WAY_MS} ms each way, {loss}% lost each way (this kernel "
            f"has no sch_netem), MTU {mtu}"), line


def connect_rtt_ms(port):
    """The median time of a TCP connect to the server: one round trip."""
    times = []
    for _ in range(7):
        t0 = time.monotonic()
        socket.create_connection((NS_IP, port), timeout=5).close()
        times.append((time.monotonic() - t0) * 1000)
    return median(times)


TCP_SINK = """
import socket, sys, threading
server = socket.create_server((sys.argv[1], 0), backlog=64)
print(server.getsockname()[1], flush=True)
def drain(c):
    while c.recv(1 << 20):
        pass
    c.sendall(b"k")
    c.close()
while True:
    threading.Thread(target=drain, args=(server.accept()[0],), daemon=True).start()
"""


def link_tcp_mb_s(streams, mb):
    """The link alone, without S3: `mb` MB of bytes from the host to a sink in the namespace over `streams` TCP
    connections at once (the kernels' own windows, as for the uploads), in MB/s."""
    sink = subprocess.Popen(["ip", "netns", "exec", NETNS, "/usr/bin/python3", "-c", TCP_SINK, NS_IP],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(sink.stdout.readline())
        block = os.urandom(1 << 20)

        def send():
            with socket.create_connection((NS_IP, port), timeout=60) as s:
                for _ in range(mb // streams):
                    s.sendall(block)
                s.shutdown(socket.SHUT_WR)
                s.recv(1)

        t0 = time.monotonic()
        senders = [threading.Thread(target=send) for _ in range(streams)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        return mb / (time.monotonic() - t0)
    finally:
        sink.kill()
        sink.wait()


BOTO3_PUT = """
import sys, time, boto3
from botocore.config import Config
endpoint, access, secret, path, key = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
t0 = time.monotonic()
with open(path, "rb") as f:
    s3.put_object(Bucket="live", Key=key, Body=f)
print(time.monotonic() - t0)
"""

S3_LATENCY_CONFIGS = {   # name: (parallel, part size in MB; None: the link's; larger than the file: one PutObject)
    "parallel4": (4, None),
    "parallel8": (8, None),
    "single": (1, 1024),
}


def s3_latency(work, quick, link_name):
    """The same file to s3proxy in a network namespace behind DELAY_EACH_WAY_MS each way over LINKS[link_name]:
    nglive's s3 target with 4 and with 8 parts (of the link's part size) at once, against nglive with parallel=1 and a part size
    larger than the file (one PutObject: a single PUT stream through the same client) and, for the record, boto3's
    put_object (one PUT too). The order rotates from run to run; medians."""
    if os.geteuid() != 0:
        return {"skipped": "needs root (a network namespace and its link)"}
    missing = [tool for tool in ("ip", "tc") if not shutil.which(tool)]
    if missing:
        return {"skipped": f"needs {' and '.join(missing)} (iproute2)"}
    mtu, loss, cc, file_mb, quick_file_mb, link_part_mb, tcp_mb = LINKS[link_name]
    host_cc = CONGESTION_CONTROL.read_text().strip()
    size = (quick_file_mb if quick else file_mb) << 20
    source = work / "s3-latency-source.flv"
    with open(source, "wb") as f:
        for _ in range(size >> 20):
            f.write(os.urandom(1 << 20))
    store = work / f"s3-latency-store-{link_name}"   # a fresh bucket for each link
    store.mkdir(exist_ok=True)
    classpath = f"{ROOT / 'target' / 'test-classes'}:{test_classpath(work)}"
    server, line, apps = None, None, {}
    times = {name: [] for name in [*S3_LATENCY_CONFIGS, "boto3_put"]}
    heap = []
    runs = 2 if quick else 3
    try:
        if cc:
            CONGESTION_CONTROL.write_text(cc)
        how, line = link_up(mtu, loss)
        link = {streams: [] for streams in (1, 4, 8)}
        for _ in range(2):
            for streams in link:
                link[streams].append(link_tcp_mb_s(streams, tcp_mb))
        server = subprocess.Popen(["ip", "netns", "exec", NETNS, "java", "-Xmx1536m", "-cp", classpath,
                                   str(ROOT / "bench" / "S3Serve.java"), str(store), NS_IP],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                  env=ENV)
        port = int(next(l for l in server.stdout if l.startswith("PORT ")).split()[1])
        threading.Thread(target=lambda: shutil.copyfileobj(server.stdout, open(os.devnull, "w")), daemon=True).start()
        endpoint = f"http://{NS_IP}:{port}"
        rtt = connect_rtt_ms(port)

        def by_nglive(name, run):
            # an nglive of its own for each upload, so that each starts alike: no warm JIT, no connection kept alive
            parallel, config_part_mb = S3_LATENCY_CONFIGS[name]
            part_mb = config_part_mb or link_part_mb
            events = Events()
            app = Nglive(work, {"nglive.transcode.mode": "NONE", "nglive.upload.target": "s3",
                                "nglive.upload.s3.endpoint": endpoint, "nglive.upload.s3.bucket": "live",
                                "nglive.upload.s3.access-key": "nglive-access",
                                "nglive.upload.s3.secret-key": "nglive-secret-key",
                                "nglive.upload.s3.part-size": f"{part_mb}MB", "nglive.upload.s3.parallel": str(parallel),
                                "nglive.notify.urls": events.url(["UpStarted", "UpEnded", "UpError"])}, jvm=["-Xmx128m"])
            apps[name] = (app, events)
            try:
                app.start()
                (app.dir / "works" / "23058-3号直播间").mkdir()
                relative = f"23058-3号直播间/{NAME.replace('.flv', f'-lat-{run}.flv')}"
                os.link(source, app.dir / "works" / relative)
                os.sync()
                seconds, rss = timed_upload(app, events, relative)
                times[name].append(seconds)
                heap.append(rss)
            finally:
                app.stop()
                events.close()
                del apps[name]

        def by_boto3(run):
            os.sync()
            out = subprocess.run(["/usr/bin/python3", "-c", BOTO3_PUT, endpoint, "nglive-access", "nglive-secret-key",
                                  str(source), f"boto3-put-{run}.flv"], check=True, capture_output=True, text=True)
            times["boto3_put"].append(float(out.stdout.strip().splitlines()[-1]))

        order = [*S3_LATENCY_CONFIGS, "boto3_put"]
        for run in range(runs):
            for name in order[run % len(order):] + order[:run % len(order)]:
                by_boto3(run) if name == "boto3_put" else by_nglive(name, run)
                shutil.rmtree(store / "live", ignore_errors=True)
                (store / "live").mkdir()
                print(f"    run {run} {name}: {times[name][-1]:.1f} s", flush=True)
    finally:
        for app, events in apps.values():
            app.stop()
            events.close()
        if server:
            server.stdin.close()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
        if line:
            line.stdin.close()
            line.wait(10)
        link_down()
        CONGESTION_CONTROL.write_text(host_cc)
        source.unlink(missing_ok=True)
    mb = size / 1024 / 1024
    rate = {name: mb / median(ts) for name, ts in times.items()}
    return {"size_mb": round(mb), "link": how, "loss_percent": loss, "mtu": mtu, "congestion_control": cc or host_cc,
            "rtt_ms": round(rtt, 1),
            "part_mb": link_part_mb,
            **{f"link_tcp_{streams}_mb_s": round(median(r), 1) for streams, r in link.items()},
            **{f"{name}_mb_s": round(r, 2) for name, r in rate.items()},
            "ratio": rate["parallel4"] / rate["single"], "ratio8": rate["parallel8"] / rate["single"],
            "ratio_vs_boto3_put": rate["parallel4"] / rate["boto3_put"],
            "all_s": {name: [round(t, 2) for t in ts] for name, ts in times.items()},
            "rss_peak_mb": max(heap), "xmx": "128m", "runs": runs}


WRK_THREADS = 2


def wrk(port, seconds, connections=16, rate=None):
    """wrk's figures for POSTs of webhooks: as fast as `connections` go, or `rate` requests per second over them
    (bench/webhook.lua: a send whose time has passed goes at once and is counted in `late`)."""
    env = dict(ENV, WRK_RATE=str(rate), WRK_THREADS=str(WRK_THREADS)) if rate else ENV
    out = subprocess.run(["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                          str(ROOT / "bench" / "webhook.lua"), f"http://127.0.0.1:{port}/webhook"],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))


def ingestion(work, seconds, runs, warmup):
    """Durable webhooks under wrk -c16: nglive against FastAPI + uvicorn + SQLite doing the same insert.

    First as fast as each goes (requests per second, and the latency at saturation, which with 16 connections always
    waiting is queueing: 16 / rate on average). Then nglive at twice the rate the baseline reached, paced
    (bench/webhook.lua), for the goal's "2x its requests per second at p99 <= 8 ms": the latency at that rate.

    Both get the same warm-up under the same load before they are measured: the JVM spends most of its first
    twenty seconds of such load compiling (its JIT), which a server that runs for weeks pays once. What those
    first seconds give is kept too (`nglive_cold_rps`)."""
    results = {"nglive": [], "baseline": [], "cold": [], "paced": []}
    for run in range(runs):
        port = free_port()
        db = work / f"baseline-{run}.db"
        py = subprocess.Popen(["/usr/bin/python3", str(ROOT / "bench" / "baseline" / "receiver.py"), str(port),
                               str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            wrk(port, warmup)
            results["baseline"].append(wrk(port, seconds))
        finally:
            py.terminate()
            py.wait()
            for f in work.glob(f"baseline-{run}.db*"):
                f.unlink()
        target = 2 * median([r["rps"] for r in results["baseline"]])
        app = Nglive(work, {"nglive.upload.target": "none"})
        try:
            app.start()
            results["cold"].append(wrk(app.port, 5))
            wrk(app.port, warmup - 5)
            results["nglive"].append(wrk(app.port, seconds))
            results["paced"].append(dict(wrk(app.port, seconds, rate=round(target)), target_rps=round(target)))
        finally:
            app.stop()
    n = {k: median([r[k] for r in results["nglive"]]) for k in ("rps", "p99_ms", "p50_ms")}
    b = {k: median([r[k] for r in results["baseline"]]) for k in ("rps", "p99_ms", "p50_ms")}
    paced = {k: median([r[k] for r in results["paced"]])
             for k in ("target_rps", "rps", "p50_ms", "p99_ms", "max_ms", "late", "late_max_ms")}
    bad = sum(r["non2xx"] + r["errors"] for r in results["nglive"] + results["cold"] + results["paced"])
    return {"nglive_rps": n["rps"], "nglive_p99_ms": n["p99_ms"], "nglive_p50_ms": n["p50_ms"],
            "baseline_rps": b["rps"], "baseline_p99_ms": b["p99_ms"], "ratio": n["rps"] / b["rps"],
            "paced": paced, "paced_all": results["paced"],
            "nglive_cold_rps": median([r["rps"] for r in results["cold"]]), "nglive_failed_requests": bad,
            "runs": runs, "seconds": seconds, "warmup_s": warmup}


BUSY_RATE = 500  # webhooks per second in `busy`: a hundred times what a recorder with many rooms sends


def latency_under_transcode(work, source, seconds):
    """Webhook latency while two x264 jobs keep both cores busy, and without them: wrk with 16 connections at a
    steady BUSY_RATE requests per second (the latency a sender sees; at saturation wrk itself would take the cores
    the jobs are measured against), and as fast as they go (for the record)."""
    app = Nglive(work, {"nglive.upload.target": "none", "nglive.transcode.workers": "2",
                        "nglive.transcode.mode": "CRF", "nglive.pipeline.jobs": "2"})
    try:
        app.start()
        wrk(app.port, 15)  # the JIT's warm-up, as in ingestion
        idle = wrk(app.port, seconds, rate=BUSY_RATE)
        idle_saturated = wrk(app.port, seconds)
        room = app.dir / "works" / "23058-3号直播间"
        room.mkdir()
        for i in range(2):
            os.link(source, room / f"busy-{i}.flv")
            app.file_closed(f"23058-3号直播间/busy-{i}.flv")
        deadline = time.monotonic() + 30
        while count_ffmpeg(app.proc.pid) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        running = count_ffmpeg(app.proc.pid)
        busy = wrk(app.port, seconds, rate=BUSY_RATE)
        busy_saturated = wrk(app.port, seconds)
        still = count_ffmpeg(app.proc.pid)
    finally:
        app.stop()
    return {"rate": BUSY_RATE, "idle_p99_ms": idle["p99_ms"], "busy_p99_ms": busy["p99_ms"], "busy_rps": busy["rps"],
            "idle_rps": idle["rps"], "busy_late": busy["late"], "busy_max_ms": busy["max_ms"],
            "saturated": {"idle_rps": idle_saturated["rps"], "idle_p99_ms": idle_saturated["p99_ms"],
                          "busy_rps": busy_saturated["rps"], "busy_p99_ms": busy_saturated["p99_ms"]},
            "ffmpeg_running": min(running, still)}


def startup(work, runs):
    """Start to healthy, and the JVM's RSS when idle (10 s after healthy)."""
    times, rss = [], []
    for _ in range(runs):
        app = Nglive(work, {})
        try:
            times.append(app.start())
            time.sleep(10)
            rss.append(rss_mb(app.proc.pid))
        finally:
            app.stop()
    return {"healthy_s": median(times), "rss_idle_mb": median(rss), "runs": runs, "all_s": times}


def burst(work, small, count):
    """`count` FileClosed within about a second with transcode workers=2: most ffmpeg at once, all done, RSS."""
    app = Nglive(work, {"nglive.upload.target": "file", "nglive.transcode.workers": "2"})
    try:
        app.start()
        room = app.dir / "works" / "23058-3号直播间"
        room.mkdir()
        for i in range(count):
            os.link(small, room / f"burst {i} 「测试」.flv")
        peak = {"ffmpeg": 0, "rss": 0.0}
        done = threading.Event()

        def watch():
            while not done.is_set():
                peak["ffmpeg"] = max(peak["ffmpeg"], count_ffmpeg(app.proc.pid))
                peak["rss"] = max(peak["rss"], rss_mb(app.proc.pid))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        t0 = time.monotonic()
        senders = []
        for t in range(8):
            def send(t=t):
                for i in range(t, count, 8):
                    app.file_closed(f"23058-3号直播间/burst {i} 「测试」.flv")
            senders.append(threading.Thread(target=send))
        for s in senders:
            s.start()
        for s in senders:
            s.join()
        posted = time.monotonic() - t0
        while True:
            jobs = app.jobs()
            done_count = sum(1 for j in jobs if j["status"] == "DONE")
            failed = sum(1 for j in jobs if j["status"] == "FAILED")
            if done_count + failed >= count or time.monotonic() - t0 > 3600:
                break
            time.sleep(0.5)
        total = time.monotonic() - t0
        done.set()
        watcher.join()
    finally:
        app.stop()
    return {"files": count, "posted_s": posted, "all_done_s": total, "done": done_count, "failed": failed,
            "max_ffmpeg": peak["ffmpeg"], "rss_peak_mb": peak["rss"]}


def subscribers(work, n, events):
    app = Nglive(work, {"nglive.upload.target": "none"})
    try:
        app.start()
        out = subprocess.run(["java", "-cp", str(JAR), str(ROOT / "bench" / "WsSubscribers.java"), str(app.port),
                              str(n), str(events)], check=True, capture_output=True, text=True, env=ENV, timeout=600).stdout
        return json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))
    finally:
        app.stop()


DASH_ROOMS = 500
DASH_JOBS = 10000
DASH_RATE = 100  # recorder events a second, each one on /ws


def dashboard(work, quick):
    """The dashboard in headless Chromium (bench/DashboardLoad.java, with the tests' Selenium): a node holding DASH_ROOMS
    rooms and DASH_JOBS jobs (FileClosed webhooks with transcode NONE and no upload, so each job is DONE at once), then
    first paints, the page's own bytes, the main thread's busy time while DASH_RATE events a second change the rooms,
    a page of jobs, and the webhooks' p99 at that rate with the page closed and open."""
    rooms, jobs = DASH_ROOMS, 1000 if quick else DASH_JOBS
    app = Nglive(work, {"nglive.upload.target": "none", "nglive.transcode.mode": "NONE",
                        "nglive.recorder.url": f"http://127.0.0.1:{free_port()}"})
    classpath = test_classpath(work)
    try:
        app.start()
        for room in range(1, rooms + 1):
            app.post("/api/rooms", json.dumps({"roomId": room}))
        names = [f"{i % rooms + 1}/dash-{i}.flv" for i in range(jobs)]
        for name in names:
            path = app.dir / "works" / name
            path.parent.mkdir(exist_ok=True)
            path.touch()

        def send(part):
            for name in part:
                app.file_closed(name)
        senders = [threading.Thread(target=send, args=(names[t::8],)) for t in range(8)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        deadline = time.monotonic() + 600
        while sum(1 for j in app.jobs() if j["status"] in ("DONE", "FAILED")) < jobs and time.monotonic() < deadline:
            time.sleep(1)
        out = subprocess.run(["java", "-cp", classpath, str(ROOT / "bench" / "DashboardLoad.java"),
                              str(app.port), str(rooms), str(DASH_RATE), "10" if quick else "20", "1" if quick else "3"],
                             cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=1800)
        if out.returncode != 0:
            raise RuntimeError("DashboardLoad failed: " + out.stdout[-2000:] + out.stderr[-3000:])
        result = json.loads(re.search(r"^JSON (.*)$", out.stdout, re.M).group(1))
        result["jobs"] = jobs
        return result
    finally:
        app.stop()


def test_classpath(work):
    """The tests' classpath (Selenium for DashboardLoad), from Maven."""
    classpath = work / "test-classpath.txt"
    if not classpath.exists():
        subprocess.run(["mvn", "-B", "-q", "-ntp", "dependency:build-classpath", "-Dmdep.includeScope=test",
                        f"-Dmdep.outputFile={classpath}"], cwd=ROOT, check=True, env=ENV)
    return classpath.read_text().strip()


CLUSTER_NODES = 1000
CLUSTER_ROOMS_PER_NODE = 10


def cluster(work, quick):
    """The central server (nglive.role=central) with CLUSTER_NODES simulated nodes of CLUSTER_ROOMS_PER_NODE rooms
    each, all in one JVM (bench/ClusterLoad.java): rooms placed, one node killed, 100 dropped at once, command round
    trips, RSS, events counted. Thread dumps of the central go to bench/results/cluster-dumps/."""
    dumps = ROOT / "bench" / "results" / "cluster-dumps"
    shutil.rmtree(dumps, ignore_errors=True)
    token = uuid.uuid4().hex
    app = Nglive(work, {"nglive.role": "central", "nglive.cluster.node-token": token},
                 jvm=["-Xlog:gc:file=gc.log:uptime"])
    nodes = 100 if quick else CLUSTER_NODES
    try:
        app.start()
        out = subprocess.run(["java", "-Xss512k", "-cp", str(JAR), str(ROOT / "bench" / "ClusterLoad.java"),
                              str(app.port), token, str(app.proc.pid), f"nodes={nodes}",
                              f"rooms-per-node={CLUSTER_ROOMS_PER_NODE}", f"drop={nodes // 10}", "node-timeout=20",
                              f"dumps={dumps}"],
                             capture_output=True, text=True, env=ENV, timeout=1200)
        sys.stderr.write(out.stderr[-4000:])
        if out.returncode != 0:
            raise RuntimeError("ClusterLoad failed: " + out.stderr[-3000:])
        result = json.loads(re.search(r"^JSON (.*)$", out.stdout, re.M).group(1))
        log = (app.dir / "nglive.log").read_text(errors="replace")
        result["central_log_warnings"] = sum(1 for l in log.splitlines() if " WARN " in l or " ERROR " in l)
        gc = (app.dir / "gc.log").read_text(errors="replace") if (app.dir / "gc.log").exists() else ""
        pauses = [float(m) for m in re.findall(r"Pause Full.* (\d+\.\d+)ms", gc)]
        young = [float(m) for m in re.findall(r"Pause Young.* (\d+\.\d+)ms", gc)]
        result["gc"] = {"full": len(pauses), "full_max_ms": max(pauses, default=0), "full_total_ms": sum(pauses),
                        "young": len(young), "young_total_ms": sum(young)}
        dumps.mkdir(parents=True, exist_ok=True)
        shutil.copy(app.dir / "nglive.log", dumps / "central.log")
        if gc:
            (dumps / "gc.log").write_text(gc)
        return result
    finally:
        app.stop()



def leads(app):
    """The leadership check of a central instance's health: True when it leads."""
    try:
        health = app.get("/observe/health?exposureLevel=full&data=true")
    except OSError:
        return False
    return any(c.get("name") == "leadership" and c.get("data", {}).get("leader") for c in health.get("checks", []))


def cluster_ha(work, quick):
    """Two central instances sharing PostgreSQL, elected through ZooKeeper (bench/ClusterServices.java starts both,
    as the tests do): A starts first and leads, B stands by. CLUSTER_NODES simulated nodes of CLUSTER_ROOMS_PER_NODE
    rooms (bench/ClusterLoad.java, each node dialling A then B as a real node does) join and get their rooms placed
    while their events flow; then A is killed with SIGKILL. Measured from the kill: until B's health says it leads,
    until every node is connected to B and reconciled, rooms moved, events made vs stored (read back from B's /ws),
    B's RSS peak."""
    token = uuid.uuid4().hex
    nodes = 100 if quick else CLUSTER_NODES
    classpath = f"{ROOT / 'target' / 'test-classes'}:{test_classpath(work)}"
    # curator-test leaves ZooKeeper's configuration files in the temporary directory: this run's own
    (work / "cluster-services").mkdir(exist_ok=True)
    services = subprocess.Popen(["java", f"-Djava.io.tmpdir={work / 'cluster-services'}", "-cp", classpath,
                                 str(ROOT / "bench" / "ClusterServices.java")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env=ENV)
    apps = []
    try:
        shared = {}
        for line in services.stdout:
            key, _, value = line.strip().partition(" ")
            shared[key] = value
            if "ZOOKEEPER" in shared:
                break
        if "DB" not in shared or "ZOOKEEPER" not in shared:
            raise RuntimeError("ClusterServices did not start PostgreSQL and ZooKeeper")
        threading.Thread(target=lambda: shutil.copyfileobj(services.stdout, open(os.devnull, "w")), daemon=True).start()
        for name in ("a", "b"):
            app = Nglive(work, {"nglive.role": "central", "nglive.cluster.node-token": token,
                                "nglive.cluster.db.url": shared["DB"], "nglive.cluster.db.user": "postgres",
                                "nglive.cluster.leadership": "zookeeper", "nglive.cluster.zookeeper": shared["ZOOKEEPER"]},
                         jvm=["-Xlog:gc:file=gc.log:uptime"])
            app.props["nglive.cluster.address"] = f"127.0.0.1:{app.port}"
            apps.append(app)
        a, b = apps
        started = time.monotonic()
        a.start()
        while not leads(a):
            if time.monotonic() - started > 60:
                raise RuntimeError("A does not lead within 60 s")
            time.sleep(0.2)
        b.start()
        if leads(b):
            raise RuntimeError("B leads too")
        out = subprocess.run(["java", "-Xss512k", "-cp", str(JAR), str(ROOT / "bench" / "ClusterLoad.java"),
                              str(a.port), token, str(a.proc.pid), f"nodes={nodes}",
                              f"rooms-per-node={CLUSTER_ROOMS_PER_NODE}", f"ports={a.port},{b.port}",
                              f"standby={b.port}:{b.proc.pid}", "event-every=60", "run-before-kill=20",
                              "run-after=10"],
                             capture_output=True, text=True, env=ENV, timeout=1800)
        sys.stderr.write(out.stderr[-4000:])
        if out.returncode != 0:
            raise RuntimeError("ClusterLoad failed: " + out.stderr[-3000:])
        result = json.loads(re.search(r"^JSON (.*)$", out.stdout, re.M).group(1))
        if not result["place_all_ok"]:
            raise RuntimeError("not every room was placed: " + json.dumps(result["place_all_state"]))
        logs = ROOT / "bench" / "results" / "cluster-ha-logs"
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        for name, app in (("a", a), ("b", b)):
            shutil.copy(app.dir / "nglive.log", logs / f"central-{name}.log")
            if (app.dir / "gc.log").exists():
                shutil.copy(app.dir / "gc.log", logs / f"gc-{name}.log")
        log = (b.dir / "nglive.log").read_text(errors="replace")
        # when ZooKeeper made B the leader (its log, times of day in UTC), before its central server started
        elected = re.search(r"^(\d\d):(\d\d):(\d\d\.\d+) .* leads the cluster$", log, re.M)
        if elected:
            killed = result["takeover"]["killed_at_ms"] / 1000 % 86400
            at = int(elected.group(1)) * 3600 + int(elected.group(2)) * 60 + float(elected.group(3))
            result["takeover"]["elected_s"] = round((at - killed) % 86400, 2)
        result["new_leader_log_warnings"] = sum(1 for l in log.splitlines() if " WARN " in l or " ERROR " in l)
        result["load_average"] = os.getloadavg()
        return result
    finally:
        for app in apps:
            app.stop()
        services.stdin.close()
        try:
            services.wait(60)
        except subprocess.TimeoutExpired:
            services.kill()
            services.wait()


DASH_CENTRAL_NODES = 50
# a session and its file's job: 10 events, 4 of which (Stream*, Session*) change a room's row in the Rooms view
DASH_CENTRAL_JOB = ["StreamStarted", "SessionStarted", "FileOpening", "FileClosed", "SessionEnded", "StreamEnded",
                    "TranscodeStarted", "TranscodeEnded", "UpStarted", "UpEnded"]


def dashboard_central(work, quick):
    """The dashboard on the central server: DASH_CENTRAL_NODES simulated nodes of 10 rooms (bench/ClusterLoad.java with
    hold=: it stops after placing the rooms and keeps the nodes going) whose job events, paced evenly, make about
    DASH_RATE events a second on the central's /ws; bench/DashboardLoad.java's central mode turns them on and off
    through ClusterLoad's control port and measures the page with them and without (the baseline), counting what /ws
    carries by type, and the central's CPU with the page closed and open."""
    rooms = DASH_ROOMS
    nodes = DASH_CENTRAL_NODES
    per_node = rooms // nodes
    token = uuid.uuid4().hex
    control = free_port()
    classpath = test_classpath(work)
    app = Nglive(work, {"nglive.role": "central", "nglive.cluster.node-token": token})
    load = None
    errors = []
    try:
        app.start()
        # each node: len(DASH_CENTRAL_JOB) events every event-every seconds, evenly spaced
        every = nodes * len(DASH_CENTRAL_JOB) / DASH_RATE
        load = subprocess.Popen(["java", "-Xss512k", "-cp", str(JAR), str(ROOT / "bench" / "ClusterLoad.java"),
                                 str(app.port), token, str(app.proc.pid), f"nodes={nodes}", f"rooms-per-node={per_node}",
                                 "hold=1800", f"control={control}", f"event-every={every}", "pace=steady",
                                 "job-events=" + ",".join(DASH_CENTRAL_JOB)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        threading.Thread(target=lambda: errors.extend(load.stderr), daemon=True).start()
        for line in load.stdout:
            if line.strip() == "READY":
                break
        else:
            raise RuntimeError("ClusterLoad ended before its rooms were placed: " + "".join(errors[-30:]))
        out = subprocess.run(["java", "-cp", classpath, str(ROOT / "bench" / "DashboardLoad.java"), "central",
                              str(app.port), str(rooms), "10" if quick else "20", "1" if quick else "3", str(control),
                              str(app.proc.pid)], cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=1800)
        if out.returncode != 0:
            raise RuntimeError("DashboardLoad failed: " + out.stdout[-2000:] + out.stderr[-3000:])
        result = json.loads(re.search(r"^JSON (.*)$", out.stdout, re.M).group(1))
        urllib.request.urlopen(f"http://127.0.0.1:{control}/done", timeout=10).read()
        rest = load.stdout.read()
        load.wait(60)
        result["nodes"] = nodes
        result["cluster"] = json.loads(re.search(r"^JSON (.*)$", rest, re.M).group(1))
        if not result["cluster"]["place_all_ok"]:
            raise RuntimeError("not every room was placed: " + json.dumps(result["cluster"]["place_all_state"]))
        return result
    finally:
        if load and load.poll() is None:
            load.kill()
            load.wait()
        if load:
            sys.stderr.write("".join(errors[-20:]))
        app.stop()


DANMAKU_COMMENTS = 100_000


def danmaku(work, quick):
    """A danmaku file of DANMAKU_COMMENTS comments to ASS (bench/DanmakuBench.java) in a JVM of its own with nglive's
    collector and a 64 MB heap: the first conversion of the JVM (cold), the median of the next ones (warm)."""
    out = subprocess.run(["java", "-XX:+UseSerialGC", "-Xmx64m", "-cp", str(JAR), str(ROOT / "bench" / "DanmakuBench.java"),
                          f"comments={DANMAKU_COMMENTS}", f"runs={3 if quick else 10}", f"dir={work}"],
                         check=True, capture_output=True, text=True, env=ENV, timeout=600).stdout
    return json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))


# ------------------------------------------------------------------------------------------------------------ main

def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal"))) // 1024
    versions = {}
    for tool, args in (("java", ["java", "-version"]), ("ffmpeg", ["ffmpeg", "-version"]),
                       ("wrk", ["wrk", "--version"]), ("rclone", ["rclone", "version"])):
        p = subprocess.run(args, capture_output=True, text=True)
        versions[tool] = (p.stdout + p.stderr).strip().splitlines()[0] if (p.stdout + p.stderr).strip() else "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "kernel": platform.release(), **versions}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs and few runs (under 5 minutes)")
    parser.add_argument("--only", help="comma-separated scenarios: copy,x264,upload,ingest,busy,startup,burst,ws,cluster,cluster-ha,"
                                       "dash,dash-central,danmaku,s3,s3-latency")
    args = parser.parse_args()
    quick = args.quick
    only = set(args.only.split(",")) if args.only else None
    want = lambda s: only is None or s in only
    runs = 3 if quick else 5
    results = {}
    with tempfile.TemporaryDirectory(prefix="nglive-bench-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        media = {"copy", "x264", "upload", "busy", "burst"}
        inputs = make_inputs(work, quick) if only is None or only & media else {}
        print(f"inputs ready in {time.monotonic() - t0:.0f} s: " + ", ".join(
            f"{k} {v.stat().st_size / 1048576:.0f} MB" for k, v in inputs.items()), flush=True)
        steps = [
            ("copy", lambda: transcode_ratio(work, inputs["big"], {"nglive.transcode.mode": "COPY"}, runs, "copy")),
            ("copy_small", lambda: transcode_ratio(work, inputs["small"], {"nglive.transcode.mode": "COPY"},
                                                   runs * 2, "copy_small")),
            ("x264", lambda: transcode_ratio(work, inputs["short"], {"nglive.transcode.mode": "CRF",
                                                                     "nglive.transcode.preset": "veryfast"},
                                             2 if quick else 3, "x264")),
            ("upload", lambda: upload(work, inputs["big"], 2 if quick else 3)),
            ("ingest", lambda: ingestion(work, 5 if quick else 15, 1 if quick else 3, 15 if quick else 30)),
            ("busy", lambda: latency_under_transcode(work, inputs["short"], 5 if quick else 15)),
            ("startup", lambda: startup(work, 2 if quick else 5)),
            ("burst", lambda: burst(work, inputs["small"], 100 if quick else 500)),
            ("ws", lambda: subscribers(work, 100, 50 if quick else 200)),
            ("cluster", lambda: cluster(work, quick)),
            ("cluster-ha", lambda: cluster_ha(work, quick)),
            ("dash", lambda: dashboard(work, quick)),
            ("dash-central", lambda: dashboard_central(work, quick)),
            ("danmaku", lambda: danmaku(work, quick)),
            ("s3", lambda: s3(work, quick)),
            ("s3-latency", lambda: s3_latency(work, quick, "clean")),
            ("s3-latency_lossy", lambda: s3_latency(work, quick, "lossy")),
        ]
        for name, step in steps:
            if not want(name.split("_")[0]):
                continue
            t = time.monotonic()
            print(f"running {name} ...", flush=True)
            results[name] = step()
            results[name]["scenario_s"] = round(time.monotonic() - t, 1)
            print(f"  {json.dumps({k: v for k, v in results[name].items() if not k.endswith('all_s')})}", flush=True)
    report(results, quick)


def s3_latency_goals(key, link):
    """The two rows of an s3-latency link: parallel parts against one PUT (the goal), and TCP alone."""
    unless_skipped = lambda shown: lambda r: r["skipped"] if "skipped" in r else shown(r)
    return [
        (key, f"s3, {link}: 4 parallel parts vs one PUT",
         unless_skipped(lambda r: f"{r['ratio']:.2f}× ({r['parallel4_mb_s']:.1f} vs {r['single_mb_s']:.1f} MB/s, "
                                  f"RTT {r['rtt_ms']:.0f} ms; 8 parts {r['ratio8']:.2f}×)"),
         "≥ 3×", lambda r: "skipped" not in r and r["ratio"] >= 3),
        (key, "the same link without S3: TCP, 1 vs 4 vs 8 streams",
         unless_skipped(lambda r: f"{r['link_tcp_1_mb_s']:.1f} vs {r['link_tcp_4_mb_s']:.1f} vs "
                                  f"{r['link_tcp_8_mb_s']:.1f} MB/s"), "(for the record)", lambda r: True),
    ]


GOALS = [
    ("copy", "COPY, FileClosed → TranscodeEnded, vs bare ffmpeg", lambda r: f"{r['ratio']:.3f}", "ratio ≤ 1.02",
     lambda r: r["ratio"] <= 1.02),
    ("copy_small", "COPY of a 1 s file: time nglive adds", lambda r: f"{r['added_ms']:.0f} ms", "≤ 150 ms",
     lambda r: r["added_ms"] <= 150),
    ("x264", "x264 CRF veryfast 1080p, vs bare ffmpeg", lambda r: f"{r['ratio']:.3f}", "ratio ≤ 1.02",
     lambda r: r["ratio"] <= 1.02),
    ("upload", "upload to rclone webdav, throughput vs curl -T", lambda r: f"{r['ratio']:.3f} (RSS {r['rss_peak_mb']:.0f} MB, -Xmx128m)",
     "ratio ≥ 0.95", lambda r: r["ratio"] >= 0.95),
    ("ingest", "durable webhooks, wrk -c16, vs FastAPI+uvicorn+SQLite",
     lambda r: f"{r['ratio']:.2f}× ({r['nglive_rps']:.0f} vs {r['baseline_rps']:.0f} req/s); "
               f"at {r['paced']['rps']:.0f} req/s p99 {r['paced']['p99_ms']:.1f} ms",
     "≥ 2×, p99 ≤ 8 ms at 2×", lambda r: r["ratio"] >= 2 and r["paced"]["rps"] >= 0.98 * r["paced"]["target_rps"]
     and r["paced"]["p99_ms"] <= 8),
    ("busy", "webhook p99 while two x264 jobs run",
     lambda r: f"{r['busy_p99_ms']:.1f} ms at {r['rate']} req/s (idle {r['idle_p99_ms']:.1f} ms)",
     "p99 ≤ 50 ms", lambda r: r["busy_p99_ms"] <= 50 and r["busy_rps"] >= 0.98 * r["rate"]),
    ("startup", "start to healthy; RSS idle", lambda r: f"{r['healthy_s']:.2f} s; {r['rss_idle_mb']:.0f} MB",
     "≤ 3 s; ≤ 150 MB", lambda r: r["healthy_s"] <= 3 and r["rss_idle_mb"] <= 150),
    ("burst", "burst of FileClosed, workers=2",
     lambda r: f"{r['done']}/{r['files']} done in {r['all_done_s']:.0f} s, max {r['max_ffmpeg']} ffmpeg, RSS {r['rss_peak_mb']:.0f} MB",
     "≤ 2 ffmpeg, all done, RSS ≤ 300 MB", lambda r: r["max_ffmpeg"] <= 2 and r["done"] == r["files"] and r["rss_peak_mb"] <= 300),
    ("ws", "event delivery to 100 WebSocket subscribers", lambda r: f"p99 {r['p99_ms']:.1f} ms ({r['deliveries']} deliveries)",
     "p99 ≤ 50 ms", lambda r: r["p99_ms"] <= 50 and r["complete"]),
    ("cluster", "central: rooms added by POST /api/rooms, all placed",
     lambda r: f"{r['place_all_state']['on_one_node']}/{r['rooms']} on one node each in {r['place_all_s']:.0f} s "
               f"({r['nodes']} nodes)", "all, each on one node", lambda r: r["place_all_ok"]
     and r["rooms_posted"] == r["rooms"]),
    ("cluster", "central: a killed node's rooms on other nodes",
     lambda r: f"{r['kill_one']['replaced_s']:.1f} s ({r['kill_one']['rooms']} rooms)",
     "≤ node-timeout + 10 s", lambda r: r["kill_one"]["ok"] and r["kill_one"]["replaced_s"] <= r["kill_one"]["goal_s"]),
    ("cluster", "central: nodes dropped at once, rooms re-placed",
     lambda r: f"{r['drop']['replaced_s']:.1f} s ({r['drop']['nodes']} nodes, {r['drop']['rooms']} rooms)",
     "≤ node-timeout + 30 s", lambda r: r["drop"]["ok"] and r["drop"]["replaced_s"] <= r["drop"]["goal_s"]),
    ("cluster", "central: every node reconnects at once (as after a central restart)",
     lambda r: f"{r['reconnect_all']['converged_s']:.1f} s ({r['reconnect_all']['nodes']} nodes, "
               f"{r['reconnect_all']['addroom'] + r['reconnect_all']['removeroom']} rooms changed)",
     "all reconciled, no room moved", lambda r: r["reconnect_all"]["ok"]
     and r["reconnect_all"]["addroom"] + r["reconnect_all"]["removeroom"] == 0),
    ("cluster", "central: POST /api/rooms/{id}/start round trip",
     lambda r: f"p99 {r['commands']['p99_ms']:.1f} ms ({r['commands']['count']} at {r['commands']['rate']}/s)",
     "p99 ≤ 100 ms", lambda r: r["commands"]["p99_ms"] <= 100 and r["commands"]["statuses"] == {"200": r["commands"]["count"]}),
    ("cluster", "central: RSS steady; peak", lambda r: f"{r['rss_steady_mb']:.0f} MB; {r['rss_peak_mb']:.0f} MB",
     "≤ 512 MB", lambda r: r["rss_peak_mb"] <= 512),
    ("cluster-ha", "two centrals, leader SIGKILLed: standby leads",
     lambda r: f"{r['takeover']['takeover_s']:.1f} s, elected after {r['takeover'].get('elected_s', float('nan')):.1f} s "
               f"({r['takeover']['nodes']} nodes, {r['rooms']} rooms)", "≤ 30 s",
     lambda r: r["takeover"]["led"] and r["takeover"]["takeover_s"] <= 30),
    ("cluster-ha", "two centrals: every node reconnected to the new leader",
     lambda r: f"{r['takeover']['all_connected_s']:.1f} s after the kill (first {r['takeover']['first_node_s']:.1f} s, "
               f"p50 {r['takeover']['reconnect_ms'].get('p50_ms', 0) / 1000:.1f} s); reconciled "
               f"{r['takeover']['all_reconciled_s']:.1f} s", "≤ 60 s",
     lambda r: r["takeover"]["all_connected"] and r["takeover"]["all_connected_s"] <= 60),
    ("cluster-ha", "two centrals: rooms moved by the takeover",
     lambda r: f"{r['takeover']['rooms_moved']} (addroom {r['takeover']['addroom']}, removeroom "
               f"{r['takeover']['removeroom']})", "0",
     lambda r: r["takeover"]["all_reconciled"] and r["takeover"]["rooms_moved"] == 0
     and r["takeover"]["addroom"] + r["takeover"]["removeroom"] == 0),
    ("cluster-ha", "two centrals: node events stored across the takeover",
     lambda r: f"{r['events']['stored_distinct']}/{r['events']['made_by_nodes']}, {r['events']['stored_twice']} twice",
     "none lost", lambda r: r["events"]["missing"] == 0),
    ("cluster-ha", "two centrals: the new leader's RSS peak after the takeover",
     lambda r: f"{r['new_leader_rss_peak_mb']:.0f} MB (as standby {r['standby_rss_before_mb']:.0f} MB)", "≤ 512 MB",
     lambda r: r["new_leader_rss_peak_mb"] <= 512),
    ("dash", "dashboard, 500 rooms: first contentful paint; all rooms drawn",
     lambda r: f"{r['fcp_ms']:.0f} ms; {r['rooms_drawn_ms']:.0f} ms", "FCP ≤ 1 s",
     lambda r: r["fcp_ms"] <= 1000),
    ("dash", "dashboard: the page's own files", lambda r: f"{r['own_bytes'] / 1024:.0f} KB", "≤ 200 KB",
     lambda r: r["own_bytes"] <= 200 * 1024),
    ("dash", "dashboard, 100 events/s over 500 rooms: main thread busy",
     lambda r: f"rooms view {r['rooms_view_busy_ms_per_s']:.0f} ms/s, events view {r['events_view_busy_ms_per_s']:.0f} ms/s",
     "≤ 200 ms/s", lambda r: max(r["rooms_view_busy_ms_per_s"], r["events_view_busy_ms_per_s"]) <= 200),
    ("dash", "dashboard: main thread's CPU time (/proc), 100 events/s",
     lambda r: f"rooms view {median([p['MainThreadCpu'] for k, p in r['busy_parts_ms_per_s'].items() if k.startswith('rooms')]):.0f} ms/s, "
               f"events view {median([p['MainThreadCpu'] for k, p in r['busy_parts_ms_per_s'].items() if k.startswith('events')]):.0f} ms/s",
     "(for the record)", lambda r: True),
    ("dash", "dashboard: a page of jobs among 10,000", lambda r: f"{r['jobs_page_ms']:.0f} ms ({r['jobs']} jobs)",
     "≤ 500 ms", lambda r: r["jobs_page_ms"] <= 500),
    ("dash", "webhook p99 at 100/s: serving a dashboard's requests vs none",
     lambda r: f"{r['p99_served_ratio']:.2f} ({r['p99_served_ms']:.1f} vs {r['p99_closed_ms']:.1f} ms)",
     "ratio ≤ 1.10", lambda r: r["p99_served_ratio"] <= 1.10),
    ("dash", "webhook p99 at 100/s: Chromium open on the same 2 cores vs closed",
     lambda r: f"{r['p99_ratio']:.2f} ({r['p99_open_ms']:.1f} vs {r['p99_closed_ms']:.1f} ms)", "(for the record)",
     lambda r: True),
    ("dash-central", "central dashboard, 500 rooms: first contentful paint; all rooms drawn",
     lambda r: f"{r['fcp_ms']:.0f} ms; {r['rooms_drawn_ms']:.0f} ms (at {r['closed_busy_events_per_s']:.0f} ev/s)",
     "FCP ≤ 1 s", lambda r: r["fcp_ms"] <= 1000),
    ("dash-central", "central dashboard, events on /ws vs none: main thread busy",
     lambda r: f"{r['rooms_busy_events_per_s']:.0f} ev/s: rooms view {r['rooms_busy_ms_per_s']:.0f} ms/s "
               f"(none: {r['rooms_idle_ms_per_s']:.0f}, {r['rooms_ratio']:.1f}×), events view "
               f"{r['events_busy_ms_per_s']:.0f} ms/s (none: {r['events_idle_ms_per_s']:.0f}, {r['events_ratio']:.1f}×)",
     "≤ 200 ms/s", lambda r: max(r["rooms_busy_ms_per_s"], r["events_busy_ms_per_s"]) <= 200),
    ("dash-central", "central dashboard: main thread's CPU time (/proc), events vs none",
     lambda r: f"rooms view {r['rooms_busy_cpu_ms_per_s']:.0f} ms/s (none: {r['rooms_idle_cpu_ms_per_s']:.0f}), "
               f"events view {r['events_busy_cpu_ms_per_s']:.0f} ms/s (none: {r['events_idle_cpu_ms_per_s']:.0f})",
     "(for the record)", lambda r: True),
    ("dash-central", "central's CPU with events: page closed vs Rooms view open",
     lambda r: f"{r['closed_busy_central_cpu_percent']:.0f} % vs {r['rooms_busy_central_cpu_percent']:.0f} % of a core "
               f"(no events: {r['closed_idle_central_cpu_percent']:.0f} % vs {r['rooms_idle_central_cpu_percent']:.0f} %)",
     "(for the record)", lambda r: True),
    ("cluster", "central: node events stored",
     lambda r: f"{r['events']['stored_distinct']}/{r['events']['made_by_nodes']}, {r['events']['stored_twice']} twice",
     "none lost", lambda r: r["events"]["missing"] == 0 and r["events"]["stored_twice"] == 0),
    ("danmaku", "danmaku XML → ASS, 100,000 comments, -Xmx64m",
     lambda r: f"cold {r['cold_s']:.2f} s, warm {r['warm_s']:.2f} s; {r['live_after_gc_max_mb']:.0f} MB kept",
     "≤ 2 s, ≤ 64 MB heap", lambda r: r["cold_s"] <= 2 and r["xmx_mb"] <= 64),
    ("s3", "upload to s3proxy, multipart, throughput vs boto3",
     lambda r: f"{r['ratio']:.3f} ({r['nglive_mb_s']:.0f} vs {r['baseline_mb_s']:.0f} MB/s; RSS {r['rss_peak_mb']:.0f} MB, "
               f"-Xmx128m)", "ratio ≥ 0.9", lambda r: r["ratio"] >= 0.9),
    *[row for key, link in (("s3-latency", "link with added latency"),
                            ("s3-latency_lossy", "the same link losing 0.1 % each way, MTU 1500"))
      for row in s3_latency_goals(key, link)],
]


def report(results, quick):
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    rows = []
    print()
    print(f"{'scenario':<58} {'measured':<62} {'goal':<34} met")
    for key, title, shown, goal, met in GOALS:
        if key in results:
            ok = met(results[key])
            rows.append({"scenario": key, "title": title, "measured": shown(results[key]), "goal": goal, "met": ok})
            print(f"{title:<58} {shown(results[key]):<62} {goal:<34} {'yes' if ok else 'NO'}")
    out = {"commit": commit, "quick": quick, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
           "rows": rows, "results": results}
    path = ROOT / "bench" / "results" / "latest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
