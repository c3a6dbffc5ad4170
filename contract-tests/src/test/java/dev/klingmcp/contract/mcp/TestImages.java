package dev.klingmcp.contract.mcp;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;

/** A small real PNG to upload, and a plain GET to read back what storage serves. */
final class TestImages {

    private TestImages() {}

    /** Writes a 64×36 PNG (a start frame in miniature) to {@code file}. */
    static Path png(Path file) throws IOException {
        BufferedImage image = new BufferedImage(64, 36, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(30, 90, 160));
        g.fillRect(0, 0, 64, 36);
        g.setColor(Color.ORANGE);
        g.fillOval(20, 8, 20, 20);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** GET {@code url} (loopback only in these tests) and return the body; fails on a non-200. */
    static byte[] fetch(String url) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return response.body();
    }
}
