package dev.klingmcp.preview;

import java.awt.image.BufferedImage;

/**
 * Shrinks a picture by averaging every source pixel a target pixel covers (a box filter). A 1920-pixel frame shown at
 * 320 pixels keeps its detail this way; one-step bilinear scaling would skip five of every six pixels and alias.
 */
final class Downscale {

    private Downscale() {}

    /** {@code image} scaled to fit {@code maxSide} x {@code maxSide} with its aspect ratio kept; never enlarged. */
    static BufferedImage toFit(BufferedImage image, int maxSide) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (w <= maxSide && h <= maxSide) {
            return image;
        }
        double scale = Math.min((double) maxSide / w, (double) maxSide / h);
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
        int[] src = image.getRGB(0, 0, w, h, null, 0, w);
        for (int ty = 0; ty < th; ty++) {
            int y0 = (int) ((long) ty * h / th);
            int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * h / th));
            for (int tx = 0; tx < tw; tx++) {
                int x0 = (int) ((long) tx * w / tw);
                int x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * w / tw));
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int p = src[y * w + x];
                        r += (p >> 16) & 0xff;
                        g += (p >> 8) & 0xff;
                        b += p & 0xff;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                out.setRGB(tx, ty, (int) ((r / n) << 16 | (g / n) << 8 | (b / n)));
            }
        }
        return out;
    }
}
