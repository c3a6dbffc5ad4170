#!/usr/bin/env python3
"""Benchmark: how long an MCP client waits for kling-mcp over stdio.

Spawns `java -jar server/target/kling-mcp.jar` (no key, no network) N times per JVM configuration and measures,
from process spawn: the `initialize` answer, the `tools/list` answer, and process exit after stdin closes.
A bare `java -version` run in the same loop is the baseline, so results can be read as ratios on a noisy machine.

usage: bench/stdio-startup.py [runs] [jar ...] (default: 7 runs of server/target/kling-mcp.jar)
build first: mvn -B -q -DskipTests package
BENCH_ARCHIVES=1 adds rows with a class archive made by one training run (the warm-up) in a temporary folder, never kept:
AppCDS on JDK 17 (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile) and the AOT cache on JDK 25 (-XX:AOTCacheOutput,
then -XX:AOTCache), both with C1 + SerialGC. JVM warnings are sent to stderr (-Xlog:all=warning:stderr): unified logging
writes to stdout by default, which would corrupt the JSON-RPC stream.
With several jars (e.g. a copy of the jar built before a change, and the current one), every round runs each jar once,
in turn, so a machine whose load drifts during the benchmark weighs on all of them alike; compare them row by row.
"""
import json, os, statistics, subprocess, sys, tempfile, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JARS = [os.path.abspath(j) for j in sys.argv[2:]] or [os.path.join(ROOT, "server", "target", "kling-mcp.jar")]
JDKS = [("JDK 17", "java")]
if os.path.exists("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"):
    JDKS.append(("JDK 25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"))
C1_SERIAL = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
FLAGS = [("plain", []), ("C1 + SerialGC", C1_SERIAL)]
ARCHIVES = os.environ.get("BENCH_ARCHIVES") == "1"
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


def one_run(java, flags, jar, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "KLING_MCP_"))}
    env["KLING_MCP_LEDGER_URL"] = "jdbc:sqlite:" + os.path.join(workdir, "jobs.db")
    start = time.perf_counter()
    proc = subprocess.Popen([java, *flags, "-jar", jar], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=workdir, env=env, text=True, bufsize=1)
    times = {}
    proc.stdin.write(json.dumps(INIT) + "\n")
    proc.stdin.flush()
    for line in proc.stdout:
        msg = json.loads(line)
        if msg.get("id") == 1:
            times["initialize"] = time.perf_counter() - start
            proc.stdin.write(json.dumps(INITIALIZED) + "\n" + json.dumps(LIST) + "\n")
            proc.stdin.flush()
        elif msg.get("id") == 2:
            times["tools/list"] = time.perf_counter() - start
            assert len(msg["result"]["tools"]) == 7, msg
            proc.stdin.close()
            break
    proc.wait(timeout=60)
    times["exit"] = time.perf_counter() - start
    return times


def flag_sets(jdk, jar, workdir):
    """(label, warm-up flags, timed flags) for one JDK; an archive's warm-up run is its training run."""
    sets = [(label, flags, flags) for label, flags in FLAGS]
    if ARCHIVES:
        quiet = ["-Xlog:disable", "-Xlog:all=warning:stderr"]
        archive = os.path.join(workdir, f"{jdk.replace(' ', '')}-{abs(hash(jar))}")
        if jdk == "JDK 17":
            sets.append(("C1+Serial+CDS", [*C1_SERIAL, *quiet, f"-XX:ArchiveClassesAtExit={archive}.jsa"],
                         [*C1_SERIAL, *quiet, f"-XX:SharedArchiveFile={archive}.jsa"]))
        else:
            sets.append(("C1+Serial+AOT", [*C1_SERIAL, *quiet, f"-XX:AOTCacheOutput={archive}.aot"],
                         [*C1_SERIAL, *quiet, f"-XX:AOTCache={archive}.aot"]))
    return sets


def baseline(java):
    start = time.perf_counter()
    subprocess.run([java, "-version"], capture_output=True, check=True)
    return time.perf_counter() - start


def ms(values):
    return f"{statistics.median(values) * 1000:7.0f}"


def main():
    for jar in JARS:
        if not os.path.exists(jar):
            sys.exit(f"{jar} is missing; build first: mvn -B -q -DskipTests package")
    print(f"{RUNS} runs each, medians in ms (spawn -> answer); load average {os.getloadavg()[0]:.1f}")
    label = max(len(os.path.relpath(j)) for j in JARS) if len(JARS) > 1 else 0
    print(f"{'JVM':8} {'flags':15} {'jar' if label else '':{label}} {'java -version':>13} {'initialize':>10} {'tools/list':>10} "
          f"{'exit':>7} {'tools/list ÷ java -version':>27}")
    with tempfile.TemporaryDirectory() as workdir:
        for name, java in JDKS:
            for index, (flag_name, _, _) in enumerate(flag_sets(name, JARS[0], workdir)):
                runs = {jar: [] for jar in JARS}
                timed = {}
                bases = []
                for jar in JARS:
                    _, warm, timed[jar] = flag_sets(name, jar, workdir)[index]
                    one_run(java, warm, jar, workdir)  # warm-up: page cache, sqlite native library, archive training
                for _ in range(RUNS):
                    bases.append(baseline(java))
                    for jar in JARS:
                        runs[jar].append(one_run(java, timed[jar], jar, workdir))
                for jar in JARS:
                    tl = [r["tools/list"] for r in runs[jar]]
                    shown = os.path.relpath(jar) if label else ""
                    print(f"{name:8} {flag_name:15} {shown:{label}} {ms(bases):>13} "
                          f"{ms([r['initialize'] for r in runs[jar]]):>10} {ms(tl):>10} "
                          f"{ms([r['exit'] for r in runs[jar]]):>7} {statistics.median(tl) / statistics.median(bases):>27.1f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
