"""The Python MCP SDK (`mcp`, pinned in requirements.txt) driving kling-mcp the way a Python agent would.

One argument: a JSON file written by the Java test:
  { "transport": "stdio" | "http", "url": "...", "command": "java", "args": [...], "env": {...}, "cwd": "...",
    "mode": "legacy" | "auto" | "2026-07-28", "generate": { ...generate arguments... }, "timeout": seconds }
Prints one JSON line with what the client saw (typed results turned back into plain JSON); the Java test asserts on
it. Every request has a read timeout and the whole run a deadline, so a hung server fails the test instead of
hanging the build.
"""

import json
import sys
import traceback

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types.version import MODERN_PROTOCOL_VERSIONS


def server_of(config):
    if config["transport"] == "http":
        return config["url"]
    return StdioServerParameters(
        command=config["command"], args=config["args"], env=config["env"], cwd=config["cwd"]
    )


def summary(result):
    """What a Python caller reads from a CallToolResult: the flag, the structured answer and the text."""
    text = "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")
    return {"isError": result.is_error, "structured": result.structured_content, "text": text}


async def flow(client, config, out):
    out["protocolVersion"] = client.protocol_version
    out["era"] = "modern" if client.protocol_version in MODERN_PROTOCOL_VERSIONS else "legacy"
    info = client.server_info
    out["serverName"] = info.name if info is not None else None

    listed = await client.list_tools()
    out["tools"] = [
        {"name": t.name, "inputSchema": t.input_schema, "outputSchema": t.output_schema} for t in listed.tools
    ]

    out["describeModels"] = summary(await client.call_tool("describe_models", {}))
    out["dryRun"] = summary(await client.call_tool("generate", {**config["generate"], "dry_run": True}))

    generated = await client.call_tool("generate", config["generate"])
    out["generate"] = summary(generated)
    # 2026-07-28 stamps the server's identity on every result; a pinned client (no discover) reads it only there.
    out["resultServerInfo"] = (generated.meta or {}).get("io.modelcontextprotocol/serverInfo")
    job_id = (generated.structured_content or {}).get("job_id")
    if not job_id:
        raise AssertionError(f"generate returned no job_id: {generated}")

    progress = []

    async def on_progress(value, total, message):
        progress.append(value)

    statuses = []
    for _ in range(10):
        status = await client.call_tool(
            "status", {"job_id": job_id, "wait_seconds": 20}, read_timeout_seconds=60, progress_callback=on_progress
        )
        structured = status.structured_content or {}
        statuses.append((structured.get("job") or {}).get("status"))
        if structured.get("finished"):
            break
    out["statuses"] = statuses
    out["progress"] = progress

    out["result"] = summary(await client.call_tool("result", {"job_id": job_id, "download": True}))

    bad = {**config["generate"], "duration": "20"}
    out["badInput"] = summary(await client.call_tool("generate", bad))

    second = await client.call_tool("generate", config["generate"])
    second_id = (second.structured_content or {}).get("job_id")
    out["cancel"] = {"jobId": second_id, **summary(await client.call_tool("cancel", {"job_id": second_id}))}

    out["listJobs"] = summary(await client.call_tool("list_jobs", {}))
    out["jobIds"] = [job_id, second_id]


async def main(config):
    out = {"transport": config["transport"], "mode": config["mode"]}
    try:
        with anyio.fail_after(config.get("timeout", 120)):
            async with Client(server_of(config), mode=config["mode"], read_timeout_seconds=30) as client:
                await flow(client, config, out)
        out["ok"] = True
    except BaseException:  # the test reads the reason from the JSON line; nothing may escape without it
        out["ok"] = False
        out["error"] = traceback.format_exc()
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    sys.stdout.write(json.dumps(anyio.run(main, cfg), default=str) + "\n")
    sys.stdout.flush()
