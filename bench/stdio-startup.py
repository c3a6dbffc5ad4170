#!/usr/bin/env python3
"""Benchmark: how long an MCP client waits for kling-mcp over stdio.

Spawns `java -jar server/target/kling-mcp.jar` (no key, no network) N times per JVM configuration and measures,
from process spawn: the `initialize` answer, the `tools/list` answer, and process exit after stdin closes.
A bare `java -version` run in the same loop is the baseline, so results can be read as ratios on a noisy machine.

usage: bench/stdio-startup.py [runs] (default 7); build first: mvn -B -q -DskipTests package
"""
import json, os, statistics, subprocess, sys, tempfile, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "server", "target", "kling-mcp.jar")
JDKS = [("JDK 17", "java")]
if os.path.exists("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"):
    JDKS.append(("JDK 25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"))
FLAGS = [("plain", []), ("C1 + SerialGC", ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"])]
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


def one_run(java, flags, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "KLING_MCP_"))}
    env["KLING_MCP_LEDGER_URL"] = "jdbc:sqlite:" + os.path.join(workdir, "jobs.db")
    start = time.perf_counter()
    proc = subprocess.Popen([java, *flags, "-jar", JAR], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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


def baseline(java):
    start = time.perf_counter()
    subprocess.run([java, "-version"], capture_output=True, check=True)
    return time.perf_counter() - start


def ms(values):
    return f"{statistics.median(values) * 1000:7.0f}"


def main():
    if not os.path.exists(JAR):
        sys.exit("build first: mvn -B -q -DskipTests package")
    print(f"{RUNS} runs each, medians in ms (spawn -> answer); load average {os.getloadavg()[0]:.1f}")
    print(f"{'JVM':8} {'flags':15} {'java -version':>13} {'initialize':>10} {'tools/list':>10} {'exit':>7} {'tools/list ÷ java -version':>27}")
    with tempfile.TemporaryDirectory() as workdir:
        for name, java in JDKS:
            for flag_name, flags in FLAGS:
                one_run(java, flags, workdir)  # warm-up: page cache, sqlite native library extraction
                runs, bases = [], []
                for _ in range(RUNS):
                    bases.append(baseline(java))
                    runs.append(one_run(java, flags, workdir))
                tl = [r["tools/list"] for r in runs]
                print(f"{name:8} {flag_name:15} {ms(bases):>13} {ms([r['initialize'] for r in runs]):>10} {ms(tl):>10} "
                      f"{ms([r['exit'] for r in runs]):>7} {statistics.median(tl) / statistics.median(bases):>27.1f}")


if __name__ == "__main__":
    main()
