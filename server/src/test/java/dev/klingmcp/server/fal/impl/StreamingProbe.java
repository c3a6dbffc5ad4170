package dev.klingmcp.server.fal.impl;

import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.fal.FalGateway;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM with a heap smaller than the file by {@link StreamingTransfersTest}: uploads {@code file} to the
 * mock's storage through the production gateway (multipart, as a big file goes), downloads it back from its file URL,
 * and prints {@code size sha256 parts} of the download on stdout. Holding either file whole would end in an
 * OutOfMemoryError and a non-zero exit.
 *
 * <p>Arguments: mock base URL, fal key, file to upload, download target.
 */
public final class StreamingProbe {

    private StreamingProbe() {}

    public static void main(String[] args) {
        Path home = Path.of(args[3]).toAbsolutePath().getParent();
        ServerConfig config = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(home)
                .home(home)
                .load()
                .withFalBaseUrl(URI.create(args[0]))
                .withFalKey(FalKey.of(args[1]));
        // Parts of 4 MiB: a 64 MiB file goes as 16 parts, each streamed from its offset in the file.
        try (FalGateway gateway = new HttpFalGateway(config, new HttpFalGateway.Tuning(8L << 20, 4L << 20))) {
            FalGateway.UploadedFile up = gateway.upload(Path.of(args[2]), "video/mp4", "big.mp4");
            FalGateway.DownloadedFile down = gateway.download(up.url(), Path.of(args[3]));
            System.out.println(down.size() + " " + down.sha256() + " " + up.parts());
        }
    }
}
