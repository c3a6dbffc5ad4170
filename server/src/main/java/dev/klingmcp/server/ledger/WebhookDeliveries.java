package dev.klingmcp.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The ledger's record of accepted fal webhook deliveries (table {@code webhook_deliveries}), so that every replica on
 * one ledger refuses a delivery any of them accepted before. The insert decides: the signature is the primary key, so
 * of two replicas receiving the same delivery at once exactly one inserts it.
 */
final class WebhookDeliveries {

    private WebhookDeliveries() {}

    /** Deletes expired rows, then records {@code signature}; true when it was not recorded (and unexpired) before. */
    static boolean first(Connection c, String signature, long expiresAtMillis, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_deliveries WHERE expires_at < ?")) {
            ps.setLong(1, nowMillis);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO webhook_deliveries (signature, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, signature);
            ps.setLong(2, expiresAtMillis);
            return ps.executeUpdate() == 1;
        }
    }
}
