// LangChain.js as an agent loads the kling-mcp server: @langchain/mcp-adapters' MultiServerMCPClient connects
// (stdio or Streamable HTTP), getTools() turns every MCP tool into a LangChain tool with the adapter's DEFAULT schema
// simplification (what the LLM is shown and what LangChain checks a call against), and each call goes through
// tool.invoke() with a tool call, as LangGraph's ToolNode does after the model asked for it. Nothing is patched.
//
//   node langchain-agent.mjs <config.json>
//   config: { connection: <one MultiServerMCPClient server entry>, dryRuns: { <model>: <generate args> },
//             fullJob: <generate args> | null, waitSeconds: <n> }
// Prints ONE JSON line: the tools, generate's simplified schema and the OpenAI tool LangChain derives from it, each
// dry run's outcome, and the full job's generate -> status -> result(download) outcomes.
import { readFileSync } from "node:fs";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

/** A tool call as an LLM emits it; the answer's structuredContent, or what LangChain or the server refused. */
async function call(tool, args) {
  try {
    const message = await tool.invoke({ type: "tool_call", id: `call-${Math.random().toString(36).slice(2)}`, name: tool.name, args });
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    const structured =
      blocks.find((b) => b && typeof b === "object" && b.structuredContent)?.structuredContent ??
      (message.artifact ?? []).find((a) => a.type === "mcp_structured_content")?.data;
    return { ok: message.status !== "error", structured: structured ?? null, text: textOf(message.content) };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

function textOf(content) {
  if (typeof content === "string") return content;
  return (Array.isArray(content) ? content : [content]).map((b) => b?.text ?? "").join("\n");
}

function describe(error) {
  const out = { name: error?.name, message: String(error?.message ?? error) };
  // LangChain's schema refusal (ToolInputParsingException) carries what it checked and why it failed.
  if (error?.cause) out.cause = String(error.cause?.message ?? error.cause);
  if (error?.output !== undefined) out.output = error.output;
  return out;
}

const client = new MultiServerMCPClient({ mcpServers: { kling: config.connection }, throwOnLoadError: true });
const out = {};
try {
  const tools = await client.getTools();
  out.tools = tools.map((t) => t.name);
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  const generate = byName.generate;
  out.generateSchema = generate.schema;
  out.openAiTool = convertToOpenAITool(generate);

  out.dryRuns = {};
  for (const [model, args] of Object.entries(config.dryRuns)) {
    out.dryRuns[model] = { args, ...(await call(generate, args)) };
  }

  if (config.fullJob) {
    const job = (out.fullJob = {});
    job.generate = await call(generate, { ...config.fullJob, wait_seconds: config.waitSeconds });
    const jobId = job.generate.structured?.job_id;
    if (jobId) {
      let status = job.generate;
      for (let i = 0; i < 6 && status.structured?.job?.status !== "SUCCEEDED"; i++) {
        status = await call(byName.status, { job_id: jobId, wait_seconds: config.waitSeconds });
      }
      job.status = status;
      job.result = await call(byName.result, { job_id: jobId, download: true });
    }
  }
} catch (error) {
  out.fatal = describe(error);
} finally {
  await client.close();
}
console.log(JSON.stringify(out));
