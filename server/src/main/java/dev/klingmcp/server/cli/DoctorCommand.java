package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.LedgerUrls;
import dev.klingmcp.server.preview.FramePreviewers;
import dev.klingmcp.server.tools.ToolJson;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code doctor}: what would stop the server from working here, checked one by one, without spending anything. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description =
                "Check Java, the fal key, whether fal answers, ledger and output folders, upload roots, previews.",
        footer = {"", "Exit codes: 0 every check passed, 1 a check failed, 2 the configuration is invalid."})
final class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    KlingMcpCommand parent;

    @Mixin
    ServeOptions options = new ServeOptions();

    @Mixin
    SettingsReport report = new SettingsReport();

    private final ArrayNode checks = ToolJson.array();

    @Override
    public Integer call() {
        return report.run(parent, options, "doctor", this::checkAll);
    }

    private int checkAll(ServerConfig config, PrintStream out) {
        check(
                "java",
                Runtime.version().feature() >= 17,
                "Java " + Runtime.version() + " at " + System.getProperty("java.home"));
        check(
                "fal_key",
                config.falKey().isPresent(),
                config.falKey().isPresent()
                        ? "FAL_KEY is set"
                        : "FAL_KEY is not set: real generate/upload/cancel are refused (set it in the server's env)");
        checkWhy("fal_reachable", unreachable(config.queueUrl()), "fal's queue at " + config.queueUrl());
        if (LedgerUrls.isSqlite(config.ledgerUrl())) {
            String ledger = config.ledgerUrl().substring("jdbc:sqlite:".length());
            checkWhy(
                    "ledger_writable",
                    unwritable(Path.of(ledger).toAbsolutePath().getParent()),
                    "job ledger " + ledger);
        } else {
            check(
                    "ledger_reachable",
                    ledgerOpens(config.ledgerUrl()),
                    "job ledger " + LedgerUrls.redact(config.ledgerUrl()) + ", a pool of at most "
                            + config.ledgerPoolSize() + " connections (ledger.pool-size)");
        }
        checkWhy("output_writable", unwritable(config.outputDir()), "videos saved to " + config.outputDir());
        boolean rootsOk = config.uploadRoots().stream().allMatch(Files::isDirectory);
        check(
                "upload_roots",
                rootsOk,
                config.uploadRoots().isEmpty()
                        ? "none: upload reads no file (set KLING_MCP_UPLOAD_ROOTS=/dir/a,/dir/b)"
                        : "upload may read " + config.uploadRoots() + (rootsOk ? "" : " (a folder is missing)"));
        previewDecoder();
        boolean allOk = true;
        for (var c : checks) {
            allOk &= c.path("ok").asBoolean();
        }
        if (report.json) {
            ObjectNode summary = ToolJson.object().put("ok", allOk);
            summary.set("checks", checks);
            out.println(summary.toPrettyString());
        } else {
            for (var c : checks) {
                out.println((c.path("ok").asBoolean() ? "ok    " : "FAIL  ")
                        + c.path("name").asText() + ": " + c.path("detail").asText());
            }
        }
        return allOk ? 0 : 1;
    }

    /** Optional: without it result answers with a note instead of a picture, so its absence fails nothing. */
    private void previewDecoder() {
        String detail;
        boolean ok = true;
        try {
            detail = FramePreviewers.installed()
                    .map(p -> p.decoder() + ": result can show the first frame (preview: true)")
                    .orElse("not installed: result answers preview requests with a note (" + FramePreviewers.JAR
                            + " was looked for in " + FramePreviewers.places() + ")");
        } catch (IllegalStateException e) {
            ok = false;
            detail = FramePreviewers.JAR + " is there but unusable: " + e.getMessage();
        }
        check("preview_decoder", ok, detail);
    }

    private void check(String name, boolean ok, String detail) {
        checks.addObject().put("name", name).put("ok", ok).put("detail", detail);
    }

    /** A check that failed for {@code why} (null: it passed); the reason is what a person needs to fix it. */
    private void checkWhy(String name, String why, String detail) {
        check(name, why == null, why == null ? detail : detail + ": " + why);
    }

    /**
     * Why fal does not answer, or null when it does: any HTTP answer counts (fal answers 401/404 without a request
     * body); only no answer at all fails.
     */
    private static String unreachable(URI base) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            http.send(
                    HttpRequest.newBuilder(base)
                            .timeout(Duration.ofSeconds(8))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return null;
        } catch (IOException e) {
            return "no answer (" + reason(e) + "); check the network and fal.queue-url";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Why no file can be written in the folder (created if missing), or null when one can. */
    private static String unwritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".kling-mcp-doctor", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException | RuntimeException e) {
            return "not writable (" + reason(e) + ")";
        }
    }

    /** Opens (and migrates) the shared ledger once: the database is up, the credentials work, the schema fits. */
    private static boolean ledgerOpens(String url) {
        try (JdbcJobLedger ledger = JdbcJobLedger.open(url, java.time.Clock.systemUTC())) {
            return ledger != null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
